import type { Kysely, Migration } from 'kysely';

/**
 * 0009: raw_messages.unit_id and raw_messages.reporting_week: the registered unit a processed
 * message came from and the reporting week its arrival points to, recorded with its outcome
 * whatever the outcome (also for automatic mail, mail forwarded without a sheet, mail that could
 * not be read), so nothing from a unit goes without a trace. Null for strangers, for messages
 * whose sender could not be read, and for rows processed before this migration.
 */
export const unitOfEveryMessage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('raw_messages').addColumn('unit_id', 'text').execute();
    await db.schema.alterTable('raw_messages').addColumn('reporting_week', 'text').execute();
    await db.schema
      .createIndex('raw_messages_week_unit_index')
      .on('raw_messages')
      .columns(['reporting_week', 'unit_id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('raw_messages_week_unit_index').execute();
    await db.schema.alterTable('raw_messages').dropColumn('reporting_week').execute();
    await db.schema.alterTable('raw_messages').dropColumn('unit_id').execute();
  },
};
