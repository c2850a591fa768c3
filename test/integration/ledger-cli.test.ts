/**
 * `duban ledger`: its help and its usage errors. (Reading a real database needs the SQL
 * DecisionStore; the ledger itself is tested in test/unit/decisions-ledger.test.ts and its
 * workbook in ledger-workbook.test.ts.)
 */
import { capture, run } from '../helpers/cli';

describe('duban ledger', () => {
  it('says what it writes and how', async () => {
    const { code, io } = await run(['ledger', '--help']);
    expect(code).toBe(0);
    expect(io.stdout).toContain('-o, --out <FILE.xlsx>');
    expect(io.stdout).toContain('--now <ISO>');
    expect(io.stdout).toContain('Without -o the ledger is printed as text.');
  });

  it('refuses an output file that is not .xlsx, and a bad --now', async () => {
    const env = { DATABASE_URL: 'sqlite::memory:' };
    const wrong = await run(['ledger', '-o', 'ledger.pdf'], capture(env));
    expect(wrong.code).toBe(1);
    expect(wrong.io.stderr).toContain('duban ledger: -o takes a file name ending in .xlsx');
    const now = await run(['ledger', '--now', 'yesterday'], capture(env));
    expect(now.code).toBe(1);
  });
});
