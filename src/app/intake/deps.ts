/** What processing a message needs: ports, the schedule, the intake settings, a logger, a clock. */
import type { Schedule } from '../../config/schedule';
import type { Logger } from '../../log';
import type { Clock } from '../ports/clock';
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
  templates: TemplateWriter;
  schedule: Schedule;
  settings: IntakeSettings;
  logger: Logger;
  clock: Clock;
}

export interface ProcessOptions {
  /** Attribute the message to this unit whatever its sender (a released quarantined message). */
  unitId?: string;
}
