/**
 * 0013: the joint meeting's agreed items (议定事项) and their follow-up (督办).
 * - agreed_items: one row per item, by its stable id "YYYYMMDD-N" (the meeting's date and the
 *   item's 序号; `n` keeps the 序号 as a number for id order); unit lists as JSON text; the
 *   state with a check constraint. A corrected list updates the row with the same id.
 * - item_reports: a unit's report on an item in one weekly sheet. `source_key` is "s<submission
 *   id>", or "m<raw message id>" for a report without a submission (the CLI), so that a job run
 *   again records nothing new: unique on (item, unit, source_key).
 * - item_events: what happened to an item (recorded, updated, reported_done, confirmed,
 *   sent_back, reopened), with the changed fields of an update as JSON, for the ledger.
 * Indexes serve what unitsWithOpenItems reads (items by state and meeting date) and what the
 * ledger reads (reports and events by item).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './connection';

export function agreedItems(dialect: Dialect): Migration {
  const int64 = dialect === 'postgres' ? 'bigint' : 'integer';
  const withId = (db: Kysely<unknown>, name: string) => {
    const table = db.schema.createTable(name);
    return dialect === 'postgres'
      ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('agreed_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('meeting_date', 'text', (c) => c.notNull())
        .addColumn('meeting_name', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('project_id', 'text')
        .addColumn('project_as_written', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('responsible_units_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('cooperating_units_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('unmatched_units_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('due', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('state_since', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'agreed_items_state_check',
          sql`state in ('open', 'awaiting_confirmation', 'closed')`,
        )
        .execute();
      await db.schema
        .createIndex('agreed_items_meeting_index')
        .on('agreed_items')
        .columns(['meeting_date', 'n'])
        .execute();
      await db.schema
        .createIndex('agreed_items_state_index')
        .on('agreed_items')
        .columns(['state', 'meeting_date'])
        .execute();

      await withId(db, 'item_reports')
        .addColumn('item_id', 'text', (c) => c.notNull().references('agreed_items.id'))
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('week', 'text', (c) => c.notNull())
        .addColumn('progress', 'text')
        .addColumn('status', 'text')
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addColumn('submission_id', int64)
        .addColumn('raw_message_id', int64)
        .addColumn('source_key', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'item_reports_status_check',
          sql`status is null or status in ('已办结', '推进中', '未启动')`,
        )
        .addUniqueConstraint('item_reports_source_unique', ['item_id', 'unit_id', 'source_key'])
        .execute();
      await db.schema
        .createIndex('item_reports_item_week_index')
        .on('item_reports')
        .columns(['item_id', 'week'])
        .execute();
      await db.schema
        .createIndex('item_reports_unit_week_index')
        .on('item_reports')
        .columns(['unit_id', 'week'])
        .execute();

      await withId(db, 'item_events')
        .addColumn('item_id', 'text', (c) => c.notNull().references('agreed_items.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('changes_json', 'text')
        .addCheckConstraint(
          'item_events_kind_check',
          sql`kind in ('recorded', 'updated', 'reported_done', 'confirmed', 'sent_back', 'reopened')`,
        )
        .execute();
      await db.schema
        .createIndex('item_events_item_at_index')
        .on('item_events')
        .columns(['item_id', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('item_events').execute();
      await db.schema.dropTable('item_reports').execute();
      await db.schema.dropTable('agreed_items').execute();
    },
  };
}
