/**
 * Opening the database named by DATABASE_URL: SQLite (better-sqlite3) for one machine,
 * PostgreSQL (pg Pool) when several machines share the work. Both behind one Kysely<Database>.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Logger } from 'pino';
import { DubanError } from '../../errors';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

/** An open database. */
export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where it is, safe for logs (any password replaced by ***). */
  readonly description: string;
  /** Closes the connection(s); safe to call twice. */
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { dialect: 'sqlite'; /** absolute path, or ':memory:' */ file: string }
  | { dialect: 'postgres'; url: string };

export interface OpenDatabaseOptions {
  /** Relative SQLite paths are resolved against it (default: process.cwd()). */
  cwd?: string;
  /** Receives errors of idle pooled PostgreSQL connections (else they are dropped silently). */
  logger?: Pick<Logger, 'warn'>;
  /** PostgreSQL pool size (default 10). */
  poolMax?: number;
  /** How long to wait for a PostgreSQL connection (default 10 s). */
  connectTimeoutMs?: number;
  /** How long SQLite waits for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
  /**
   * Whether a SQLite file that does not exist is created (default true: the service and
   * `duban migrate`). False for commands that only read: DATABASE_NOT_MIGRATED instead, and
   * nothing is written. Either way only the default location's directory (./data) is created; an
   * explicit path's directory must exist (DATABASE_URL_INVALID), so a typing mistake in
   * DATABASE_URL never starts an empty database somewhere else.
   */
  create?: boolean;
}

export const DEFAULT_SQLITE_PATH = path.join('data', 'duban.sqlite');

const URL_FORMS = 'sqlite:<path>, sqlite::memory: or postgres://user@host:5432/database';

/**
 * Reads DATABASE_URL. Unset or blank means SQLite at ./data/duban.sqlite. `sqlite:<path>` and
 * `sqlite://<path>` take the rest verbatim as a path (so `sqlite:///srv/duban.sqlite` is
 * absolute and `sqlite://data/x.sqlite` relative to cwd); `sqlite::memory:` is an in-memory
 * database. `postgres://` and `postgresql://` go to pg as they are (pg also reads options such
 * as `?sslmode=require` from the URL).
 */
export function parseDatabaseUrl(
  url: string | undefined,
  cwd: string = process.cwd(),
): DatabaseLocation {
  const value = url?.trim() ?? '';
  if (value === '') return { dialect: 'sqlite', file: path.resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (/^sqlite:/i.test(value)) {
    const rest = value.replace(/^sqlite:(\/\/)?/i, '');
    if (rest === '') {
      throw new DubanError(
        'DATABASE_URL_INVALID',
        `DATABASE_URL "${redactUrl(value)}" names no SQLite file; use ${URL_FORMS}.`,
      );
    }
    if (rest === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
    return { dialect: 'sqlite', file: path.resolve(cwd, rest) };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new DubanError(
        'DATABASE_URL_INVALID',
        `DATABASE_URL "${redactUrl(value)}" is not a valid URL; use ${URL_FORMS}.`,
      );
    }
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      throw new DubanError(
        'DATABASE_URL_INVALID',
        `DATABASE_URL "${redactUrl(value)}" names no PostgreSQL host; use ${URL_FORMS}.`,
      );
    }
    return { dialect: 'postgres', url: value };
  }
  throw new DubanError(
    'DATABASE_URL_INVALID',
    `DATABASE_URL "${redactUrl(value)}" is not supported; use ${URL_FORMS}.`,
  );
}

/** Where DATABASE_URL points, for logs and CLI output, with any password replaced by ***. */
export function describeDatabase(url: string | undefined, cwd: string = process.cwd()): string {
  let location: DatabaseLocation;
  try {
    location = parseDatabaseUrl(url, cwd);
  } catch {
    return `invalid DATABASE_URL "${redactUrl(url ?? '')}"`;
  }
  return location.dialect === 'sqlite' ? `sqlite:${location.file}` : redactUrl(location.url);
}

/**
 * Replaces the password of a URL, in the user-info part and in a `password=` query parameter
 * (pg reads both), by ***. Works on strings that are not valid URLs too.
 */
export function redactUrl(url: string): string {
  let redacted = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    // The user info ends at the last "@" before the query: a password typed without
    // percent-encoding may itself contain "@" or "/".
    const query = rest.indexOf('?');
    const at = (query < 0 ? rest : rest.slice(0, query)).lastIndexOf('@');
    const colon = rest.indexOf(':');
    if (at >= 0 && colon >= 0 && colon < at) {
      redacted = `${scheme[0]}${rest.slice(0, colon)}:***${rest.slice(at)}`;
    }
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/**
 * Opens the database and checks that it answers. Does not migrate (see migrateToLatest).
 *
 * SQLite: open ONE Db per process and share it. better-sqlite3 is synchronous: a second
 * connection in the same process that waits for the first one's write lock (busy_timeout) blocks
 * the very thread that would release it, so both stall until the timeout and fail SQLITE_BUSY.
 * One Db serialises its transactions itself; separate processes (workers, the CLI) are fine.
 */
export async function openDatabase(
  url: string | undefined,
  opts: OpenDatabaseOptions = {},
): Promise<Db> {
  const location = parseDatabaseUrl(url, opts.cwd);
  if (location.dialect === 'postgres') return openPostgres(location.url, opts);
  if (location.file !== ':memory:') {
    checkSqlitePath(location.file, {
      given: url?.trim() || undefined,
      create: opts.create ?? true,
    });
  }
  return openSqlite(location.file, opts);
}

/**
 * What must be true of a SQLite path before it is opened: see OpenDatabaseOptions.create. `given`
 * is DATABASE_URL as written (undefined: the default location, whose directory is created).
 */
function checkSqlitePath(file: string, opts: { given: string | undefined; create: boolean }): void {
  const description = `sqlite:${file}`;
  const dir = path.dirname(file);
  const shown = opts.given === undefined ? '' : `DATABASE_URL "${redactUrl(opts.given)}": `;
  const stat = statOf(file);
  if (stat?.isDirectory()) {
    throw new DubanError(
      'DATABASE_URL_INVALID',
      `${shown}${file} is a directory; name a file in it, such as sqlite:${path.join(file, 'duban.sqlite')}.`,
    );
  }
  if (stat) return;
  if (opts.given !== undefined && !statOf(dir)?.isDirectory()) {
    throw new DubanError(
      'DATABASE_URL_INVALID',
      `${shown}the directory ${dir} does not exist; correct DATABASE_URL, or create the directory (mkdir -p ${dir}) and run \`duban migrate\`.`,
    );
  }
  if (!opts.create) {
    throw new DubanError(
      'DATABASE_NOT_MIGRATED',
      `There is no database at ${description} yet (no such file): run \`duban migrate\` (or start \`duban serve\`, which migrates), or correct DATABASE_URL.`,
    );
  }
  if (opts.given === undefined) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw unavailable(`cannot create the directory ${dir} for ${description}`, err, []);
    }
  }
}

/** The path's stat, or undefined when it (or a directory above it) does not exist. */
function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unavailable(`cannot open SQLite database sqlite:${file}`, err, []);
  }
}

function openSqlite(file: string, opts: OpenDatabaseOptions): Db {
  const description = `sqlite:${file}`;
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new BetterSqlite3(file);
    // WAL lets readers (the CLI, the digest) run while a worker writes. busy_timeout makes a
    // second process wait for the write lock instead of failing at once with SQLITE_BUSY.
    // foreign_keys is off by default in SQLite and must be set on every connection.
    database.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a commit survives a
    // crash of the process, and a power cut or OS crash can only roll back the last commits,
    // never corrupt the file. What such a roll-back could lose is recovered by design: messages
    // stay on the IMAP server and are fetched again (de-duplicated by content), and a receipt
    // whose "sent" mark was lost goes out again with the same Message-ID. FULL cost a WAL
    // fsync per write statement (most of SQLite's time per mail in bench/intake-bench.js).
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    database.pragma('foreign_keys = ON');
    // Fails here, not at the first query, when the file is not an SQLite database.
    database.prepare('select count(*) from sqlite_schema').get();
  } catch (err) {
    database?.close();
    throw unavailable(`cannot open SQLite database ${description}`, err, []);
  }
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  return makeDb(kysely, 'sqlite', description);
}

/** Prepared statements kept per connection (distinct SQL texts; duban's queries need ~100). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * kysely's SQLite driver prepares every query afresh (compiling the SQL each time: about a
 * quarter of SQLite's time per mail in the intake benchmark). This keeps the prepared statement
 * of each SQL text and reuses it, least recently used dropped first. A statement is only ever
 * run to completion (`all`, `run`) on this single thread, so reuse is safe; `iterate` (a cursor
 * that keeps its statement busy until it ends) gets a statement of its own.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (text: string): BetterSqlite3.Statement => {
    let stmt = cache.get(text);
    if (stmt) {
      cache.delete(text); // re-inserted below: the Map's order is the recency order
    } else {
      stmt = database.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
    }
    cache.set(text, stmt);
    return stmt;
  };
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(text: string): SqliteStatement {
      const stmt = prepared(text);
      return {
        reader: stmt.reader,
        all: (parameters) => stmt.all(parameters),
        run: (parameters) => stmt.run(parameters),
        iterate: (parameters) => database.prepare(text).iterate(parameters),
      };
    },
  };
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Db> {
  const description = redactUrl(url);
  const pool = new Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    types: { getTypeParser },
  });
  // An idle pooled connection that the server drops emits 'error' on the pool; without a
  // listener Node treats it as unhandled and the process exits.
  pool.on('error', (err) => {
    opts.logger?.warn({ err, database: description }, 'idle PostgreSQL connection failed');
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(kysely);
  } catch (err) {
    await kysely.destroy().catch(() => undefined);
    throw unavailable(`cannot connect to PostgreSQL at ${description}`, err, secretsOf(url));
  }
  return makeDb(kysely, 'postgres', description);
}

function makeDb(kysely: Kysely<Database>, dialect: Dialect, description: string): Db {
  let closing: Promise<void> | undefined;
  return {
    kysely,
    dialect,
    description,
    close: () => (closing ??= kysely.destroy()),
  };
}

/**
 * int8 (OID 20: BIGINT ids, COUNT(*)) comes from pg as a string by default; SQLite gives numbers.
 * Parse to number so both dialects return the same type. Every int8 duban stores (ids, sizes,
 * IMAP UIDs) is far below 2^53; a larger value is refused rather than silently rounded.
 */
const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === pgTypes.builtins.INT8 && format !== 'binary') return parseInt8;
  return pgTypes.getTypeParser(oid, format);
}) as typeof pgTypes.getTypeParser;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER`);
  }
  return n;
}

/** The secrets of a URL (user-info password, `password=` parameter), to blank out of messages. */
function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const secrets = [u.password, decodeURIComponent(u.password), u.searchParams.get('password')];
    return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  } catch {
    return [];
  }
}

function unavailable(what: string, err: unknown, secrets: readonly string[]): DubanError {
  let reason = messageOf(err);
  for (const secret of secrets) reason = reason.split(secret).join('***');
  const error = new DubanError('DATABASE_UNAVAILABLE', `${what}: ${reason}`);
  error.cause = err;
  return error;
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

/** True for errors that mean the database went away (not that a statement was wrong). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof DubanError) return err.code === 'DATABASE_UNAVAILABLE';
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') {
    // pg's own messages when a connection ends or the pool cannot get one in time.
    return /Connection terminated|timeout exceeded when trying to connect/i.test(messageOf(err));
  }
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(
      code,
    ) ||
    // SQLSTATE class 08 (connection exception), 57P0x (server shutting down), 53300 (too many
    // connections).
    /^08|^57P0|^53300$/.test(code) ||
    code === 'SQLITE_CANTOPEN'
  );
}
