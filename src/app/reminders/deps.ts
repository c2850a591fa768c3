/** What the reminder use cases read, write and send through. */
import type { Schedule } from '../../config/schedule';
import type { Logger } from '../../log';
import type { DecisionStore } from '../ports/decision-store';
import type { Outbox } from '../ports/outbox';
import type { TemplateWriter } from '../ports/template-writer';
import type { WeekReads } from '../ports/week-reads';

export interface ReminderDeps {
  reads: WeekReads;
  /** Writes the pre-filled template the later stages attach. */
  templates: TemplateWriter;
  /** The units' open agreed items, listed in the template (none without it). */
  decisions?: DecisionStore;
  /** The outbox, as of the moment of a run (the mails are dated and claimed at `now`). */
  outboxAt(now: Date): Outbox;
  schedule: Schedule;
  logger: Logger;
  /** The From address of automatic mails (MAIL_FROM, else the programme mailbox). */
  from: string;
  /** This process, for claims ("host:pid"). */
  workerName: string;
  /** Hands a mail that met a temporary failure to the outbound queue (retried with backoff). */
  enqueueOutbound?: (mailKey: string) => Promise<void>;
}

/** What the preview needs: no transport, nothing is stored. */
export type PreviewDeps = Pick<
  ReminderDeps,
  'reads' | 'templates' | 'decisions' | 'schedule' | 'from'
>;
