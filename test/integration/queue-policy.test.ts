/**
 * The queues' retry and logging policy on the machine's Redis (a key prefix of its own):
 * RETRY_DELAY_MS sets a failed job's delay, a permanent DubanError is not retried, and a failure
 * is logged at error only on its final attempt.
 */
import { randomBytes } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import pino from 'pino';
import { Queues, closeWithin, startWorker, type IntakeJob } from '../../src/adapters/queue';
import { DubanError } from '../../src/errors';
import { until } from '../helpers/wait';

jest.setTimeout(30_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface LogLine {
  level: number;
  msg: string;
  jobId?: string;
  attempt?: number;
  attempts?: number;
  code?: string;
  retryInMs?: number;
}

function capturingLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

describe('the queue worker policy', () => {
  let queues: Queues;
  let worker: Worker | null = null;
  const { logger, lines } = capturingLogger();
  let behaviour: (job: Job<IntakeJob>) => Promise<unknown> = async () => undefined;
  const calls = new Map<string, number>();

  beforeAll(() => {
    const settings = {
      redisUrl: REDIS_URL,
      prefix: `test-${randomBytes(6).toString('hex')}`,
      retryDelayMs: 120,
    };
    queues = new Queues(settings);
    worker = startWorker<IntakeJob>(
      'intake',
      settings,
      async (job) => {
        calls.set(String(job.id), (calls.get(String(job.id)) ?? 0) + 1);
        return behaviour(job);
      },
      { concurrency: 1, logger },
    );
  });

  afterAll(async () => {
    if (worker) await closeWithin(worker, 5_000);
    await queues.intake.obliterate({ force: true }).catch(() => undefined);
    await queues.close();
  });

  const linesOf = (jobId: string): LogLine[] => lines.filter((l) => l.jobId === jobId);

  it('delays the retry of a failed job by RETRY_DELAY_MS', async () => {
    behaviour = async () => {
      throw new Error('a crash');
    };
    const delays: number[] = [];
    const onFailed = (job: Job | undefined): void => {
      if (job?.id === 'retry-delay') delays.push(job.delay);
    };
    worker?.on('failed', onFailed);
    await queues.enqueueIntake({ rawMessageId: 1 }, 'retry-delay');
    await until('the first failure', async () => delays.length >= 1);
    worker?.off('failed', onFailed);
    expect(delays[0]).toBe(120);
    const job = await queues.intake.getJob('retry-delay');
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 120 });
    await job?.remove().catch(() => undefined);
  });

  it('fails a job with a permanent DubanError at once: one attempt, one error line', async () => {
    behaviour = async () => {
      throw new DubanError('MAIL_ADDRESS_INVALID', 'not a single plain address');
    };
    await queues.enqueueIntake({ rawMessageId: 2 }, 'permanent');
    await until(
      'the job to fail',
      async () => (await queues.intake.getJob('permanent'))?.finishedOn,
    );
    expect(calls.get('permanent')).toBe(1);
    const logged = linesOf('permanent');
    expect(logged.map((l) => [l.level, l.msg, l.code])).toEqual([
      [50, 'job failed for good', 'MAIL_ADDRESS_INVALID'],
    ]);
    expect(await (await queues.intake.getJob('permanent'))?.getState()).toBe('failed');
  });

  it('retries a retryable DubanError: warn with the attempt number, error on the final attempt', async () => {
    behaviour = async () => {
      throw new DubanError('DATABASE_UNAVAILABLE', 'the database is down');
    };
    await queues.intake.add('message', { rawMessageId: 3 }, { jobId: 'retryable', attempts: 3 });
    await until('the job to fail for good', async () =>
      linesOf('retryable').some((l) => l.level === 50),
    );
    expect(calls.get('retryable')).toBe(3);
    expect(linesOf('retryable').map((l) => [l.level, l.attempt, l.attempts])).toEqual([
      [40, 1, 3],
      [40, 2, 3],
      [50, 3, 3],
    ]);
    // Exponential from RETRY_DELAY_MS: 120 ms, then 240 ms.
    expect(linesOf('retryable').map((l) => l.retryInMs)).toEqual([120, 240, undefined]);
  });
});
