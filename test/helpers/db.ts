/**
 * Test databases on both dialects, for any test that touches storage:
 *
 *   describe.each(TEST_DIALECTS)('%s', (dialect) => {
 *     const t = useTestDatabase(dialect);          // created + migrated in beforeAll
 *     it('…', async () => { await storeRawMessage(t.db, …) });
 *   });
 *
 * SQLite: a fresh file in a temporary directory. PostgreSQL: a fresh database
 * (duban_test_<random>) created through $TEST_POSTGRES_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards. When PostgreSQL cannot be
 * reached the tests FAIL with a message saying so: the PostgreSQL half is not optional.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  migrateToLatest,
  openDatabase,
  redactUrl,
  type Db,
  type Dialect,
  type OpenDatabaseOptions,
} from '../../src/adapters/storage';

export type TestDialect = Dialect;
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function testPostgresUrl(): string {
  const fromEnv = process.env.TEST_POSTGRES_URL?.trim();
  return fromEnv ? fromEnv : DEFAULT_TEST_POSTGRES_URL;
}

export interface TestDatabase {
  dialect: TestDialect;
  /** A DATABASE_URL for this database (for the CLI, or to open more connections). */
  url: string;
  /** Opens a new, independent connection (pool); drop() closes it if the test did not. */
  open(opts?: OpenDatabaseOptions): Promise<Db>;
  /** Closes every connection opened through open() and deletes the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const opened: Db[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(opened.splice(0).map((db) => db.close()));
  };
  const track =
    (url: string) =>
    async (opts?: OpenDatabaseOptions): Promise<Db> => {
      const db = await openDatabase(url, opts);
      opened.push(db);
      return db;
    };

  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-test-'));
    const url = `sqlite:${path.join(dir, 'duban.sqlite')}`;
    return {
      dialect,
      url,
      open: track(url),
      drop: async () => {
        await closeAll();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const adminUrl = testPostgresUrl();
  const name = `duban_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    // template0 + UTF8 + C locale: the test database holds Chinese text whatever the cluster's
    // default encoding is.
    await client.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
  });
  const url = withDatabase(adminUrl, name);
  return {
    dialect,
    url,
    open: track(url),
    drop: async () => {
      await closeAll();
      // WITH (FORCE) (PostgreSQL 13+) ends connections a failed test left open.
      await withAdminClient(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

export interface TestDatabaseHandle {
  readonly dialect: TestDialect;
  readonly url: string;
  /** A connection opened (and, by default, migrated) in beforeAll. */
  readonly db: Db;
  /** Opens another independent connection, closed in afterAll. */
  open(opts?: OpenDatabaseOptions): Promise<Db>;
}

/**
 * Jest: one fresh database for the enclosing describe block (created in beforeAll, dropped in
 * afterAll). Tests in the block share it, so give each test its own keys (unit ids, mail keys).
 */
export function useTestDatabase(
  dialect: TestDialect,
  options: { migrate?: boolean } = {},
): TestDatabaseHandle {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = await database.open();
    if (options.migrate !== false) await migrateToLatest(db);
  });
  afterAll(async () => {
    await database?.drop();
  });
  const ready = (): TestDatabase => {
    if (!database) throw new Error(`the ${dialect} test database was not created (see beforeAll)`);
    return database;
  };
  return {
    dialect,
    get url() {
      return ready().url;
    },
    get db() {
      ready();
      if (!db) throw new Error(`the ${dialect} test database was not opened (see beforeAll)`);
      return db;
    },
    open: (opts) => ready().open(opts),
  };
}

async function withAdminClient<T>(
  adminUrl: string,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  // A server-side disconnect emits 'error'; without a listener it would crash the test run.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const reason = messageOf(err);
    throw new Error(
      `PostgreSQL for the storage tests is unreachable at ${redactUrl(adminUrl)} (${reason}). ` +
        'Start PostgreSQL or point TEST_POSTGRES_URL at a server where this user may CREATE DATABASE.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * An error's message, read by shape: errors from Node's own modules fail `instanceof Error` under
 * Jest. An AggregateError (connecting to a host with IPv4 and IPv6 addresses) has no message of
 * its own: its parts are joined.
 */
function messageOf(err: unknown): string {
  const { message, errors } = (err ?? {}) as { message?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.length > 0) return errors.map(messageOf).join('; ');
  return typeof message === 'string' && message !== '' ? message : String(err);
}
