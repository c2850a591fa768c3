/**
 * The running service: the mailbox watcher, the intake and outbound workers, and a sweeper that
 * re-enqueues whatever the database says is unfinished. One process can run every role
 * (`duban serve`, `npm start`); workers/ starts one role per process for larger setups, all
 * sharing Redis and PostgreSQL.
 *
 * Hand-offs carry ids only: the watcher stores the raw message before enqueueing its id; the
 * intake stores the composed reply before enqueueing its key. A lost job therefore loses no
 * data, and the sweeper finds it again (also what the watcher could not enqueue while Redis was
 * down: the sweeper runs as soon as Redis answers again).
 *
 * The watcher and the scheduler are singletons per installation: each runs only in the process
 * holding its lease (src/adapters/lease), so `duban serve` started on two machines runs one of
 * each; the other process takes over within about LEASE_TTL_MS when the holder dies.
 */
import { warnAboutMissingTools } from './converters';
import type { Job, Worker } from 'bullmq';
import { MailboxWatcher, type StoredMessage } from '../adapters/imap';
import { LeasedRole, Leases, type StartRole } from '../adapters/lease';
import {
  Queues,
  RedisWatch,
  closeWithin,
  intakeJobId,
  isRedisOutage,
  startWorker,
  type IntakeJob,
  type OutboundJob,
} from '../adapters/queue';
import {
  recordRoleFence,
  roleFence,
  unprocessedMessages,
  unsentMails,
  type UnprocessedMessage,
  unsentQueuedMails,
  dropQueuedMail,
} from '../adapters/storage';
import { lateness } from '../adapters/mail/send';
import { parseMailKey } from '../domain/mail-key';
import { deliverQueued } from '../adapters/mail/outbox';
import { processMessage } from '../app/intake/process-message';
import type { Runtime } from './runtime';
import { reminderStillDue } from '../app/reminders';
import { weekReadsOver } from './week-deps';
import { startScheduler, type Scheduler } from './scheduler';
import { startWeb, type WebRole } from './web';

/** Outcomes of an inline delivery that need no outbound job (the row records each of them). */
const INLINE_SETTLED: ReadonlySet<string> = new Set(['sent', 'already_sent', 'failed', 'capped']);

export type Role = 'watcher' | 'intake' | 'outbound' | 'sweeper' | 'scheduler' | 'web';
export const ALL_ROLES: readonly Role[] = [
  'watcher',
  'intake',
  'outbound',
  'sweeper',
  'scheduler',
  'web',
];

export interface Service {
  /** The watcher while this process holds the watcher's lease, else null. */
  readonly watcher: MailboxWatcher | null;
  queues: Queues;
  /** The scheduler role (reminders, digest) while this process holds its lease, else null. */
  readonly scheduler: Scheduler | null;
  /** Redis reachability as this process sees it (outages are logged once). */
  redis: RedisWatch;
  /** The console (the `web` role), when this process runs it. */
  readonly web: WebRole | null;
  /** Runs the sweeper once (tests, and the periodic timer); `graceMs` default sweepGraceMs. */
  sweep(graceMs?: number): Promise<{ messages: number; mails: number }>;
  stop(deadlineMs?: number): Promise<void>;
}

export interface ServiceOptions {
  roles: readonly Role[];
  sweepEveryMs?: number;
  /** Unfinished work younger than this is left to its job (default 2 minutes). */
  sweepGraceMs?: number;
}

/** A message's intake job id: from its IMAP location when it has one, else its row id. */
function jobIdFor(message: UnprocessedMessage): string {
  const { id, mailbox, uidvalidity, uid } = message;
  return mailbox && uidvalidity && uid !== null
    ? intakeJobId(mailbox, uidvalidity, uid)
    : `raw-${id}`;
}

export async function startService(runtime: Runtime, options: ServiceOptions): Promise<Service> {
  const { logger } = runtime;
  const roles = new Set(options.roles);
  if (roles.has('intake')) warnAboutMissingTools(logger);
  const redis = new RedisWatch(runtime.service.redisUrl, logger.child({ component: 'redis' }));
  const queues = new Queues(
    {
      redisUrl: runtime.service.redisUrl,
      prefix: runtime.service.queuePrefix,
      retryDelayMs: runtime.service.retryDelayMs,
    },
    redis,
  );
  // ---- web role (src/compose/web.ts): the console on HTTP_HOST:HTTP_PORT. First, so that a port
  // that cannot be had stops the start before any other role takes work.
  let web: WebRole | null = null;
  if (roles.has('web')) {
    try {
      web = await startWeb(runtime, queues);
    } catch (err) {
      await queues.close().catch(() => undefined);
      redis.close();
      throw err;
    }
  }
  const workers: Worker[] = [];
  const leased: LeasedRole[] = [];
  const leases = new Leases({
    redisUrl: runtime.service.redisUrl,
    prefix: runtime.service.queuePrefix,
    holderName: runtime.workerName,
    ttlMs: runtime.service.leaseTtlMs,
    onError: (err) => redis.report(err, 'lease'),
  });
  /** Runs `start` only while this process holds the role's lease (fences kept in the database). */
  const underLease = async (role: 'watcher' | 'scheduler', start: StartRole): Promise<void> => {
    const lease = await leases.forRole(role);
    const supervisor = new LeasedRole({
      lease,
      logger: logger.child({ component: 'lease' }),
      start,
      fences: {
        floor: () => roleFence(runtime.db, role),
        record: (fence, holder) =>
          recordRoleFence(runtime.db, { role, fence, holder, now: runtime.now() }),
      },
    });
    leased.push(supervisor);
    await supervisor.start();
  };

  // Intake delivers its replies inline only where this process sends mail anyway: a deployment
  // that keeps SMTP in its outbound processes (workers/) keeps it there.
  const deliversInline = roles.has('outbound');
  if (roles.has('intake')) {
    workers.push(
      startWorker<IntakeJob>(
        'intake',
        queues.settings,
        async (job: Job<IntakeJob>) => {
          const outcome = await processMessage(runtime.intakeDeps(), job.data.rawMessageId);
          for (const mailKey of outcome.mailKeys) {
            // A process that also sends delivers the reply at once, through the same claim as
            // an outbound job (one job per message instead of two); only a reply that attempt
            // did not settle (a retry, a claim held elsewhere) gets an outbound job.
            const settled =
              deliversInline &&
              INLINE_SETTLED.has(
                await deliverQueued(
                  runtime.deliverDeps(),
                  mailKey,
                  `${runtime.workerName}:intake-${job.id}:${job.attemptsMade}`,
                  { sentLogLevel: 'debug' },
                ),
              );
            if (!settled) await queues.enqueueOutbound({ mailKey });
          }
          return { outcome: outcome.outcome, reason: outcome.reason };
        },
        {
          concurrency: runtime.service.intakeConcurrency,
          logger,
          lockMs: runtime.service.queueLockMs,
          redis,
        },
      ),
    );
  }

  if (roles.has('outbound')) {
    workers.push(
      startWorker<OutboundJob>(
        'outbound',
        queues.settings,
        async (job: Job<OutboundJob>) => {
          const claimedBy = `${runtime.workerName}:${job.id}:${job.attemptsMade}`;
          // A reminder retried after an SMTP 4xx may have become pointless: the unit sent its
          // sheet meanwhile. Check again just before sending.
          if (
            parseMailKey(job.data.mailKey)?.kind === 'reminder' &&
            !(await reminderStillDue(
              weekReadsOver(runtime.db),
              runtime.schedule,
              job.data.mailKey,
              runtime.now(),
            ))
          ) {
            await dropQueuedMail(runtime.db, job.data.mailKey);
            logger.info({ mailKey: job.data.mailKey }, 'reminder dropped: no longer due');
            return { outcome: 'dropped' };
          }
          const outcome = await deliverQueued(runtime.deliverDeps(), job.data.mailKey, claimedBy);
          // A temporary failure (SMTP 4xx, connection) fails the job so BullMQ retries it with
          // backoff. So does a mail claimed by another attempt: if that attempt died mid-send,
          // a retry after the claim's lease takes it over (a re-enqueue by the sweeper would be
          // deduplicated against this job's id while BullMQ keeps it). Everything else is final
          // and recorded in outgoing_mails. A job failed for good is run again by the sweeper.
          if (outcome === 'retry')
            throw new Error(`mail ${job.data.mailKey}: temporary failure, retrying`);
          if (outcome === 'claimed_elsewhere')
            throw new Error(`mail ${job.data.mailKey}: claimed by another attempt, retrying`);
          return { outcome };
        },
        {
          concurrency: runtime.service.outboundConcurrency,
          logger,
          lockMs: runtime.service.queueLockMs,
          redis,
        },
      ),
    );
  }

  let watcher: MailboxWatcher | null = null;
  if (roles.has('watcher') && runtime.imap) {
    const imap = runtime.imap;
    const startWatcher: StartRole = async (lease) => {
      const mine = new MailboxWatcher({
        config: imap,
        db: runtime.db,
        logger: logger.child({ component: 'imap' }),
        clock: { now: runtime.now },
        fence: lease.fence,
        onFencedOut: () => lease.lost('the database holds a newer fence'),
        onStored: async (stored: StoredMessage) => {
          // The store already recorded a history message as ignored and a too-large one as
          // truncated, in the insert: nothing is written here.
          if (stored.history) return;
          await queues.enqueueIntake(
            { rawMessageId: stored.rawMessageId },
            intakeJobId(imap.mailbox, stored.uidvalidity, stored.uid),
          );
        },
      });
      watcher = mine;
      mine.start();
      return async () => {
        await mine.stop();
        if (watcher === mine) watcher = null;
      };
    };
    await underLease('watcher', startWatcher);
  } else if (roles.has('watcher')) {
    logger.warn(
      {},
      'no IMAP_URL or IMAP_HOST: the mailbox is not watched (use duban ingest for files)',
    );
  }

  const grace = options.sweepGraceMs ?? 120_000;
  const sweepOrLog = (): Promise<unknown> =>
    sweep().catch((err: unknown) => {
      // An outage is logged once by the RedisWatch; the next sweep after it catches up.
      if (isRedisOutage(err)) logger.debug({ err }, 'sweep skipped: Redis unreachable');
      else logger.error({ err }, 'sweep failed');
    });
  const sweep = async (graceMs = grace): Promise<{ messages: number; mails: number }> => {
    const before = new Date(runtime.now().getTime() - graceMs);
    // requeue, not enqueue: a job BullMQ failed for good (e.g. its worker died twice: "stalled
    // more than allowable limit") or completed is kept under the same id, and a plain add
    // would do nothing. The database says the work is unfinished, so it runs again.
    let rerun = 0;
    const messages = await unprocessedMessages(runtime.db, before);
    for (const message of messages) {
      const done = await queues.requeueIntake({ rawMessageId: message.id }, jobIdFor(message));
      if (done === 'rerun') rerun++;
    }
    const now = runtime.now();
    const lease = runtime.service.mailClaimLeaseMs;
    // A mail claimed longer than its lease is taken over by the job enqueued here (its holder
    // presumably died mid-send: see src/adapters/mail/send.ts).
    const mails = await unsentQueuedMails(runtime.db, before, 500, {
      claimedBefore: new Date(now.getTime() - lease),
    });
    for (const mailKey of mails) {
      if ((await queues.requeueOutbound({ mailKey })) === 'rerun') rerun++;
    }
    for (const late of await unsentMails(runtime.db, new Date(now.getTime() - lease))) {
      const ageMs = now.getTime() - late.queuedAt.getTime();
      const fields = {
        mailKey: late.key,
        kind: late.kind,
        status: late.status,
        attempts: late.attempts,
        ageMinutes: Math.floor(ageMs / 60_000),
      };
      if (lateness(ageMs, lease) === 'error')
        logger.error(fields, 'mail not sent within its window');
      else logger.warn(fields, 'mail not sent within its window');
    }
    if (messages.length || mails.length) {
      logger.warn(
        { messages: messages.length, mails: mails.length, rerun },
        'sweeper re-enqueued unfinished work',
      );
    }
    return { messages: messages.length, mails: mails.length };
  };
  let sweepTimer: NodeJS.Timeout | null = null;
  if (roles.has('sweeper')) {
    const every = options.sweepEveryMs ?? 60_000;
    const tick = (): void => {
      void sweepOrLog().finally(() => {
        if (sweepTimer) sweepTimer = setTimeout(tick, every);
      });
    };
    sweepTimer = setTimeout(tick, every);
    // What could not be enqueued during an outage is stored: hand it on as soon as Redis is back,
    // however young. A job still in hand keeps its id, so enqueueing it again adds nothing.
    // The queues' own connections may come back a moment after the probe's: try for a while.
    redis.onReachableAgain(() => {
      const attempt = (left: number): void => {
        sweep(0).catch((err: unknown) => {
          if (!isRedisOutage(err)) return logger.error({ err }, 'sweep failed');
          if (left > 0 && sweepTimer) setTimeout(() => attempt(left - 1), 1_000).unref();
        });
      };
      attempt(30);
    });
  }

  // ---- scheduler role (src/compose/scheduler.ts): job schedulers for reminders and the digest.
  // One process only (it upserts the job schedulers, see the pitfalls): the lease's holder.
  let scheduler: Scheduler | null = null;
  if (roles.has('scheduler')) {
    await underLease('scheduler', async (lease) => {
      const mine = await startScheduler(runtime, {
        settings: queues.settings,
        enqueueOutbound: (mailKey) => queues.enqueueOutbound({ mailKey }),
        redis,
        stillHeld: lease.stillHeld,
      });
      scheduler = mine;
      return async () => {
        if (scheduler === mine) scheduler = null;
        await mine.close();
      };
    });
  }
  // ---- end of the scheduler role.

  return {
    get watcher() {
      return watcher;
    },
    queues,
    get scheduler() {
      return scheduler;
    },
    redis,
    web,
    sweep,
    async stop(deadlineMs = 20_000) {
      if (sweepTimer) clearTimeout(sweepTimer);
      sweepTimer = null;
      // Stop taking new work first (the leased roles stop and release their leases), then let
      // work in hand finish within the deadline.
      const steps: Array<() => Promise<unknown>> = [
        async () => web?.close(),
        ...leased.map((role) => () => role.stop()),
        ...workers.map((w) => () => closeWithin(w, deadlineMs)),
        () => queues.close(),
        async () => leases.close(),
        async () => redis.close(),
      ];
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          logger.error({ err }, 'error while stopping');
        }
      }
    },
  };
}
