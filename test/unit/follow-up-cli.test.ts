/** `duban follow-up`: registered, documented, and a bad --now is a usage error before anything opens. */
import { capture, run } from '../helpers/cli';

describe('duban follow-up', () => {
  it('is listed with its options', async () => {
    const { io } = await run(['follow-up', '--help']);
    for (const option of ['--now <ISO>', '--dry-run', '--json', '--config <FILE>']) {
      expect(io.stdout).toContain(option);
    }
    expect(io.stdout).toContain('notice:<item>:<colour>:<unit>');
  });

  it('refuses a --now that is not a moment (exit 1), without opening a database', async () => {
    const { code, io } = await run(['follow-up', '--now', 'next tuesday'], capture({}));
    expect(code).toBe(1);
    expect(io.stderr).toMatch(/--now/);
  });
});
