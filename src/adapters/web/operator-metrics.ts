/**
 * /metrics: Prometheus text from a registry of our own (never prom-client's global one, so two
 * consoles in one process, or a library's metrics, cannot collide).
 *
 * The figures are read from the database and the queues at scrape time, not counted in memory:
 * intake, sending and reminders run in other roles, often other processes or containers, and
 * only the web role answers HTTP. The database is the one place every process writes, and its
 * counts survive restarts. So the "counts" are gauges of totals (use `delta()`/`increase()`
 * over them like counters; they never reset), and the two latency histograms are rebuilt at
 * every scrape from the messages stored in the last `windowDays` days (a sliding window: read
 * them with histogram_quantile on the buckets, not with rate()). Every query is bounded by an
 * index or the window (src/adapters/storage/operator-reads.ts).
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HealthReads, MetricReads, QueueReads } from '../../app/ports/operator-reads';
import { judgeSync, type HealthSettings } from '../../app/service-health';

export interface MetricSources {
  reads: HealthReads & MetricReads;
  queues: QueueReads;
  settings: HealthSettings;
  /** The histograms' window (default 7 days). */
  windowDays?: number;
}

const TONES: Record<string, string> = {
  '【提醒】': 'reminder',
  '【逾期】': 'overdue',
  '【督办】': 'escalation',
};

const LATENCY_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly messages: Gauge<'outcome'>;
  private readonly mails: Gauge<'kind' | 'status'>;
  private readonly reminders: Gauge<'tone'>;
  private readonly intake: Histogram;
  private readonly answered: Histogram;
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly redisUp: Gauge;
  private readonly syncAge: Gauge<'account' | 'mailbox'>;
  private readonly late: Gauge;
  private readonly unprocessed: Gauge;
  private scraping: Promise<string> | null = null;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.messages = new Gauge({
      name: 'duban_messages',
      help: 'Stored messages by outcome, all time (outcome "pending": not processed yet)',
      labelNames: ['outcome'],
      registers,
    });
    this.mails = new Gauge({
      name: 'duban_mails',
      help: 'Outgoing mails by kind and state (sent, failed, queued, claimed, retrying), all time',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.reminders = new Gauge({
      name: 'duban_reminders_sent',
      help: 'Reminder-ladder mails sent, all time, by tone (reminder, overdue, escalation)',
      labelNames: ['tone'],
      registers,
    });
    this.intake = new Histogram({
      name: 'duban_intake_duration_seconds',
      help: 'From storing a message to recording its outcome, messages stored in the window',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.answered = new Histogram({
      name: 'duban_answer_latency_seconds',
      help: 'From storing a message to sending the first answer to it, messages stored in the window',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'duban_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.redisUp = new Gauge({
      name: 'duban_redis_up',
      help: '1 when the queues could be read from Redis at this scrape, else 0',
      registers,
    });
    this.syncAge = new Gauge({
      name: 'duban_watcher_last_sync_age_seconds',
      help: "Seconds since the watcher's last successful sync of a mailbox",
      labelNames: ['account', 'mailbox'],
      registers,
    });
    this.late = new Gauge({
      name: 'duban_mails_not_sent_in_time',
      help: 'Mails queued longer ago than MAIL_CLAIM_LEASE_MS and neither sent nor failed for good',
      registers,
    });
    this.unprocessed = new Gauge({
      name: 'duban_messages_unprocessed',
      help: 'Messages stored over 10 minutes ago and not processed yet',
      registers,
    });
  }

  /** The Prometheus text for a scrape at `now`; concurrent scrapes share one reading. */
  async scrape(now: Date): Promise<string> {
    if (!this.scraping) {
      this.scraping = this.read(now)
        .then(() => this.registry.metrics())
        .finally(() => (this.scraping = null));
    }
    return this.scraping;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async read(now: Date): Promise<void> {
    const { reads, queues, settings } = this.sources;
    const windowMs = (this.sources.windowDays ?? 7) * 24 * 3600_000;
    const [outcomes, mails, tags, late, unprocessed, timings, syncs] = await Promise.all([
      reads.messagesByOutcome(),
      reads.mailsByKindAndStatus(),
      reads.sentRemindersBySubjectTag(),
      reads.unsentMailCount(new Date(now.getTime() - settings.leaseMs)),
      reads.unprocessedCount(new Date(now.getTime() - 10 * 60_000)),
      reads.intakeTimings(new Date(now.getTime() - windowMs)),
      reads.mailboxSyncs(),
    ]);
    this.messages.reset();
    for (const o of outcomes) this.messages.inc({ outcome: o.key ?? 'pending' }, o.count);
    this.mails.reset();
    for (const m of mails) this.mails.set(m.key, m.count);
    this.reminders.reset();
    for (const tone of Object.values(TONES)) this.reminders.set({ tone }, 0);
    for (const t of tags) this.reminders.inc({ tone: TONES[t.key] ?? 'other' }, t.count);
    this.late.set(late);
    this.unprocessed.set(unprocessed);
    this.intake.reset();
    for (const s of timings.storedToProcessed) this.intake.observe(s);
    this.answered.reset();
    for (const s of timings.storedToAnswered) this.answered.observe(s);
    this.syncAge.reset();
    const judged = judgeSync(syncs, settings, now);
    for (const m of judged.mailboxes) {
      const age = m.lastSuccessAt
        ? (now.getTime() - Date.parse(m.lastSuccessAt)) / 1000
        : Number.POSITIVE_INFINITY;
      this.syncAge.set({ account: m.account, mailbox: m.mailbox }, Math.max(0, age));
    }
    this.queueJobs.reset();
    try {
      for (const c of await queues.counts()) {
        this.queueJobs.set({ queue: c.queue, state: c.state }, c.count);
      }
      this.redisUp.set(1);
    } catch {
      this.redisUp.set(0);
    }
  }
}
