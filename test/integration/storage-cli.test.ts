import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/context';
import { EXIT } from '../../src/cli/exit-codes';
import { TEST_DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { Migrator } from 'kysely';
import { migrationsFor } from '../../src/adapters/storage';

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

/**
 * A database nobody migrated (README: "A new or missing database"): the commands that receive
 * mail create and migrate it; every other command says what to run and exits 1, writing nothing:
 * never a driver's "no such table" and its stack (exit 70).
 */
const WEEK = ['--week', '2021-03-15'];
const NOW = ['--now', '2021-03-16T10:00:00+08:00'];
const REFUSED: Array<[string, string[]]> = [
  ['status', ['status', ...WEEK, ...NOW]],
  ['health', ['health']],
  ['remind --dry-run', ['remind', '--dry-run', ...WEEK, ...NOW]],
  ['remind', ['remind', ...WEEK, ...NOW]],
  ['digest (preview)', ['digest', ...WEEK, ...NOW, '--out', 'digest']],
  ['digest --send', ['digest', ...WEEK, ...NOW, '--out', 'digest', '--send']],
  ['quarantine list', ['quarantine', 'list']],
  ['quarantine release', ['quarantine', 'release', '1', '--unit', 'jiaoyu']],
  ['reprocess', ['reprocess', ...WEEK, ...NOW]],
];
const FIRST_EML = path.join(
  __dirname,
  '..',
  'fixtures',
  'eml',
  '06_python-email-add_attachment-rfc2231.eml',
);

function expectTold(run: Run, command: string, what: RegExp): void {
  expect(run.code).toBe(EXIT.USAGE);
  expect(run.out).toBe('');
  expect(run.err).toMatch(new RegExp(`^duban ${command}: DATABASE_NOT_MIGRATED: `, 'm'));
  expect(run.err).toMatch(what);
  expect(run.err).toContain('run `duban migrate` (or start `duban serve`, which migrates)');
  expect(run.err).not.toMatch(/SqliteError|no such table|does not exist\n\s+at |\n\s+at /);
}

describe.each(TEST_DIALECTS)('a %s database nobody migrated', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    if (dialect === 'sqlite') {
      // An empty file (as an operator's `touch`, or a tool that opened it) is an empty database.
      fs.writeFileSync(new URL(database.url.replace(/^sqlite:/, 'file:')), '');
    }
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each(REFUSED)(
    'duban %s says to migrate it, exits 1 and leaves it empty',
    async (name, args) => {
      const run = await duban(args, { DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
      expectTold(run, name.replace(/ \(preview\)| --.*$/, ''), /has no duban tables yet/);
      const db = await database.open();
      try {
        expect(await db.kysely.introspection.getTables()).toEqual([]);
      } finally {
        await db.close();
      }
    },
  );

  it('duban ingest, which receives mail as the service does, migrates it first', async () => {
    const run = await duban(['ingest', FIRST_EML, '--no-send', '--json'], {
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
    });
    expect(run.err).not.toMatch(/DATABASE_NOT_MIGRATED|no such table/);
    expect(run.code).toBe(EXIT.OK);
    const after = await duban(['status', ...WEEK, ...NOW], { DATABASE_URL: database.url });
    expect(after.code).toBe(EXIT.OK);
    expect(after.out).toMatch(/jiaoyu\s+\w+/);
  });
});

describe('a SQLite database that is not there', () => {
  // The same path for every command (openDatabaseFor); three of them are enough to show it.
  const someRefused = REFUSED.filter(([name]) => ['status', 'health', 'remind'].includes(name));
  it.each(someRefused)(
    'duban %s names the missing file and creates nothing',
    async (name, args) => {
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
      const run = await duban(args, { LOG_LEVEL: 'silent' }, cwd);
      expectTold(
        run,
        name.replace(/ \(preview\)| --.*$/, ''),
        new RegExp(`no database at sqlite:${path.join(cwd, 'data', 'duban.sqlite')} yet`),
      );
      expect(fs.existsSync(path.join(cwd, 'data'))).toBe(false);
    },
  );

  it('a DATABASE_URL in a directory that does not exist is named, by the service and every command', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const env = { DATABASE_URL: 'sqlite:/srv/duban-nowhere/duban.sqlite' };
    for (const args of [['serve'], ['migrate'], ['status', ...WEEK], ['health']]) {
      const run = await duban(args, env, cwd);
      expect(run.code).toBe(EXIT.USAGE);
      expect(run.err).toContain(
        `duban ${args[0] ?? ''}: DATABASE_URL_INVALID: DATABASE_URL "sqlite:/srv/duban-nowhere/duban.sqlite": the directory /srv/duban-nowhere does not exist`,
      );
    }
    expect(fs.existsSync('/srv/duban-nowhere')).toBe(false);
  });

  it('a DATABASE_URL naming a directory is refused as such', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    const run = await duban(['migrate'], { DATABASE_URL: `sqlite:${dir}` });
    expect(run.code).toBe(EXIT.USAGE);
    expect(run.err).toContain(`${dir} is a directory; name a file in it`);
  });

  it('duban migrate creates the default ./data/duban.sqlite, and then status reads it', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cli-'));
    expect((await duban(['migrate'], {}, cwd)).code).toBe(EXIT.OK);
    const run = await duban(['status', ...WEEK, ...NOW], {}, cwd);
    expect(run.code).toBe(EXIT.OK);
    expect(run.out).toMatch(/jiaoyu\s+missing/);
  });
});

describe('a database behind this version of duban', () => {
  it('commands that only read name the pending migration; one that sends applies it', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      // As the version before the newest migration left it: every migration but the last.
      const db = await database.open();
      const all = Object.entries(migrationsFor(db.dialect));
      const [last] = all[all.length - 1] ?? [''];
      const older = Object.fromEntries(all.slice(0, -1));
      const { error } = await new Migrator({
        db: db.kysely,
        provider: { getMigrations: () => Promise.resolve(older) },
      }).migrateToLatest();
      expect(error).toBeUndefined();
      await db.close();
      const env = { DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
      const status = await duban(['status', ...WEEK, ...NOW], env);
      expectTold(
        status,
        'status',
        new RegExp(`is 1 migration\\(s\\) behind this version of duban \\(${last}\\)`),
      );
      const remind = await duban(['remind', ...WEEK, ...NOW], env);
      expect(remind.err).not.toMatch(/DATABASE_NOT_MIGRATED|MIGRATION_FAILED/);
      expect(remind.code).toBe(EXIT.OK);
      expect((await duban(['status', ...WEEK, ...NOW], env)).code).toBe(EXIT.OK);
    } finally {
      await database.drop();
    }
  });
});
