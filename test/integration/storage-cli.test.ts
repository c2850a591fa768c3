import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/context';
import { EXIT } from '../../src/cli/exit-codes';
import { TEST_DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/db';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function duban(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (s) => (out += s.endsWith('\n') ? s : `${s}\n`),
    err: (s) => (err += s.endsWith('\n') ? s : `${s}\n`),
    env,
    cwd: cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-')),
  };
  const code = await main(['node', 'duban', ...args], io);
  return { code, out, err };
}

describe.each(TEST_DIALECTS)('duban migrate on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('applies the migrations, names the database, and applies nothing the second time', async () => {
    const env = { DATABASE_URL: database.url };
    const first = await duban(['migrate'], env);
    expect(first).toMatchObject({ code: EXIT.OK, err: '' });
    expect(first.out).toMatch(/^database: (sqlite:|postgres:)/);
    expect(first.out).toContain('applied: 0001_initial');

    const second = await duban(['migrate'], env);
    expect(second.code).toBe(EXIT.OK);
    expect(second.out).toContain('already up to date');
    expect(second.out).not.toContain('applied:');
  });

  it('lists the migrations with --status', async () => {
    const run = await duban(['migrate', '--status'], { DATABASE_URL: database.url });
    expect(run.code).toBe(EXIT.OK);
    expect(run.out).toMatch(/applied {2}0001_initial {2}\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/);
  });
});

describe('duban migrate without a usable database', () => {
  it('uses ./data/duban.sqlite when DATABASE_URL is unset', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const run = await duban(['migrate', '--status'], {}, cwd);
    expect(run.code).toBe(EXIT.OK);
    expect(run.out).toContain(`database: sqlite:${path.join(cwd, 'data', 'duban.sqlite')}`);
    expect(run.out).toContain('pending  0001_initial');
  });

  it('exits 1 for an invalid DATABASE_URL', async () => {
    const run = await duban(['migrate'], { DATABASE_URL: 'mysql://office:s3cret@db/duban' });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.err).toMatch(/^duban migrate: DATABASE_URL_INVALID: .+\n$/);
    expect(run.err).not.toContain('s3cret');
  });

  it('exits 69 with one line, password redacted, when PostgreSQL is unreachable', async () => {
    const run = await duban(['migrate'], {
      DATABASE_URL: 'postgres://office:s3cret@127.0.0.1:1/duban',
    });
    expect(run.code).toBe(EXIT.UNAVAILABLE);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^duban migrate: DATABASE_UNAVAILABLE: [^\n]+\n$/);
    expect(run.err).toContain('postgres://office:***@127.0.0.1:1/duban');
    expect(run.err).not.toContain('s3cret');
  });
});

describe('the first command of a new installation', () => {
  it('duban status on a database nobody migrated yet creates the tables and lists every unit as missing', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const run = await duban(['status', '--week', '2021-03-15'], {}, cwd);
    expect(run.err).not.toMatch(/SqliteError|no such table/);
    expect(run.code).toBe(EXIT.OK);
    expect(run.out).toMatch(/jiaoyu\s+missing/);
  });

  it('an unknown LOG_LEVEL is reported as an environment problem, not a crash', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const eml = path.join(
      __dirname,
      '..',
      'fixtures',
      'eml',
      fs
        .readdirSync(path.join(__dirname, '..', 'fixtures', 'eml'))
        .filter((f) => f.endsWith('.eml'))[0] ?? '',
    );
    const run = await duban(['ingest', eml], { LOG_LEVEL: 'loud' }, cwd);
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.err).toContain('LOG_LEVEL: use one of');
  });
});
