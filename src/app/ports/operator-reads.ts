/**
 * What the operator's side reads (duban health, /readyz, /metrics, /ops), in the service's
 * words: where the mailbox sync stands, the backlog, what went out, the queues and Redis. The
 * storage adapter (src/adapters/storage/operator-reads.ts) and the queue adapter
 * (src/adapters/queue/queue-reads.ts) answer it.
 */

/** Where the watcher stands on one mailbox. */
export interface MailboxSync {
  account: string;
  mailbox: string;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** A mail queued and neither sent nor failed for good. */
export interface PendingMail {
  key: string;
  kind: string;
  status: string;
  queuedAt: Date;
  attempts: number;
  error: string | null;
}

/** What `duban health` and /readyz read from the database. */
export interface HealthReads {
  mailboxSyncs(): Promise<MailboxSync[]>;
  /** How many stored messages received before `before` have no outcome yet. */
  unprocessedCount(before: Date): Promise<number>;
  /** Mails queued before `queuedBefore` and not sent nor failed for good, oldest first. */
  unsentMails(queuedBefore: Date): Promise<PendingMail[]>;
}

/** Whether Redis answers (one PING), and why not. */
export interface RedisProbe {
  probe(): Promise<{ reachable: boolean; error: string | null }>;
}

export interface Counted<K> {
  key: K;
  count: number;
}

/** Timings of recent intake, in seconds, for the latency histograms. */
export interface IntakeTimings {
  /** From storing a message to recording its outcome, per message processed. */
  storedToProcessed: number[];
  /** From storing a message to sending the first answer to it, per answered message. */
  storedToAnswered: number[];
}

/**
 * Counts for /metrics. All-time counts go through covering indexes (0012) and timings through a
 * window on `received_at`: a scrape stays cheap whatever the size of the database.
 */
export interface MetricReads {
  /** Stored messages by outcome (null: not processed yet). */
  messagesByOutcome(): Promise<Array<Counted<string | null>>>;
  /** Outgoing mails by kind and state. */
  mailsByKindAndStatus(): Promise<Array<Counted<{ kind: string; status: string }>>>;
  /** Reminder-ladder mails sent, by the tag that opens their subject (【提醒】, 【逾期】, 【督办】). */
  sentRemindersBySubjectTag(): Promise<Array<Counted<string>>>;
  /** How many mails queued before `queuedBefore` are neither sent nor failed for good. */
  unsentMailCount(queuedBefore: Date): Promise<number>;
  /** Timings of the messages stored since `since`. */
  intakeTimings(since: Date): Promise<IntakeTimings>;
}

export interface QueueCount {
  queue: string;
  /** BullMQ's job states: waiting, active, delayed, failed, completed, paused, prioritized … */
  state: string;
  count: number;
}

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  reason: string;
  attempts: number;
  failedAt: Date | null;
}

export interface QueueReads {
  counts(): Promise<QueueCount[]>;
  /** The most recently failed jobs of every queue, newest first. */
  failedJobs(limit: number): Promise<FailedJob[]>;
}
