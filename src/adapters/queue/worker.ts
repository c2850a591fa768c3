/**
 * Starting a queue's worker with our error policy, and closing it within a deadline.
 *
 * - A job failing with a DubanError whose code is not retryable (src/errors.ts) is failed at
 *   once (BullMQ's UnrecoverableError): retrying a wrong address or a 5xx eight times only
 *   delays the record. Any other error (a retryable code, a crash, a bug) is retried.
 * - A failure is logged at error once, on the final attempt; earlier attempts at warn, with the
 *   attempt number and the delay before the next.
 */
import { UnrecoverableError, Worker, type Job, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { DubanError } from '../../errors';
import { connectionOf } from './connection';
import type { QueueSettings } from './queues';
import type { RedisWatch } from './redis-watch';

/** BullMQ's "do not retry" error, keeping our code and the original error. */
function permanent(err: DubanError): UnrecoverableError {
  const e = new UnrecoverableError(`${err.code}: ${err.message}`);
  e.cause = err;
  return Object.assign(e, { code: err.code });
}

/** Wraps a processor so that non-retryable DubanErrors are not retried. */
export function withErrorPolicy<T>(processor: Processor<T>): Processor<T> {
  return async (...args: Parameters<Processor<T>>) => {
    try {
      return (await processor(...args)) as unknown;
    } catch (err) {
      if (err instanceof DubanError && !err.retryable) throw permanent(err);
      throw err;
    }
  };
}

/** Whether this failure was the job's last: not retried by BullMQ. */
export function isFinalFailure(job: Job | undefined, err: Error): boolean {
  if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError') return true;
  if (!job) return true;
  return job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** Logs a failed job: error on the final attempt only, warn before. */
export function logJobFailure(
  logger: Logger,
  queue: string,
  job: Job | undefined,
  err: Error,
): void {
  const code = (err as { code?: unknown }).code;
  const fields = {
    err,
    code: typeof code === 'string' ? code : undefined,
    queue,
    jobId: job?.id,
    attempt: job?.attemptsMade,
    attempts: job?.opts.attempts ?? 1,
  };
  if (isFinalFailure(job, err)) logger.error(fields, 'job failed for good');
  else logger.warn({ ...fields, retryInMs: job?.delay }, 'job failed; retrying');
}

export interface WorkerOptions {
  concurrency: number;
  logger: Logger;
  lockMs?: number;
  /** Receives the worker's errors (an outage logged once); default: logged at error. */
  redis?: RedisWatch;
}

/** Starts a worker on `queueName` with our error policy and logging. */
export function startWorker<T>(
  queueName: string,
  settings: QueueSettings,
  processor: Processor<T>,
  opts: WorkerOptions,
): Worker<T> {
  const lockDuration = opts.lockMs ?? 30_000;
  const worker = new Worker<T>(queueName, withErrorPolicy(processor), {
    connection: connectionOf(settings.redisUrl, true),
    prefix: settings.prefix,
    concurrency: opts.concurrency,
    // A job whose worker died is found stalled and run again (our jobs are idempotent).
    lockDuration,
    stalledInterval: lockDuration,
  });
  // Without an error listener a Redis hiccup becomes a stack block on stderr (or a crash).
  if (opts.redis) opts.redis.watch(worker, `${queueName} worker`);
  else
    worker.on('error', (err) => opts.logger.error({ err, queue: queueName }, 'queue worker error'));
  worker.on('failed', (job, err) => logJobFailure(opts.logger, queueName, job, err));
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
