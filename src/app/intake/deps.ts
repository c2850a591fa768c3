/** What processing a message needs: ports, the schedule, the intake settings, a logger, a clock. */
import type { Schedule } from '../../config/schedule';
import type { Logger } from '../../log';
import type { Clock } from '../ports/clock';
import type { ContainerOpener } from '../ports/container-opener';
import type { DecisionStore } from '../ports/decision-store';
import type { IntakeStore } from '../ports/intake-store';
import type { MailReader } from '../ports/mail-reader';
import type { Outbox } from '../ports/outbox';
import type { SheetReader } from '../ports/sheet-reader';
import type { TemplateWriter } from '../ports/template-writer';

export interface IntakeSettings {
  /** Answer unknown senders with a short neutral reply (default true). */
  replyToUnknownSenders: boolean;
  /** Our MTA's authserv-id, for the DMARC guard; null = off. */
  authservId: string | null;
  /** Largest message processed, in bytes (the watcher stores only headers above it). */
  maxMessageBytes: number;
  /** The From of every automatic mail. */
  from: string;
}

export interface IntakeDeps {
  store: IntakeStore;
  /** Where the answers are queued (delivered by the caller: an outbound job, or inline). */
  outbox: Outbox;
  mail: MailReader;
  sheets: SheetReader;
  /** Opens archives and winmail.dat attachments. */
  containers: ContainerOpener;
  templates: TemplateWriter;
  /**
   * The agreed items: a list the office mails is recorded here, and a unit's reports on its
   * items (the sheet's section 议定事项落实情况) with its submission.
   */
  decisions: DecisionStore;
  schedule: Schedule;
  settings: IntakeSettings;
  logger: Logger;
  clock: Clock;
  /**
   * Runs `fn` with a store and an outbox whose writes commit together (one transaction): what
   * processing a message records at its end (attachments, submission, answer, audit, outcome).
   * Without it each write commits by itself. `fn` should do little besides those writes (the
   * answer's MIME is built in it): on SQLite the transaction holds the process's one connection.
   */
  atomically?: <T>(fn: (tx: IntakeWrites) => Promise<T>) => Promise<T>;
  /**
   * Called after an office list of agreed items was recorded (outside its unit of work): the
   * composition runs the follow-up that mails the 交办 notices.
   */
  afterItemsRecorded?: (now: Date) => Promise<void>;
}

/** The ports whose writes a unit of work commits together. */
export type IntakeWrites = Pick<IntakeDeps, 'store' | 'outbox' | 'decisions'>;

export interface ProcessOptions {
  /** Attribute the message to this unit whatever its sender (a released quarantined message). */
  unitId?: string;
  /**
   * The key the answer is queued under (default `reply:<rawId>`): a release answers under its
   * own key (`release:<rawId>:<n>`), since the first processing may have answered already.
   */
  answerKey?: string;
}
