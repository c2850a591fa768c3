import type { Kysely, Migration } from 'kysely';

/**
 * 0011: the console's sign-in. login_tokens: one-time sign-in links, stored as the sha-256 of
 * the token (the token itself is only in the link); console_sessions: signed-in browsers, by the
 * sha-256 of the cookie's random id, with the session's CSRF token and its last use (idle
 * timeout). Neither holds anything that would let a reader of the database sign in.
 */
export const consoleSignIn: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('login_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('console_sessions').execute();
    await db.schema.dropTable('login_tokens').execute();
  },
};
