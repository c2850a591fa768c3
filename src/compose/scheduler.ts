/**
 * The clock of the service: BullMQ job schedulers that wake the reminder and digest jobs.
 *
 * - One scheduler per reminder stage (`reminder-<stage id>`), every day at the stage's time, one
 *   for the digest (`digest`), every day at the digest time (a holiday can move a week's
 *   digest off its weekday: digestDueOf), and one for the agreed items' follow-up (`follow-up`:
 *   交办 and supervision notices, the departments' list), every day at followUp.time; all with
 *   the programme's time zone (`tz`), never the server's.
 * - The cron only wakes the job; the job decides what is due (src/domain/reminders.ts), so
 *   holiday shifts, make-up working days and a unit that has just sent its sheet are honoured
 *   whatever the cron says, and a job run late (the service was down) sends only what is still
 *   current.
 * - Schedulers are upserted from one place: `apply()`, serialised within the process, and run
 *   by the one process with the `scheduler` role (concurrent upserts from several instances
 *   misbehaved in the past). It also removes schedulers that the YAML no longer has.
 * - Any number of processes may run the jobs: every mail is sent once by its database claim.
 * - The service runs the scheduler under a lease (src/adapters/lease): before each upsert,
 *   removal and hand-off to the outbound queue it checks the lease is still its own
 *   (`stillHeld`), so a process that lost it changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { Queue, type Job, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import {
  DEFAULT_RETRY_DELAY_MS,
  closeWithin,
  isRedisOutage,
  connectionOf,
  startWorker,
  type QueueSettings,
  type RedisWatch,
} from '../adapters/queue';
import type { Schedule } from '../config/schedule';
import { digestSentAt } from '../adapters/storage';
import { digestDueOf } from '../domain/calendar';
import { isExpectedWeek } from '../domain/week-status';
import { sendDigest } from '../app/digest';
import { sendDueReminders, weeksAround } from '../app/reminders';
import { runFollowUp } from '../app/decisions/follow-up';
import { followUpDeps } from './follow-up-deps';
import { digestSendDepsOver, reminderDeps } from './week-deps';
import type { Runtime } from './runtime';

export const SCHEDULE_QUEUE = 'schedule';
const DAY_MS = 86_400_000;

export type ScheduleJob =
  { kind: 'reminders'; stage: string } | { kind: 'digest' } | { kind: 'follow-up' };

export interface SchedulerSpec {
  /** The job scheduler's id (no ':'; BullMQ builds job ids from it). */
  id: string;
  /** Cron: minute hour day-of-month month day-of-week. */
  pattern: string;
  tz: string;
  data: ScheduleJob;
}

/** "18:30" → "30 18". */
function cronTime(time: string): string {
  const [hh = '0', mm = '0'] = time.split(':');
  return `${Number(mm)} ${Number(hh)}`;
}

/**
 * The job schedulers the schedule asks for. The digest job wakes every day at the digest time:
 * a week's digest is due on the digest weekday, or, when a holiday moved the week's deadline, on
 * the first working day after it, whatever weekday that is (digestDueOf decides).
 */
export function schedulerSpecs(schedule: Schedule): SchedulerSpec[] {
  const tz = schedule.programme.timezone;
  const { digest } = schedule.cycle;
  return [
    ...schedule.cycle.reminders.map((stage): SchedulerSpec => ({
      id: `reminder-${stage.id}`,
      pattern: `${cronTime(stage.time)} * * *`,
      tz,
      data: { kind: 'reminders', stage: stage.id },
    })),
    {
      id: 'digest',
      pattern: `${cronTime(digest.time)} * * *`,
      tz,
      data: { kind: 'digest' },
    },
    {
      id: 'follow-up',
      pattern: `${cronTime(schedule.followUp.time)} * * *`,
      tz,
      data: { kind: 'follow-up' },
    },
  ];
}

/**
 * Options of the scheduled jobs: a failed run is retried a few times, then left to the next. The
 * first retry waits six times RETRY_DELAY_MS (30 s by default): a database or SMTP blip should be
 * over by then.
 */
function jobOpts(retryDelayMs = DEFAULT_RETRY_DELAY_MS) {
  return {
    attempts: 3,
    backoff: { type: 'exponential', delay: 6 * retryDelayMs },
    removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** Thrown when the scheduler finds it no longer holds its lease: it changes nothing more. */
export class LeaseLostError extends Error {
  constructor() {
    super('the scheduler no longer holds its lease');
    this.name = 'LeaseLostError';
  }
}

/**
 * Makes the queue's job schedulers exactly the schedule's: upserts each (an unchanged one is
 * left as it is by BullMQ) and removes the others.
 */
export async function syncSchedulers(
  queue: Queue<ScheduleJob>,
  schedule: Schedule,
  logger: Pick<Logger, 'info'>,
  guard: { stillHeld?: () => Promise<boolean>; retryDelayMs?: number } = {},
): Promise<{ upserted: string[]; removed: string[] }> {
  const specs = schedulerSpecs(schedule);
  const check = async (): Promise<void> => {
    if (guard.stillHeld && !(await guard.stillHeld())) throw new LeaseLostError();
  };
  const opts = jobOpts(guard.retryDelayMs);
  for (const spec of specs) {
    await check();
    await queue.upsertJobScheduler(
      spec.id,
      { pattern: spec.pattern, tz: spec.tz },
      { name: spec.id, data: spec.data, opts },
    );
  }
  const wanted = new Set(specs.map((s) => s.id));
  const removed: string[] = [];
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const id = existing.id ?? existing.key;
    if (wanted.has(id)) continue;
    await check();
    await queue.removeJobScheduler(id);
    removed.push(id);
  }
  const upserted = specs.map((s) => s.id);
  logger.info(
    { schedulers: specs.map((s) => `${s.id} ${s.pattern} ${s.tz}`), removed },
    'job schedulers in place',
  );
  return { upserted, removed };
}

/**
 * The digest job: sends the digest of each week whose digest is due (digestDueOf) within the
 * last 24 hours and has not
 * gone out yet. sendDigest (src/app/digest/send.ts) makes a new version at every call, so the
 * "not gone out yet" test is what keeps a job run twice from mailing the leadership twice; two
 * runs racing both build version 1, and its key lets one through.
 */
export async function runDigestJob(
  runtime: Pick<
    Runtime,
    'logger' | 'schedule' | 'deliverDeps' | 'intake' | 'workerName' | 'db' | 'web'
  >,
  now: Date,
): Promise<Array<{ week: string; key: string; outcome: string }>> {
  const schedule = runtime.schedule;
  const sent: Array<{ week: string; key: string; outcome: string }> = [];
  for (const week of weeksAround(now, schedule)) {
    const due = digestDueOf(week, schedule).getTime();
    if (!(due <= now.getTime() && now.getTime() < due + DAY_MS)) continue;
    if (!isExpectedWeek(week, schedule)) continue;
    if ((await digestSentAt(runtime.db, week)) !== null) continue;
    const result = await sendDigest(
      digestSendDepsOver({
        ...runtime.deliverDeps(),
        now: () => now,
        schedule,
        from: runtime.intake.from,
        claimedBy: `${runtime.workerName}:digest:${randomUUID().slice(0, 8)}`,
        // A compact (province-scale) body links the console's week board.
        publicUrl: runtime.web.publicUrl,
      }),
      week,
      // The scheduled digest is always version 1: two runs racing share its key, so the
      // leadership get one mail (a later `duban digest --send` makes version 2).
      { version: 1 },
    );
    runtime.logger.info({ week, mailKey: result.key, outcome: result.outcome }, 'digest handled');
    sent.push({ week, key: result.key, outcome: result.outcome });
  }
  return sent;
}

export interface Scheduler {
  queue: Queue<ScheduleJob>;
  /** Re-reads runtime.schedule and makes the job schedulers match it (after a reload). */
  apply(): Promise<{ upserted: string[]; removed: string[] }>;
  /** Runs a job's work at once, as the worker would (tests, catch-up). */
  run(job: ScheduleJob, firedAt?: number): Promise<unknown>;
  close(deadlineMs?: number): Promise<void>;
}

export interface SchedulerOptions {
  settings: QueueSettings;
  /** Run the jobs in this process (default true). */
  work?: boolean;
  /** Upsert the job schedulers from this process (default true: the scheduler role). */
  upsert?: boolean;
  /** Hands a reminder that met a temporary SMTP failure to the outbound queue. */
  enqueueOutbound?: (mailKey: string) => Promise<void>;
  concurrency?: number;
  /** Receives the queue's and the worker's errors (a Redis outage logged once). */
  redis?: RedisWatch;
  /** The lease check (service): false once another process holds the scheduler's lease. */
  stillHeld?: () => Promise<boolean>;
}

export async function startScheduler(
  runtime: Runtime,
  options: SchedulerOptions,
): Promise<Scheduler> {
  const logger = runtime.logger.child({ component: 'scheduler' });
  const { settings } = options;
  const queue = new Queue<ScheduleJob>(SCHEDULE_QUEUE, {
    connection: connectionOf(settings.redisUrl, false),
    prefix: settings.prefix,
  });
  if (options.redis) options.redis.watch(queue, 'schedule queue');
  else queue.on('error', (err) => logger.error({ err }, 'schedule queue error'));
  const { stillHeld } = options;
  const enqueueOutbound =
    options.enqueueOutbound && stillHeld
      ? async (mailKey: string): Promise<void> => {
          if (!(await stillHeld())) throw new LeaseLostError();
          await options.enqueueOutbound?.(mailKey);
        }
      : options.enqueueOutbound;

  /**
   * `firedAt`: the moment the job scheduler fired the job for. The job decides what is due at
   * the later of it and the clock, so a worker whose clock is a little behind Redis's other
   * clients does not find the 09:00 stage "not yet due" at 08:59:59 and miss it.
   */
  const run = async (job: ScheduleJob, firedAt?: number): Promise<unknown> => {
    const now = new Date(Math.max(runtime.now().getTime(), firedAt ?? 0));
    if (job.kind === 'digest') return runDigestJob(runtime, now);
    if (job.kind === 'follow-up') {
      const report = await runFollowUp(followUpDeps(runtime, enqueueOutbound), now);
      return { mails: report.mails.map((m) => `${m.key} ${m.outcome}`) };
    }
    const result = await sendDueReminders(reminderDeps(runtime, enqueueOutbound), now);
    return { reminders: result.reminders.map((r) => `${r.key} ${r.outcome}`) };
  };

  let worker: Worker<ScheduleJob> | null = null;
  if (options.work !== false) {
    worker = startWorker<ScheduleJob>(
      SCHEDULE_QUEUE,
      settings,
      (job: Job<ScheduleJob>) => run(job.data, job.opts.prevMillis),
      {
        concurrency: options.concurrency ?? 1,
        logger,
        ...(options.redis ? { redis: options.redis } : {}),
      },
    );
  }

  // Upserts never overlap within the process (start and a reload can come together).
  let chain: Promise<unknown> = Promise.resolve();
  const apply = (): Promise<{ upserted: string[]; removed: string[] }> => {
    const next = chain.then(() =>
      syncSchedulers(queue, runtime.schedule, logger, {
        ...(stillHeld ? { stillHeld } : {}),
        ...(settings.retryDelayMs !== undefined ? { retryDelayMs: settings.retryDelayMs } : {}),
      }),
    );
    chain = next.catch(() => undefined);
    return next;
  };
  // Redis may not be up yet when the service starts: keep trying rather than fail the start.
  let retryTimer: NodeJS.Timeout | null = null;
  const retryLater = (err: unknown): void => {
    // A process that lost its lease leaves the schedulers to the new holder.
    if (err instanceof LeaseLostError) return;
    // An outage is logged once by the RedisWatch; anything else needs someone to look.
    const level = isRedisOutage(err) ? 'warn' : 'error';
    logger[level]({ err }, 'upserting the job schedulers failed; trying again in 30 s');
    retryTimer = setTimeout(applyOrRetry, 30_000);
  };
  const applyOrRetry = (): void => {
    apply().catch(retryLater);
  };
  if (options.upsert !== false) {
    try {
      await apply();
    } catch (err) {
      retryLater(err);
    }
  }

  return {
    queue,
    apply,
    run,
    async close(deadlineMs = 20_000) {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const steps: Array<() => Promise<unknown>> = [
        async () => (worker ? closeWithin(worker, deadlineMs) : undefined),
        () => chain,
        () => queue.close(),
      ];
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          logger.error({ err }, 'error while stopping the scheduler');
        }
      }
    },
  };
}
