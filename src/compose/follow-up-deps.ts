/**
 * Wiring for the agreed items' daily follow-up run (src/app/decisions/follow-up.ts): the decision
 * store, the week reads and the outbox over a database and a transport.
 */
import { MailOutbox, queuedMail, storedMail, type DeliverDeps } from '../adapters/mail/outbox';
import { StorageWeekReads } from '../adapters/storage';
import type { Db } from '../adapters/storage';
import type { FollowUpDeps } from '../app/decisions/deps';
import type { DecisionStore } from '../app/ports/decision-store';
import type { Outbox } from '../app/ports/outbox';
import type { Schedule } from '../config/schedule';
import type { Logger } from '../log';
import { decisionStoreOver } from './decisions';

/** What the follow-up run needs; the outbox takes the moment of each run. */
export function followUpDepsOver(
  parts: Omit<DeliverDeps, 'now'> & {
    schedule: Schedule;
    from: string;
    workerName: string;
    enqueueOutbound?: (mailKey: string) => Promise<void>;
    /** The items (default: the decision store over `db`). */
    decisions?: DecisionStore;
  },
): FollowUpDeps {
  return {
    decisions: parts.decisions ?? decisionStoreOver(parts.db, parts.schedule),
    reads: new StorageWeekReads(parts.db),
    schedule: parts.schedule,
    outboxAt: (now) => new MailOutbox({ ...parts, now: () => now }),
    from: parts.from,
    workerName: parts.workerName,
    logger: parts.logger,
    ...(parts.enqueueOutbound ? { enqueueOutbound: parts.enqueueOutbound } : {}),
  };
}

/** An outbox that only reads what is queued: for a dry run, which stores and sends nothing. */
export function readOnlyOutbox(db: Db): Outbox {
  const refuse = (): never => {
    throw new Error('a dry run stores and sends nothing');
  };
  return {
    queue: async () => refuse(),
    deliver: async () => refuse(),
    withdraw: async () => refuse(),
    summary: (key) => queuedMail(db, key),
    stored: (key) => storedMail(db, key),
  };
}

/** The follow-up run's deps for a dry run (no transport; nothing is stored or sent). */
export function followUpPreviewDepsOver(
  db: Db,
  schedule: Schedule,
  from: string,
  logger: Logger,
): FollowUpDeps {
  const outbox = readOnlyOutbox(db);
  return {
    decisions: decisionStoreOver(db, schedule),
    reads: new StorageWeekReads(db),
    schedule,
    outboxAt: () => outbox,
    from,
    workerName: 'dry-run',
    logger,
  };
}

/** What the follow-up needs of the running service (a structural part of Runtime). */
export interface FollowUpRuntime {
  db: Db;
  schedule: Schedule;
  logger: Logger;
  workerName: string;
  intake: { from: string };
  deliverDeps(): Omit<DeliverDeps, 'now'>;
}

/** The follow-up deps from the running service, read again for every job (a reload applies). */
export function followUpDeps(
  runtime: FollowUpRuntime,
  enqueueOutbound?: (mailKey: string) => Promise<void>,
): FollowUpDeps {
  const deliver = runtime.deliverDeps();
  return followUpDepsOver({
    db: runtime.db,
    transport: deliver.transport,
    logger: runtime.logger,
    dailyCap: deliver.dailyCap,
    schedule: runtime.schedule,
    from: runtime.intake.from,
    workerName: runtime.workerName,
    ...(enqueueOutbound ? { enqueueOutbound } : {}),
  });
}
