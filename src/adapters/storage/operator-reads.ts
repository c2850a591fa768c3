/**
 * The operator's reads (src/app/ports/operator-reads.ts) on the database: the mailbox sync, the
 * backlog and the counts behind /metrics. Every query is bounded or goes through an index
 * (0012): a scrape must stay cheap on a database of years.
 */
import type { HealthReads, IntakeTimings, MetricReads } from '../../app/ports/operator-reads';
import type { Db } from './connection';
import { toTimestamp } from './codecs';
import { unprocessedMessages } from './raw-messages';
import { unsentMails } from './outgoing-mail-backlog';

const PENDING = ['queued', 'claimed', 'retrying'] as const;

export class StorageOperatorReads implements HealthReads, MetricReads {
  constructor(private readonly db: Db) {}

  async mailboxSyncs(): ReturnType<HealthReads['mailboxSyncs']> {
    const rows = await this.db.kysely
      .selectFrom('mailbox_state')
      .select(['account', 'mailbox', 'last_success_at', 'last_error', 'last_error_at'])
      .orderBy('account')
      .orderBy('mailbox')
      .execute();
    return rows.map((r) => ({
      account: r.account,
      mailbox: r.mailbox,
      lastSuccessAt: r.last_success_at ? new Date(r.last_success_at) : null,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at ? new Date(r.last_error_at) : null,
    }));
  }

  async unprocessedCount(before: Date): Promise<number> {
    return (await unprocessedMessages(this.db, before)).length;
  }

  async unsentMails(queuedBefore: Date): ReturnType<HealthReads['unsentMails']> {
    return (await unsentMails(this.db, queuedBefore)).map((m) => ({
      key: m.key,
      kind: m.kind,
      status: m.status,
      queuedAt: m.queuedAt,
      attempts: m.attempts,
      error: m.error,
    }));
  }

  async messagesByOutcome(): ReturnType<MetricReads['messagesByOutcome']> {
    const rows = await this.db.kysely
      .selectFrom('raw_messages')
      .select((eb) => ['outcome', eb.fn.countAll<number | string>().as('n')])
      .groupBy('outcome')
      .execute();
    return rows.map((r) => ({ key: r.outcome, count: Number(r.n) }));
  }

  async mailsByKindAndStatus(): ReturnType<MetricReads['mailsByKindAndStatus']> {
    const rows = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select((eb) => ['kind', 'status', eb.fn.countAll<number | string>().as('n')])
      .groupBy(['kind', 'status'])
      .execute();
    return rows.map((r) => ({ key: { kind: r.kind, status: r.status }, count: Number(r.n) }));
  }

  async sentRemindersBySubjectTag(): ReturnType<MetricReads['sentRemindersBySubjectTag']> {
    // The subject opens with the stage's tone (src/domain/reminder/compose.ts): 【提醒】 …
    const rows = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select((eb) => [
        eb.fn<string>('substr', ['subject', eb.val(1), eb.val(4)]).as('tag'),
        eb.fn.countAll<number | string>().as('n'),
      ])
      .where('kind', '=', 'reminder')
      .where('status', '=', 'sent')
      .groupBy('tag')
      .execute();
    return rows.map((r) => ({ key: r.tag, count: Number(r.n) }));
  }

  async unsentMailCount(queuedBefore: Date): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', 'in', PENDING)
      .where('created_at', '<', toTimestamp(queuedBefore))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async intakeTimings(since: Date): Promise<IntakeTimings> {
    const from = toTimestamp(since);
    // Both queries are ranges of an index: raw_messages_received_index (0012) covers the first,
    // outgoing_mails_status_index (status, created_at) bounds the second.
    const messages = await this.db.kysely
      .selectFrom('raw_messages')
      .select(['id', 'received_at', 'processed_at'])
      .where('received_at', '>=', from)
      .execute();
    const answers = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select(['raw_message_id', 'sent_at'])
      .where('status', '=', 'sent')
      .where('created_at', '>=', from)
      .where('raw_message_id', 'is not', null)
      .execute();
    const storedAt = new Map(messages.map((m) => [m.id, Date.parse(m.received_at)]));
    const firstAnswer = new Map<number, number>();
    for (const a of answers) {
      if (a.raw_message_id === null || a.sent_at === null) continue;
      const at = Date.parse(a.sent_at);
      const seen = firstAnswer.get(a.raw_message_id);
      if (seen === undefined || at < seen) firstAnswer.set(a.raw_message_id, at);
    }
    const storedToAnswered: number[] = [];
    for (const [id, at] of firstAnswer) {
      const stored = storedAt.get(id);
      if (stored !== undefined) storedToAnswered.push(Math.max(0, (at - stored) / 1000));
    }
    return {
      storedToProcessed: messages
        .filter((m) => m.processed_at !== null)
        .map((m) =>
          Math.max(0, (Date.parse(m.processed_at ?? '') - Date.parse(m.received_at)) / 1000),
        ),
      storedToAnswered,
    };
  }
}
