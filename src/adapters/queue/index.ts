/**
 * BullMQ on Redis: the two queues (intake: one job per stored message; outbound: one job per
 * mail to send), their connections and default retry policies, and closing workers within a
 * deadline. Job data carries ids only; what a job works on lives in the database, so a queue
 * that loses its jobs loses no data (the sweeper re-enqueues what was not finished).
 */
import { createHash } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type JobsOptions, type Processor } from 'bullmq';
import type { Logger } from 'pino';

export const QUEUE = { intake: 'intake', outbound: 'outbound' } as const;

export interface IntakeJob {
  rawMessageId: number;
}

export interface OutboundJob {
  mailKey: string;
}

export interface QueueSettings {
  redisUrl: string;
  /** Key prefix in Redis, so several installations (or test runs) can share a server. */
  prefix: string;
  /** First retry delay of a failed job, doubled at each attempt (default 5 s). */
  retryDelayMs?: number;
}

/** Connection options for BullMQ from a redis:// URL. */
export function connectionOf(redisUrl: string, forWorker: boolean): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Workers must wait for Redis to come back (BullMQ requires null); producers fail fast so a
    // caller learns at once that the job was not queued (and the sweeper catches up later).
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
  };
}

/** Retry policy: intake and outbound jobs are retried with exponential backoff. */
export const JOB_DEFAULTS: Record<keyof typeof QUEUE, JobsOptions> = {
  intake: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
  outbound: {
    // A 4xx from SMTP is retried for about a day and a half (5 s doubling, capped by attempts).
    attempts: 16,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
};

/**
 * The id of a message's intake job, from where it was found. BullMQ ids must not contain ':'
 * and mailbox names may hold anything, so the mailbox is hashed.
 */
export function intakeJobId(mailbox: string, uidvalidity: string, uid: number): string {
  const box = createHash('sha1').update(mailbox).digest('hex').slice(0, 12);
  return `imap-${box}-${uidvalidity}-${uid}`;
}

export function outboundJobId(mailKey: string): string {
  return `mail-${createHash('sha1').update(mailKey).digest('hex')}`;
}

export class Queues {
  readonly intake: Queue<IntakeJob>;
  readonly outbound: Queue<OutboundJob>;

  constructor(readonly settings: QueueSettings) {
    const connection = connectionOf(settings.redisUrl, false);
    const backoff = { type: 'exponential', delay: settings.retryDelayMs ?? 5_000 };
    this.intake = new Queue<IntakeJob>(QUEUE.intake, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: { ...JOB_DEFAULTS.intake, backoff },
    });
    this.outbound = new Queue<OutboundJob>(QUEUE.outbound, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: { ...JOB_DEFAULTS.outbound, backoff },
    });
  }

  async enqueueIntake(job: IntakeJob, jobId: string): Promise<void> {
    await this.intake.add('message', job, { jobId });
  }

  async enqueueOutbound(job: OutboundJob): Promise<void> {
    await this.outbound.add('mail', job, { jobId: outboundJobId(job.mailKey) });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.intake.close(), this.outbound.close()]);
  }
}

export function startWorker<T>(
  name: keyof typeof QUEUE,
  settings: QueueSettings,
  processor: Processor<T>,
  opts: { concurrency: number; logger: Logger; lockMs?: number },
): Worker<T> {
  const lockDuration = opts.lockMs ?? 30_000;
  const worker = new Worker<T>(QUEUE[name], processor, {
    connection: connectionOf(settings.redisUrl, true),
    prefix: settings.prefix,
    concurrency: opts.concurrency,
    // A job whose worker died is found stalled and run again (our jobs are idempotent).
    lockDuration,
    stalledInterval: lockDuration,
  });
  // Without an error listener a Redis hiccup becomes an unhandled 'error' event.
  worker.on('error', (err) => opts.logger.error({ err, queue: name }, 'queue worker error'));
  worker.on('failed', (job, err) =>
    opts.logger.warn(
      { err, queue: name, jobId: job?.id, attempts: job?.attemptsMade },
      'job failed',
    ),
  );
  return worker;
}

/** worker.close() waits for active jobs without a limit of its own: give it one. */
export async function closeWithin(worker: Worker, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>(
    (resolve) => (timer = setTimeout(() => resolve('late'), ms)),
  );
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), deadline]);
  clearTimeout(timer);
  // Past the deadline, force: active jobs are released and retried elsewhere (they are idempotent).
  if (outcome === 'late') await worker.close(true);
}
