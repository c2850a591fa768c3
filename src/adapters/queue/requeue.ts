/**
 * Re-enqueueing unfinished work under its fixed job id (the sweeper).
 *
 * BullMQ deduplicates by job id while the job exists, whatever its state, and keeps a failed job
 * for `removeOnFail` (30 days) and a completed one for `removeOnComplete`. A plain `add` under
 * the same id is then a no-op, and the work would never run again. A job fails for good not
 * only after its attempts: one whose worker died more than `maxStalledCount` times (default 1)
 * is failed as "job stalled more than allowable limit" without further attempts (BullMQ 6 marks
 * it and fails it when it is next taken). Our jobs are idempotent and the database says the work
 * is unfinished, so such a job is replaced by a fresh one (attempts and stall count at zero).
 *
 * Two sweepers at once: each removes what it finds finished and adds; `add` deduplicates, and a
 * removal never touches a job being worked on (BullMQ refuses to remove a locked job), so at most
 * one job runs.
 */
import type { Queue } from 'bullmq';

/** What the sweeper's re-enqueue did: added, left a job in hand alone, or replaced a finished one. */
export type Requeued = 'added' | 'pending' | 'rerun';

export async function requeue<T extends object>(
  queue: Queue<T>,
  name: string,
  data: T,
  jobId: string,
): Promise<Requeued> {
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'failed' && state !== 'completed') return 'pending';
    await queue.remove(jobId);
  }
  // Our queues carry plain data (never Job instances), which BullMQ's generics cannot see here.
  await (queue as unknown as Queue<object>).add(name, data, { jobId });
  return existing ? 'rerun' : 'added';
}
