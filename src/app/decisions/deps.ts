/** What the agreed items' use cases read, write and send through. */
import type { Schedule } from '../../config/schedule';
import type { Logger } from '../../log';
import type { DecisionStore } from '../ports/decision-store';
import type { Outbox } from '../ports/outbox';
import type { WeekReads } from '../ports/week-reads';

export interface DecisionDeps {
  decisions: DecisionStore;
  schedule: Schedule;
}

/** Use cases that also mail someone (send back, notices, assignments). */
export interface DecisionMailDeps extends DecisionDeps {
  /** The outbox, as of the moment of a run (mails are dated and claimed at `now`). */
  outboxAt(now: Date): Outbox;
  /** The From address of automatic mails (MAIL_FROM, else the programme mailbox). */
  from: string;
  /** This process, for claims ("host:pid"). */
  workerName: string;
  logger: Logger;
  /** Hands a mail that met a temporary failure to the outbound queue (retried with backoff). */
  enqueueOutbound?: (mailKey: string) => Promise<void>;
}

/** The follow-up run also reads the weeks' sheets (the departments' weekly mail). */
export interface FollowUpDeps extends DecisionMailDeps {
  reads: WeekReads;
}
