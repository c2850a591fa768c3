/**
 * The queues as the operator reads them (src/app/ports/operator-reads.ts): job counts by state
 * and the latest failed jobs. Calls fail fast when Redis is unreachable (producer connections,
 * see connection.ts), as REDIS_UNAVAILABLE.
 */
import type { Queue } from 'bullmq';
import type { FailedJob, QueueCount, QueueReads } from '../../app/ports/operator-reads';
import { DubanError } from '../../errors';
import { redisCall } from './connection';

/** The states counted: every state a job of ours can be in. */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
] as const;

/**
 * BullMQ waits for its connection to be ready before a command, and keeps reconnecting while
 * Redis is down: without a bound a page or a scrape would hang for the whole outage.
 */
export const QUEUE_READ_TIMEOUT_MS = 2_000;

export class BullQueueReads implements QueueReads {
  constructor(
    private readonly queues: readonly Queue[],
    private readonly timeoutMs = QUEUE_READ_TIMEOUT_MS,
  ) {}

  private within<T>(what: string, op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DubanError(
              'REDIS_UNAVAILABLE',
              `${what}: Redis did not answer within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
    });
    return Promise.race([redisCall(what, op), timeout]).finally(() => clearTimeout(timer));
  }

  async counts(): Promise<QueueCount[]> {
    const out: QueueCount[] = [];
    for (const queue of this.queues) {
      const counts = await this.within(`counting the ${queue.name} queue`, () =>
        queue.getJobCounts(...JOB_STATES),
      );
      for (const state of JOB_STATES) {
        out.push({ queue: queue.name, state, count: counts[state] ?? 0 });
      }
    }
    return out;
  }

  async failedJobs(limit: number): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const queue of this.queues) {
      const jobs = await this.within(`reading the ${queue.name} queue's failed jobs`, () =>
        queue.getFailed(0, limit - 1),
      );
      for (const job of jobs) {
        if (!job) continue;
        out.push({
          queue: queue.name,
          id: job.id ?? '',
          name: job.name,
          reason: job.failedReason ?? '',
          attempts: job.attemptsMade,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        });
      }
    }
    out.sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0));
    return out.slice(0, limit);
  }
}
