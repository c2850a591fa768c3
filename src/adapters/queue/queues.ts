/**
 * The two queues (intake: one job per stored message; outbound: one job per mail to send) and
 * their retry policies. Job data carries ids only; what a job works on lives in the database, so
 * a queue that loses its jobs loses no data (the sweeper re-enqueues what was not finished).
 */
import { Queue, type JobsOptions } from 'bullmq';
import { requeue, type Requeued } from './requeue';
import { connectionOf, redisCall } from './connection';
import { outboundJobId } from './ids';
import type { RedisWatch } from './redis-watch';

export type { Requeued } from './requeue';

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
  /** First retry delay of a failed job, doubled at each attempt (RETRY_DELAY_MS, default 5 s). */
  retryDelayMs?: number;
}

export const DEFAULT_RETRY_DELAY_MS = 5_000;

/** Retry policy: intake and outbound jobs are retried with exponential backoff. */
export const JOB_DEFAULTS: Record<keyof typeof QUEUE, JobsOptions> = {
  intake: {
    attempts: 8,
    backoff: { type: 'exponential', delay: DEFAULT_RETRY_DELAY_MS },
    removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
  outbound: {
    // A 4xx from SMTP is retried for about two days at the default RETRY_DELAY_MS (5 s, doubling).
    attempts: 16,
    backoff: { type: 'exponential', delay: DEFAULT_RETRY_DELAY_MS },
    removeOnComplete: { age: 7 * 24 * 3600, count: 5000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  },
};

/** The options of a queue's jobs with the configured first retry delay. */
export function jobOptions(name: keyof typeof QUEUE, settings: QueueSettings): JobsOptions {
  const delay = settings.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  return { ...JOB_DEFAULTS[name], backoff: { type: 'exponential', delay } };
}

export class Queues {
  readonly intake: Queue<IntakeJob>;
  readonly outbound: Queue<OutboundJob>;

  /**
   * `redis` receives every error of both queues (an outage logged once); without it (tests,
   * one-off commands) errors are dropped rather than printed as stack blocks on stderr.
   */
  constructor(
    readonly settings: QueueSettings,
    redis?: RedisWatch,
  ) {
    const connection = connectionOf(settings.redisUrl, false);
    this.intake = new Queue<IntakeJob>(QUEUE.intake, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: jobOptions('intake', settings),
    });
    this.outbound = new Queue<OutboundJob>(QUEUE.outbound, {
      connection,
      prefix: settings.prefix,
      defaultJobOptions: jobOptions('outbound', settings),
    });
    for (const [queue, source] of [
      [this.intake, 'intake queue'],
      [this.outbound, 'outbound queue'],
    ] as const) {
      if (redis) redis.watch(queue, source);
      else queue.on('error', () => undefined);
    }
  }

  /** Throws DubanError REDIS_UNAVAILABLE (retryable) when Redis cannot be reached. */
  async enqueueIntake(job: IntakeJob, jobId: string): Promise<void> {
    await redisCall('enqueueing an intake job', () => this.intake.add('message', job, { jobId }));
  }

  /** Throws DubanError REDIS_UNAVAILABLE (retryable) when Redis cannot be reached. */
  async enqueueOutbound(job: OutboundJob): Promise<void> {
    await redisCall('enqueueing an outbound job', () =>
      this.outbound.add('mail', job, { jobId: outboundJobId(job.mailKey) }),
    );
  }

  /**
   * Gets a message's intake going again (the sweeper: the database says it is unfinished).
   * Unlike enqueueIntake, a job BullMQ has finished under this id is run again; see requeue.
   */
  async requeueIntake(job: IntakeJob, jobId: string): Promise<Requeued> {
    return redisCall('re-enqueueing an intake job', () =>
      requeue(this.intake, 'message', job, jobId),
    );
  }

  /** Gets a mail's sending going again (the sweeper), like requeueIntake. */
  async requeueOutbound(job: OutboundJob): Promise<Requeued> {
    return redisCall('re-enqueueing an outbound job', () =>
      requeue(this.outbound, 'mail', job, outboundJobId(job.mailKey)),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.intake.close(), this.outbound.close()]);
  }
}
