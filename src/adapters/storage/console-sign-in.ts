/**
 * The console's sign-in records (0011): one-time link tokens and sessions, both by the sha-256
 * of their secret. Hashing and timing rules live in src/adapters/web/sessions.ts.
 */
import type { Db } from './connection';
import { toTimestamp } from './codecs';

export interface NewLoginToken {
  tokenHash: string;
  email: string;
  now: Date;
  expiresAt: Date;
}

export async function storeLoginToken(db: Db, token: NewLoginToken): Promise<void> {
  await db.kysely
    .insertInto('login_tokens')
    .values({
      token_hash: token.tokenHash,
      email: token.email.toLowerCase(),
      created_at: toTimestamp(token.now),
      expires_at: toTimestamp(token.expiresAt),
      used_at: null,
    })
    .execute();
}

/** The address of a link that is neither used nor expired at `now`, else null (read only). */
export async function usableLoginToken(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<string | null> {
  const row = await db.kysely
    .selectFrom('login_tokens')
    .select('email')
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', toTimestamp(now))
    .executeTakeFirst();
  return row?.email ?? null;
}

/**
 * Uses a link: marks it used in the same statement that checks it is unused and unexpired, so
 * two requests racing with one link sign in at most once. The address, or null.
 */
export async function useLoginToken(db: Db, tokenHash: string, now: Date): Promise<string | null> {
  const row = await db.kysely
    .updateTable('login_tokens')
    .set({ used_at: toTimestamp(now) })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', toTimestamp(now))
    .returning('email')
    .executeTakeFirst();
  return row?.email ?? null;
}

export interface ConsoleSessionRecord {
  email: string;
  csrfToken: string;
  lastSeenAt: Date;
}

export async function storeConsoleSession(
  db: Db,
  session: { idHash: string; email: string; csrfToken: string; now: Date },
): Promise<void> {
  const at = toTimestamp(session.now);
  await db.kysely
    .insertInto('console_sessions')
    .values({
      id_hash: session.idHash,
      email: session.email.toLowerCase(),
      csrf_token: session.csrfToken,
      created_at: at,
      last_seen_at: at,
    })
    .execute();
}

export async function consoleSession(db: Db, idHash: string): Promise<ConsoleSessionRecord | null> {
  const row = await db.kysely
    .selectFrom('console_sessions')
    .select(['email', 'csrf_token', 'last_seen_at'])
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return row
    ? { email: row.email, csrfToken: row.csrf_token, lastSeenAt: new Date(row.last_seen_at) }
    : null;
}

export async function touchConsoleSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.kysely
    .updateTable('console_sessions')
    .set({ last_seen_at: toTimestamp(now) })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function dropConsoleSession(db: Db, idHash: string): Promise<void> {
  await db.kysely.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

/** Removes sessions idle since before `idleBefore` and links expired before `now`. */
export async function pruneConsoleSignIn(db: Db, idleBefore: Date, now: Date): Promise<void> {
  await db.kysely
    .deleteFrom('console_sessions')
    .where('last_seen_at', '<', toTimestamp(idleBefore))
    .execute();
  await db.kysely.deleteFrom('login_tokens').where('expires_at', '<', toTimestamp(now)).execute();
}
