/**
 * 0008: one submission per (message, reporting week) instead of one per message. A mail may carry
 * this week's sheet and a correction of an earlier week's (src/domain/intake/sheet-weeks.ts);
 * each is recorded for its own week. The index stays UNIQUE, so a retried job still gets the
 * version it recorded back (per week) and never records one twice.
 */
import type { Kysely, Migration } from 'kysely';

export const submissionPerMessageWeek: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('submissions_raw_message_unique').execute();
    await db.schema
      .createIndex('submissions_raw_message_week_unique')
      .on('submissions')
      .columns(['raw_message_id', 'reporting_week'])
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    // Back to one per message: only possible while no message has sheets for two weeks.
    await db.schema.dropIndex('submissions_raw_message_week_unique').execute();
    await db.schema
      .createIndex('submissions_raw_message_unique')
      .on('submissions')
      .column('raw_message_id')
      .unique()
      .execute();
  },
};
