/**
 * 0007: the daily cap counted from an index, and the digest's sending time found by its week.
 *
 * - auto_replies: one row per (automatic reply, RCPT TO address) while the reply counts for the
 *   daily cap (claimed or sent; see ./auto-replies.ts). The cap used to scan outgoing_mails with
 *   a LIKE on recipients_json (no usable index, growing with the table); it is now an index range
 *   on (address, at). Carried over: the auto-replies sent or being sent in the last day before
 *   the upgrade (counted back from the newest), so the cap holds across it.
 * - outgoing_mails (kind, reporting_week): intake asks when a week's digest went out for every
 *   message; the status index alone made that a scan of every sent mail.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './connection';

const DAY_MS = 86_400_000;

interface CapRow {
  id: number | string;
  recipients_json: string;
  at: string;
}

/** The RCPT TO addresses of an auto-replied mail's record, or none. */
function autoReplyAddresses(recipientsJson: string): string[] {
  try {
    const record = JSON.parse(recipientsJson) as { rcpt?: unknown; autoSubmitted?: unknown } | null;
    if (!record || record.autoSubmitted !== 'auto-replied' || !Array.isArray(record.rcpt))
      return [];
    return [
      ...new Set(
        record.rcpt.filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase()),
      ),
    ];
  } catch {
    return [];
  }
}

export function dailyCapIndex(dialect: Dialect): Migration {
  const int64 = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('auto_replies')
        .addColumn('mail_id', int64, (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('auto_replies_pk', ['mail_id', 'address'])
        .execute();
      await db.schema
        .createIndex('auto_replies_address_at_index')
        .on('auto_replies')
        .columns(['address', 'at'])
        .execute();
      await db.schema
        .createIndex('outgoing_mails_kind_week_index')
        .on('outgoing_mails')
        .columns(['kind', 'reporting_week'])
        .execute();

      // The replies of the last day before the upgrade (counted back from the newest one, so
      // the migration reads no clock); older rows would only be pruned.
      const { rows: newest } = await sql<{ at: string | null }>`
        select max(coalesce(sent_at, claimed_at)) as at from outgoing_mails
        where status in ('sent', 'claimed')`.execute(db);
      const latest = newest[0]?.at;
      if (!latest) return;
      const since = new Date(Date.parse(latest) - DAY_MS).toISOString();
      const { rows } = await sql<CapRow>`
        select id, recipients_json, coalesce(sent_at, claimed_at) as at from outgoing_mails
        where status in ('sent', 'claimed') and coalesce(sent_at, claimed_at) >= ${since}`.execute(
        db,
      );
      for (const row of rows) {
        for (const address of autoReplyAddresses(row.recipients_json)) {
          await sql`insert into auto_replies (mail_id, address, at)
            values (${Number(row.id)}, ${address}, ${row.at})`.execute(db);
        }
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('outgoing_mails_kind_week_index').execute();
      await db.schema.dropTable('auto_replies').execute();
    },
  };
}
