import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandContext } from '../../src/cli/main';
import { loadScheduleOrReport } from '../../src/cli/commands/config';
import { capture, ROOT, run, type Captured } from '../helpers/cli';

const BROKEN = path.join(ROOT, 'test/fixtures/schedules/broken.yaml');

describe('duban config check', () => {
  it('accepts the example: exit 0 and a one-line summary', async () => {
    const { code, io } = await run([
      'config',
      'check',
      '--lang',
      'en',
      'config/schedule.example.yaml',
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toBe('config/schedule.example.yaml: OK (8 units, 4 projects, 14 targets)\n');
    expect(io.stderr).toBe('');
  });

  it('lists every error as file:line:column: path: message, with a count, and exits 1', async () => {
    const { code, io } = await run(['config', 'check', '--lang', 'en', BROKEN]);
    expect(code).toBe(1);
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'test/fixtures/schedules/broken.yaml:6:13: programme.timezone: "Asia/Shangai" is not an IANA time zone name; write it as Area/City, like Asia/Shanghai (did you mean "Asia/Shanghai"?).',
    );
    expect(
      lines.filter((l) => /^test\/fixtures\/schedules\/broken\.yaml:\d+:\d+: /.test(l)),
    ).toHaveLength(26);
    expect(lines.filter((l) => l.includes(': warning: '))).toHaveLength(2);
    expect(lines[lines.length - 1]).toBe(
      'test/fixtures/schedules/broken.yaml: 24 errors, 2 warnings; the schedule was not loaded.',
    );
  });

  it('prints warnings of a valid schedule and still exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const file = path.join(dir, 'schedule.yaml');
    const example = fs.readFileSync(path.join(ROOT, 'config/schedule.example.yaml'), 'utf8');
    fs.writeFileSync(file, example.replace('- 2021-02-07 #', '- 2021-02-08 #'));
    const { code, io } = await run(['config', 'check', '--lang', 'en', file]);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/: OK \(8 units, 4 projects, 14 targets\)\n/);
    expect(io.stdout).toMatch(
      /:\d+:\d+: calendar\.years\.2021\.workdays\[0\]: warning: 2021-02-08 is a Monday/,
    );
    expect(io.stdout).toMatch(/\n1 warning\n$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a missing file in one line and exits 1', async () => {
    const { code, io } = await run(['config', 'check', '--lang', 'en', 'no-such-schedule.yaml']);
    expect(code).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr).toBe('no-such-schedule.yaml: The schedule file does not exist.\n');
  });

  it('prints {ok, errors, warnings} with --json', async () => {
    const bad = await run(['config', 'check', '--json', BROKEN]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.io.stdout) as {
      ok: boolean;
      errors: Array<{ line: number; column: number; path: string; message: string }>;
      warnings: unknown[];
    };
    expect(report.ok).toBe(false);
    expect(report.errors).toHaveLength(24);
    expect(report.errors[0]).toMatchObject({ line: 6, column: 13, path: 'programme.timezone' });
    expect(report.warnings).toHaveLength(2);

    const good = await run(['config', 'check', '--json', 'config/schedule.example.yaml']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.io.stdout)).toEqual({
      ok: true,
      file: 'config/schedule.example.yaml',
      errors: [],
      warnings: [],
    });
  });

  it('reads --config, then $DUBAN_CONFIG, when no FILE is given', async () => {
    const viaFlag = await run(['config', 'check', '--lang', 'en', '--config', BROKEN]);
    expect(viaFlag.code).toBe(1);
    const viaEnv = await run(
      ['config', 'check'],
      capture({ DUBAN_CONFIG: BROKEN, DUBAN_LANG: 'en' }),
    );
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.io.stderr).toMatch(/broken\.yaml: 24 errors/);
  });

  it('falls back to the example, and says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const { code, io } = await run(['config', 'check'], capture({ DUBAN_LANG: 'en' }, dir));
    expect(code).toBe(0);
    expect(io.stderr).toMatch(/using the example schedule/);
    expect(io.stdout).toMatch(/schedule\.example\.yaml: OK/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has --help with a description', async () => {
    const { code, io } = await run(['config', 'check', '--help']);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/Validate the schedule/);
    expect(io.stdout).toMatch(/--json/);
  });
});

describe('duban config schema', () => {
  it('prints the JSON Schema, identical to config/schedule.schema.json', async () => {
    const { code, io } = await run(['config', 'schema']);
    expect(code).toBe(0);
    expect(io.stdout).toBe(fs.readFileSync(path.join(ROOT, 'config/schedule.schema.json'), 'utf8'));
  });

  it('has --help with a description', async () => {
    const { code, io } = await run(['config', 'schema', '--help']);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/JSON Schema/);
  });
});

describe('loadScheduleOrReport (for other commands)', () => {
  const context = (io: Captured) => {
    let exit = 0;
    const ctx: CommandContext = { io, setExit: (c) => (exit = c) };
    return { ctx, exit: () => exit };
  };

  it('returns the schedule when it is valid', async () => {
    const io = capture();
    const { ctx, exit } = context(io);
    const schedule = await loadScheduleOrReport('config/schedule.example.yaml', ctx);
    expect(schedule?.units).toHaveLength(8);
    expect(exit()).toBe(0);
    expect(io.stdout + io.stderr).toBe('');
  });

  it('reports the errors on stderr, sets exit code 1 and returns null', async () => {
    const io = capture({ DUBAN_LANG: 'en' });
    const { ctx, exit } = context(io);
    expect(await loadScheduleOrReport(BROKEN, ctx)).toBeNull();
    expect(exit()).toBe(1);
    expect(io.stdout).toBe('');
    expect(io.stderr).toMatch(
      /^test\/fixtures\/schedules\/broken\.yaml:6:13: programme\.timezone: /,
    );
    expect(io.stderr).toMatch(/24 errors, 2 warnings; the schedule was not loaded\.\n$/);
  });
});
