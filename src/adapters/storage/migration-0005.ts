import type { Kysely, Migration } from 'kysely';

/**
 * 0005: mailbox_state.fence, the fencing token of the watcher that last wrote the row (see
 * src/adapters/lease). A write carrying a fence applies only when the stored fence is not
 * larger, so a watcher that lost its lease cannot move the position back. An integer on both
 * dialects (pg returns it as a number), null until a leased watcher writes.
 */
export const singletonFence: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('mailbox_state').addColumn('fence', 'integer').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('mailbox_state').dropColumn('fence').execute();
  },
};
