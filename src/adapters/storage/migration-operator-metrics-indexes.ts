import type { Kysely, Migration } from 'kysely';

/**
 * 0012: covering indexes for the operator's metrics (/metrics), so that a scrape reads indexes,
 * never the tables: raw_messages rows hold the whole message (`raw`) before `outcome` and the
 * timestamps, and SQLite reads a row's overflow pages to reach the columns after a large blob.
 * - raw_messages (received_at, processed_at, outcome): messages by outcome (a scan of the index)
 *   and the intake timings of recent messages (a range of it);
 * - outgoing_mails (kind, status): mails by kind and state.
 */
export const operatorMetricsIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('raw_messages_received_index')
      .on('raw_messages')
      .columns(['received_at', 'processed_at', 'outcome'])
      .execute();
    await db.schema
      .createIndex('outgoing_mails_kind_status_index')
      .on('outgoing_mails')
      .columns(['kind', 'status'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('outgoing_mails_kind_status_index').execute();
    await db.schema.dropIndex('raw_messages_received_index').execute();
  },
};
