/**
 * What the console needs from the running service. Route modules take what they need from it
 * (their factories are called by routes/index.ts with these deps); a module that needs more adds
 * an optional field here with a comment, and the `web` role (src/compose/web.ts) fills it.
 */
import type { Db } from '../storage';
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
}
