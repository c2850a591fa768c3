/**
 * The running service: the mailbox watcher, the intake and outbound workers, and a sweeper that
 * re-enqueues whatever the database says is unfinished. One process can run every role
 * (`duban serve`, `npm start`); workers/ starts one role per process for larger setups, all
 * sharing Redis and PostgreSQL.
 *
 * Hand-offs carry ids only: the watcher stores the raw message before enqueueing its id; the
 * intake stores the composed reply before enqueueing its key. A lost job therefore loses no
 * data, and the sweeper finds it again.
 */
import type { Job, Worker } from 'bullmq';
import { MailboxWatcher, type StoredMessage } from '../adapters/imap';
import {
  Queues,
  closeWithin,
  intakeJobId,
  startWorker,
  type IntakeJob,
  type OutboundJob,
} from '../adapters/queue';
import {
  getRawMessage,
  unprocessedMessages,
  unsentMails,
  unsentQueuedMails,
  dropQueuedMail,
} from '../adapters/storage';
import { lateness } from '../adapters/mail/send';
import { parseMailKey } from '../domain/mail-key';
import { deliverQueued } from './intake/outbox';
import { processMessage } from './intake/process-message';
import type { Runtime } from './runtime';
import { reminderStillDue } from './reminders';
import { startScheduler, type Scheduler } from './scheduler';

export type Role = 'watcher' | 'intake' | 'outbound' | 'sweeper' | 'scheduler';
export const ALL_ROLES: readonly Role[] = ['watcher', 'intake', 'outbound', 'sweeper', 'scheduler'];

export interface Service {
  watcher: MailboxWatcher | null;
  queues: Queues;
  /** The scheduler role (reminders, digest); null when this process does not run it. */
  scheduler: Scheduler | null;
  /** Runs the sweeper once (tests, and the periodic timer). */
  sweep(): Promise<{ messages: number; mails: number }>;
  stop(deadlineMs?: number): Promise<void>;
}

export interface ServiceOptions {
  roles: readonly Role[];
  sweepEveryMs?: number;
  /** Unfinished work younger than this is left to its job (default 2 minutes). */
  sweepGraceMs?: number;
}

/** A message's intake job id: from its IMAP location when it has one, else its row id. */
async function jobIdFor(runtime: Runtime, rawMessageId: number): Promise<string> {
  const row = await getRawMessage(runtime.db, rawMessageId);
  if (row?.mailbox && row.uidvalidity && row.uid !== null) {
    return intakeJobId(row.mailbox, row.uidvalidity, row.uid);
  }
  return `raw-${rawMessageId}`;
}

export async function startService(runtime: Runtime, options: ServiceOptions): Promise<Service> {
  const { logger } = runtime;
  const roles = new Set(options.roles);
  const queues = new Queues({
    redisUrl: runtime.service.redisUrl,
    prefix: runtime.service.queuePrefix,
  });
  const workers: Worker[] = [];

  if (roles.has('intake')) {
    workers.push(
      startWorker<IntakeJob>(
        'intake',
        queues.settings,
        async (job: Job<IntakeJob>) => {
          const outcome = await processMessage(runtime.intakeDeps(), job.data.rawMessageId);
          for (const mailKey of outcome.mailKeys) await queues.enqueueOutbound({ mailKey });
          return { outcome: outcome.outcome, reason: outcome.reason };
        },
        {
          concurrency: runtime.service.intakeConcurrency,
          logger,
          lockMs: runtime.service.queueLockMs,
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
            !(await reminderStillDue(runtime.db, runtime.schedule, job.data.mailKey, runtime.now()))
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
          // and recorded in outgoing_mails.
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
        },
      ),
    );
  }

  let watcher: MailboxWatcher | null = null;
  if (roles.has('watcher') && runtime.imap) {
    const imap = runtime.imap;
    watcher = new MailboxWatcher({
      config: imap,
      db: runtime.db,
      logger: logger.child({ component: 'imap' }),
      clock: { now: runtime.now },
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
    watcher.start();
  } else if (roles.has('watcher')) {
    logger.warn(
      {},
      'no IMAP_URL or IMAP_HOST: the mailbox is not watched (use duban ingest for files)',
    );
  }

  const grace = options.sweepGraceMs ?? 120_000;
  const sweep = async (): Promise<{ messages: number; mails: number }> => {
    const before = new Date(runtime.now().getTime() - grace);
    const messages = await unprocessedMessages(runtime.db, before);
    for (const id of messages)
      await queues.enqueueIntake({ rawMessageId: id }, await jobIdFor(runtime, id));
    const now = runtime.now();
    const lease = runtime.service.mailClaimLeaseMs;
    // A mail claimed longer than its lease is taken over by the job enqueued here (its holder
    // presumably died mid-send: see src/adapters/mail/send.ts).
    const mails = await unsentQueuedMails(runtime.db, before, 500, {
      claimedBefore: new Date(now.getTime() - lease),
    });
    for (const mailKey of mails) await queues.enqueueOutbound({ mailKey });
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
        { messages: messages.length, mails: mails.length },
        'sweeper re-enqueued unfinished work',
      );
    }
    return { messages: messages.length, mails: mails.length };
  };
  let sweepTimer: NodeJS.Timeout | null = null;
  if (roles.has('sweeper')) {
    const every = options.sweepEveryMs ?? 60_000;
    const tick = (): void => {
      sweep()
        .catch((err: unknown) => logger.error({ err }, 'sweep failed'))
        .finally(() => {
          if (sweepTimer) sweepTimer = setTimeout(tick, every);
        });
    };
    sweepTimer = setTimeout(tick, every);
  }

  // ---- scheduler role (src/app/scheduler.ts): job schedulers for reminders and the digest.
  // Run it in ONE process only: it upserts the job schedulers (see the pitfalls).
  const scheduler = roles.has('scheduler')
    ? await startScheduler(runtime, {
        settings: queues.settings,
        enqueueOutbound: (mailKey) => queues.enqueueOutbound({ mailKey }),
      })
    : null;
  // ---- end of the scheduler role.

  return {
    watcher,
    queues,
    scheduler,
    sweep,
    async stop(deadlineMs = 20_000) {
      if (sweepTimer) clearTimeout(sweepTimer);
      sweepTimer = null;
      // Stop taking new work first, then let work in hand finish within the deadline.
      const steps: Array<() => Promise<unknown>> = [
        async () => watcher?.stop(),
        async () => scheduler?.close(deadlineMs),
        ...workers.map((w) => () => closeWithin(w, deadlineMs)),
        () => queues.close(),
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
