import type { Kysely, Migration } from 'kysely';

/**
 * 0010 (office pages): an index of the audit log by message and event, so the quarantine page
 * can leave out the messages the office dismissed, and a release count its predecessors, without
 * scanning the whole log.
 */
export const auditByMessage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('audit_log_message_event_index')
      .on('audit_log')
      .columns(['raw_message_id', 'event'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_log_message_event_index').execute();
  },
};
