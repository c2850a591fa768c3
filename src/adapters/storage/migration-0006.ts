import { sql, type Kysely, type Migration } from 'kysely';

/**
 * 0006: role_fences, the largest fencing token ever handed out per singleton role (watcher,
 * scheduler; see src/adapters/lease). Redis holds the lease and a fence counter, but a restart
 * without persistence forgets both; the database remembers, so a fence is never handed out
 * twice. Seeded with the watcher's fence from mailbox_state (0005), the only one stored before.
 */
export const roleFences: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('role_fences')
      .addColumn('role', 'text', (c) => c.primaryKey())
      .addColumn('fence', 'integer', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .execute();
    await sql`
      insert into role_fences (role, fence, holder, acquired_at)
      select 'watcher', max(fence), 'mailbox_state', max(updated_at)
      from mailbox_state where fence is not null
      having max(fence) is not null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('role_fences').execute();
  },
};
