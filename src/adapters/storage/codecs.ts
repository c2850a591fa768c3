/**
 * How values cross into and out of the database, the same on SQLite and PostgreSQL: times,
 * calendar dates, flags, bytes and the JSON columns. Every storage module writes through these,
 * so a column's format is decided in one place (see the conventions in ./schema.ts).
 */
import { createHash } from 'node:crypto';
import type { Db } from './connection';
import type { Flag, IsoDateText, JsonText, Timestamp } from './schema';

// ---------------------------------------------------------------------------------------------
// Times and dates

/**
 * The one way a time is written to the database: `toISOString()` form, always UTC with
 * milliseconds, so that comparing the text compares the times (on both dialects).
 */
export function toTimestamp(value: Date | string | number): Timestamp {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid time: ${String(value)}`);
  return date.toISOString();
}

export function optionalTimestamp(value: Date | string | null | undefined): Timestamp | null {
  return value === null || value === undefined ? null : toTimestamp(value);
}

/** A calendar date column ("2021-03-15"); `what` names it in the error. */
export function toIsoDate(value: string, what: string): IsoDateText {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new RangeError(`${what} must be an ISO date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  }
  return value;
}

export function optionalIsoDate(
  value: string | null | undefined,
  what: string,
): IsoDateText | null {
  return value === null || value === undefined ? null : toIsoDate(value, what);
}

// ---------------------------------------------------------------------------------------------
// Flags and bytes

/** better-sqlite3 cannot bind JS booleans: flags are 0/1 on both dialects. */
export function flag(value: boolean): Flag {
  return value ? 1 : 0;
}

/** better-sqlite3 binds only Buffer (not a plain Uint8Array) as a BLOB. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// JSON columns (`*_json`: text on both dialects, which share no JSON type)

/** Encodes a JSON column; `undefined` is stored as `null`. */
export function json(value: unknown): JsonText {
  return JSON.stringify(value ?? null);
}

/** Decodes a JSON column, or gives `fallback` for NULL or text that is not JSON. */
export function parseJson<T>(text: JsonText | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Decodes a JSON column holding a list of strings (lead units, departments); other items dropped. */
export function parseStringList(text: JsonText | null): string[] {
  const value = parseJson<unknown>(text, []);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

// ---------------------------------------------------------------------------------------------
// Statements

/**
 * Rows per multi-row INSERT. PostgreSQL binds at most 65,535 parameters per statement and
 * SQLite 32,766; 200 rows of our widest table (16 columns) stay far below both.
 */
export const ROWS_PER_INSERT = 200;

/** Splits rows for multi-row INSERTs of at most ROWS_PER_INSERT rows. */
export function chunks<T>(rows: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Runs `fn` in a transaction, or inside the caller's transaction when `db` already is one, so
 * that operations compose (processing a message can record its attachments, its submission and
 * its outcome atomically). The `Db` given to `fn` must not be closed or used after `fn` ends.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.kysely.isTransaction) return fn(db);
  return db.kysely.transaction().execute((trx) =>
    fn({
      kysely: trx,
      dialect: db.dialect,
      description: db.description,
      close: async () => undefined,
    }),
  );
}
