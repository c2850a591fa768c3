/**
 * The schema's history. One list of migrations for both dialects; the DDL branches where they
 * differ (identity columns, BLOB vs BYTEA, 64-bit integers).
 *
 * A migration that has been released is never edited: add a new one (names sort in order:
 * "0002_…"). Both dialects run DDL inside the migration's transaction, so a failed migration
 * leaves nothing half-done.
 */
import {
  Migrator,
  sql,
  type CreateTableBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { DubanError } from '../../errors';
import { isConnectionError, type Db, type Dialect } from './connection';
import { oneOutgoingMailTable } from './migration-0003';
import { oneSubmissionPerMessage } from './one-submission-per-message';
import { singletonFence } from './migration-0005';
import { roleFences } from './migration-0006';
import { dailyCapIndex } from './migration-0007';
import { submissionPerMessageWeek } from './migration-0008';
import { unitOfEveryMessage } from './migration-0009';
import { auditByMessage } from './migration-audit-by-message';
import { consoleSignIn } from './migration-0011';
import { operatorMetricsIndexes } from './migration-operator-metrics-indexes';
import { agreedItems } from './migration-0013';

interface ColumnTypes {
  /** 64-bit integers: ids and references to them, sizes, IMAP UIDs (unsigned 32-bit). */
  int64: 'integer' | 'bigint';
  bytes: 'blob' | 'bytea';
}

function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'postgres'
    ? { int64: 'bigint', bytes: 'bytea' }
    : { int64: 'integer', bytes: 'blob' };
}

/**
 * Starts a table with its `id` column. SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (AUTOINCREMENT
 * so that an id is never reused, which matters for a record that others cite). PostgreSQL: BIGINT
 * identity, "by default" so that rows can be copied between databases with their ids.
 */
function tableWithId<T extends string>(
  db: Kysely<unknown>,
  dialect: Dialect,
  name: T,
): CreateTableBuilder<T, 'id'> {
  const table = db.schema.createTable(name);
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

function initial(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await tableWithId(db, dialect, 'raw_messages')
        .addColumn('sha256', 'text', (c) => c.notNull().unique())
        .addColumn('raw', t.bytes, (c) => c.notNull())
        .addColumn('size', t.int64, (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('account', 'text')
        .addColumn('mailbox', 'text')
        .addColumn('uidvalidity', 'text')
        .addColumn('uid', t.int64)
        .addColumn('internal_date', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('from_address', 'text')
        .addColumn('subject', 'text')
        .addColumn('outcome', 'text')
        .addColumn('outcome_reason', 'text')
        .addColumn('processed_at', 'text')
        .addCheckConstraint('raw_messages_source_check', sql`source in ('imap', 'file')`)
        // An IMAP message without its full location could never be recognised again by it.
        .addCheckConstraint(
          'raw_messages_imap_location_check',
          sql`source <> 'imap' or (account is not null and mailbox is not null and uidvalidity is not null and uid is not null)`,
        )
        .execute();
      // The same message seen again at the same place (a poll repeated after a crash). Partial:
      // files have no location. UIDs are only meaningful within one UIDVALIDITY.
      await db.schema
        .createIndex('raw_messages_location_unique')
        .on('raw_messages')
        .columns(['account', 'mailbox', 'uidvalidity', 'uid'])
        .unique()
        .where(sql.ref('uid'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('raw_messages_message_id_index')
        .on('raw_messages')
        .column('message_id')
        .execute();

      await tableWithId(db, dialect, 'attachments')
        .addColumn('raw_message_id', t.int64, (c) => c.notNull().references('raw_messages.id'))
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('filename', 'text')
        .addColumn('content_type', 'text')
        .addColumn('size', t.int64, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('bytes', t.bytes)
        .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('attachments_message_ordinal_unique', ['raw_message_id', 'ordinal'])
        .execute();
      await db.schema
        .createIndex('attachments_sha256_index')
        .on('attachments')
        .column('sha256')
        .execute();

      await tableWithId(db, dialect, 'submissions')
        .addColumn('unit_id', 'text', (c) => c.notNull())
        .addColumn('reporting_week', 'text', (c) => c.notNull())
        .addColumn('raw_message_id', t.int64, (c) => c.notNull().references('raw_messages.id'))
        .addColumn('attachment_id', t.int64, (c) => c.references('attachments.id'))
        .addColumn('arrived_at', 'text', (c) => c.notNull())
        .addColumn('deadline_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('supersedes_id', t.int64, (c) => c.references('submissions.id'))
        .addColumn('is_current', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('issues_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('filled_on', 'text')
        .addColumn('unit_as_written', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('submissions_unit_week_index')
        .on('submissions')
        .columns(['unit_id', 'reporting_week'])
        .execute();
      // At most one current version per unit and week, whatever a racing writer does.
      await db.schema
        .createIndex('submissions_current_unique')
        .on('submissions')
        .columns(['unit_id', 'reporting_week'])
        .unique()
        .where(sql.ref('is_current'), '=', 1)
        .execute();
      await db.schema
        .createIndex('submissions_raw_message_index')
        .on('submissions')
        .column('raw_message_id')
        .execute();

      await tableWithId(db, dialect, 'submission_projects')
        .addColumn('submission_id', t.int64, (c) => c.notNull().references('submissions.id'))
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('name_as_written', 'text', (c) => c.notNull())
        .addColumn('project_id', 'text')
        .addColumn('lead_units_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('problems_approval', 'text')
        .addColumn('problems_funding', 'text')
        .addColumn('problems_land', 'text')
        .addColumn('problems_construction', 'text')
        .addColumn('problems_community', 'text')
        .addColumn('uncategorized_problems', 'text')
        .addColumn('responsible_departments_json', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('progress', 'text')
        .addColumn('next_steps', 'text')
        .addColumn('remarks', 'text')
        .addColumn('cell', 'text')
        .addUniqueConstraint('submission_projects_ordinal_unique', ['submission_id', 'ordinal'])
        .execute();
      await db.schema
        .createIndex('submission_projects_project_index')
        .on('submission_projects')
        .column('project_id')
        .execute();

      await tableWithId(db, dialect, 'submission_targets')
        .addColumn('submission_project_id', t.int64, (c) =>
          c.notNull().references('submission_projects.id'),
        )
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('due', 'text')
        .addColumn('due_text', 'text')
        .addColumn('status', 'text')
        .addColumn('cell', 'text')
        .addUniqueConstraint('submission_targets_ordinal_unique', [
          'submission_project_id',
          'ordinal',
        ])
        .execute();

      await tableWithId(db, dialect, 'outgoing_mails')
        .addColumn('mail_key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('recipients_json', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'text', (c) => c.notNull())
        .addColumn('claimed_by', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('smtp_response', 'text')
        .addColumn('error', 'text')
        .addColumn('eml', t.bytes)
        .addColumn('raw_message_id', t.int64, (c) => c.references('raw_messages.id'))
        .addColumn('submission_id', t.int64, (c) => c.references('submissions.id'))
        .addColumn('unit_id', 'text')
        .addColumn('reporting_week', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'outgoing_mails_status_check',
          sql`status in ('claimed', 'sent', 'failed', 'retrying')`,
        )
        .execute();
      await db.schema
        .createIndex('outgoing_mails_unit_week_index')
        .on('outgoing_mails')
        .columns(['unit_id', 'reporting_week'])
        .execute();
      await db.schema
        .createIndex('outgoing_mails_status_index')
        .on('outgoing_mails')
        .column('status')
        .execute();

      await db.schema
        .createTable('mailbox_state')
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('mailbox', 'text', (c) => c.notNull())
        .addColumn('uidvalidity', 'text')
        .addColumn('last_uid', t.int64, (c) => c.notNull().defaultTo(0))
        .addColumn('last_success_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_error_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('mailbox_state_pk', ['account', 'mailbox'])
        .execute();

      await tableWithId(db, dialect, 'audit_log')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('raw_message_id', t.int64)
        .addColumn('submission_id', t.int64)
        .addColumn('mail_id', t.int64)
        .addColumn('unit_id', 'text')
        .addColumn('reporting_week', 'text')
        .addColumn('details_json', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at_index').on('audit_log').column('at').execute();
      await db.schema
        .createIndex('audit_log_unit_week_index')
        .on('audit_log')
        .columns(['unit_id', 'reporting_week'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'audit_log',
        'mailbox_state',
        'outgoing_mails',
        'submission_targets',
        'submission_projects',
        'submissions',
        'attachments',
        'raw_messages',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/** All migrations, by name (applied in name order). */
/**
 * 0002: what the intake needs beyond the first schema.
 * - raw_messages.truncated / declared_size: a message over the size limit is stored as its
 *   header block only; the flag survives a lost queue job, so the sweeper can still answer it.
 * - mail_queue: the composed mail (JSON) waiting to be sent, so that outbound jobs carry only a
 *   key and a lost job can be re-enqueued from the database (folded into outgoing_mails by 0003).
 * - message_claims: which stored message answers for a (sender, Message-ID).
 */
function intake(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('raw_messages')
        .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('raw_messages').addColumn('declared_size', t.int64).execute();
      await db.schema
        .createTable('mail_queue')
        .addColumn('mail_key', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('raw_message_id', t.int64)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // One row per (sender, Message-ID): the first message to claim it is processed, a copy
      // delivered again (another UID, other headers) is a duplicate, even when both copies are
      // processed at the same moment by two workers.
      await db.schema
        .createTable('message_claims')
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('raw_message_id', t.int64, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_claims_pk', ['sender', 'message_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('message_claims').execute();
      await db.schema.dropTable('mail_queue').execute();
      await db.schema.alterTable('raw_messages').dropColumn('declared_size').execute();
      await db.schema.alterTable('raw_messages').dropColumn('truncated').execute();
    },
  };
}

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_intake': intake(dialect),
    '0003_one_outgoing_mail_table': oneOutgoingMailTable(dialect),
    '0004_one_submission_per_message': oneSubmissionPerMessage(),
    '0005_singleton_fence': singletonFence,
    '0006_role_fences': roleFences,
    '0007_daily_cap_index': dailyCapIndex(dialect),
    '0008_submission_per_message_week': submissionPerMessageWeek,
    '0009_unit_of_every_message': unitOfEveryMessage,
    '0010_audit_by_message': auditByMessage,
    '0011_console_sign_in': consoleSignIn,
    '0012_operator_metrics_indexes': operatorMetricsIndexes,
    '0013_agreed_items': agreedItems(dialect),
  };
}

function migrator(db: Db): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(db.dialect) };
  return new Migrator({ db: db.kysely, provider });
}

export interface MigrationReport {
  /** Names of the migrations this call applied, in order (empty when already up to date). */
  applied: string[];
}

/**
 * Brings the schema up to date. Services call it on start; `duban migrate` calls it too. Safe to
 * run from several processes at once: on PostgreSQL Kysely holds an advisory lock, on SQLite the
 * write lock serialises them.
 */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const { error, results = [] } = await migrator(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    if (isConnectionError(error)) {
      const e = new DubanError(
        'DATABASE_UNAVAILABLE',
        `lost the database ${db.description} while migrating: ${reason}`,
      );
      e.cause = error;
      throw e;
    }
    const e = new DubanError(
      'MIGRATION_FAILED',
      failed
        ? `migration ${failed.migrationName} failed and was rolled back: ${reason}`
        : `migrations could not run on ${db.description}: ${reason}`,
    );
    e.cause = error;
    throw e;
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export interface MigrationState {
  name: string;
  /** ISO-8601 UTC, or null when not yet applied. */
  appliedAt: string | null;
}

/** Every migration this version knows, with when it was applied. */
export async function migrationStatus(db: Db): Promise<MigrationState[]> {
  const infos = await migrator(db).getMigrations();
  return infos.map((m) => ({
    name: m.name,
    appliedAt: m.executedAt ? m.executedAt.toISOString() : null,
  }));
}
