import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sql, type Kysely } from 'kysely';
import {
  describeDatabase,
  openDatabase,
  parseDatabaseUrl,
  redactUrl,
} from '../../src/adapters/storage';
import { DubanError } from '../../src/errors';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'duban-conn-'));
}

async function rejection(promise: Promise<unknown>): Promise<DubanError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DubanError) return err;
    throw err;
  }
  throw new Error('expected a DubanError, but the call succeeded');
}

describe('DATABASE_URL', () => {
  it.each([
    [undefined, { dialect: 'sqlite', file: '/srv/duban/data/duban.sqlite' }],
    ['  ', { dialect: 'sqlite', file: '/srv/duban/data/duban.sqlite' }],
    ['sqlite:db/x.sqlite', { dialect: 'sqlite', file: '/srv/duban/db/x.sqlite' }],
    ['sqlite:./x.sqlite', { dialect: 'sqlite', file: '/srv/duban/x.sqlite' }],
    ['sqlite:/var/lib/duban.sqlite', { dialect: 'sqlite', file: '/var/lib/duban.sqlite' }],
    ['sqlite://data/x.sqlite', { dialect: 'sqlite', file: '/srv/duban/data/x.sqlite' }],
    ['sqlite:///var/lib/duban.sqlite', { dialect: 'sqlite', file: '/var/lib/duban.sqlite' }],
    ['sqlite::memory:', { dialect: 'sqlite', file: ':memory:' }],
    ['postgres://u:p@db:5432/duban', { dialect: 'postgres', url: 'postgres://u:p@db:5432/duban' }],
    ['postgresql://db/duban', { dialect: 'postgres', url: 'postgresql://db/duban' }],
  ])('reads %j', (url, expected) => {
    expect(parseDatabaseUrl(url, '/srv/duban')).toEqual(expected);
  });

  it.each([
    'mysql://u:secret@db/duban',
    'duban.sqlite',
    'sqlite:',
    'sqlite://',
    'postgres://',
    'postgres://u:secret@[bad/duban',
  ])('refuses %j with DATABASE_URL_INVALID and no password', async (url) => {
    const err = await rejection(openDatabase(url, { cwd: tempDir() }));
    expect(err.code).toBe('DATABASE_URL_INVALID');
    expect(err.message).toMatch(/DATABASE_URL/);
    expect(err.message).not.toContain('secret');
  });

  it.each([
    ['postgres://duban:s3cret@db:5432/duban', 'postgres://duban:***@db:5432/duban'],
    ['postgres://duban:p@ss/w0rd@db/duban', 'postgres://duban:***@db/duban'],
    [
      'postgres://db/duban?user=duban&password=s3cret&ssl=true',
      'postgres://db/duban?user=duban&password=***&ssl=true',
    ],
    ['postgres://duban@db/duban', 'postgres://duban@db/duban'],
  ])('redacts the password of %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(describeDatabase(url)).toBe(expected);
  });

  it('describes the default database as the absolute SQLite path', () => {
    expect(describeDatabase(undefined, '/srv/duban')).toBe('sqlite:/srv/duban/data/duban.sqlite');
    expect(describeDatabase('mysql://u:s3cret@db/x')).toBe(
      'invalid DATABASE_URL "mysql://u:***@db/x"',
    );
  });
});

describe('opening SQLite', () => {
  it('creates ./data/duban.sqlite under the working directory when DATABASE_URL is unset', async () => {
    const cwd = tempDir();
    const db = await openDatabase(undefined, { cwd });
    try {
      expect(db.dialect).toBe('sqlite');
      expect(db.description).toBe(`sqlite:${path.join(cwd, 'data', 'duban.sqlite')}`);
      expect(fs.existsSync(path.join(cwd, 'data', 'duban.sqlite'))).toBe(true);
    } finally {
      await db.close();
      await db.close();
    }
  });

  it('turns on WAL, a busy timeout and foreign keys', async () => {
    const db = await openDatabase(`sqlite:${path.join(tempDir(), 'x.sqlite')}`);
    try {
      const pragma = async (name: string) =>
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db.kysely)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
      // NORMAL (1): under WAL a commit waits for no fsync; checkpoints do.
      expect(await pragma('synchronous')).toEqual({ synchronous: 1 });
    } finally {
      await db.close();
    }
  });

  it('reuses prepared statements: the same rows again, from a cursor and after eviction', async () => {
    const db = await openDatabase(`sqlite:${path.join(tempDir(), 'x.sqlite')}`);
    try {
      await sql`create table t (n integer)`.execute(db.kysely);
      for (let n = 1; n <= 3; n++) await sql`insert into t (n) values (${n})`.execute(db.kysely);
      const first = async () =>
        (await sql<{ n: number }>`select n from t order by n`.execute(db.kysely)).rows;
      expect(await first()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      // A cursor (kysely's stream) over a query whose statement is cached, then the query again.
      const tiny = db.kysely as unknown as Kysely<{ t: { n: number } }>;
      const query = () => tiny.selectFrom('t').select('n').orderBy('n');
      expect(await query().execute()).toHaveLength(3);
      const seen: number[] = [];
      for await (const row of query().stream()) {
        seen.push(row.n);
      }
      expect(await query().execute()).toHaveLength(3);
      expect(seen).toEqual([1, 2, 3]);
      // More distinct statements than the cache holds, then the first one again.
      for (let i = 0; i < 600; i++) await sql.raw(`select ${i} as k`).execute(db.kysely);
      expect(await first()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    } finally {
      await db.close();
    }
  });

  it('reports a file that is not a database as DATABASE_UNAVAILABLE', async () => {
    const file = path.join(tempDir(), 'not-a-db.sqlite');
    fs.writeFileSync(file, 'this is a spreadsheet, not a database'.repeat(100));
    const err = await rejection(openDatabase(`sqlite:${file}`));
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(err.message).toContain(file);
  });
});

describe('opening PostgreSQL', () => {
  it('reports an unreachable server as DATABASE_UNAVAILABLE without the password', async () => {
    const err = await rejection(
      openDatabase('postgres://duban:Sup3r-Secret@127.0.0.1:1/duban', { connectTimeoutMs: 3000 }),
    );
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(err.message).toContain('postgres://duban:***@127.0.0.1:1/duban');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain('Sup3r-Secret');
    expect(err.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});
