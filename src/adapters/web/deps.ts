/**
 * What the console needs from the running service. Route modules take what they need from it
 * (their factories are called by routes/index.ts with these deps); a module that needs more adds
 * an optional field here with a comment, and the `web` role (src/compose/web.ts) fills it.
 */
import type { Db } from '../storage';
import type { DecisionMailDeps } from '../../app/decisions/deps';
import type { DecisionStore } from '../../app/ports/decision-store';
import type { Schedule } from '../../config/schedule';
import type { WebEnv } from '../../config/env/web';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import type { Logger } from '../../log';
import type { OfficeDeps } from './routes/office';
import type { OperatorDeps } from './routes/operator';
import type { OpsRouteDeps } from './routes/ops';

export interface WebDeps {
  db: Db;
  /** The schedule in force now (a reload applies to the next request). */
  schedule(): Schedule;
  now(): Date;
  /** HTTP_HOST, HTTP_PORT, PUBLIC_URL, CONSOLE_IDLE_MINUTES. */
  web: WebEnv;
  /** MAIL_FROM: the sender of sign-in links. */
  mailFrom: string;
  /** Queues a mail in the outbox and hands it to delivery. */
  sendMail(mail: OutgoingMail): Promise<void>;
  logger: Logger;
  /** The office pages' ports (src/compose/office.ts); without them those pages are not served. */
  office?: OfficeDeps;
  /** /healthz, /readyz, /metrics (no sign-in, no data); without them they are not served. */
  operator?: OperatorDeps;
  /** The admin's /ops page. */
  ops?: OpsRouteDeps;
  /**
   * The agreed items (议定事项) and the ledger (督办台账): /decisions, /ledger (the `web` role
   * always fills it; without it those pages are not served).
   */
  decisions?: DecisionStore;
  /** The outbox and sender of the send-back notice; without them /decisions/<id>/send-back is refused. */
  decisionMail?: () => Omit<DecisionMailDeps, 'decisions' | 'schedule'>;
}
