/**
 * The composition root: builds what the service and the intake commands need from the
 * environment and the schedule, and closes it in order. Configuration problems surface here, as
 * DubanErrors listing every problem, before anything starts.
 */
import * as os from 'node:os';
import { SheetReaderPool } from '../adapters/excel/sandbox';
import { DocumentReader } from '../adapters/formats/document-reader';
import { documentConverter } from './converters';
import {
  createMailTransport,
  describeMailSettings,
  type MailSettings,
  type MailTransport,
} from '../adapters/mail/transport';
import { openDatabaseFor, type DatabaseUse, type Db } from '../adapters/storage';
import {
  loadConfig,
  type DubanConfig,
  type ImapConfig,
  type ServiceEnv,
  type WebEnv,
} from '../config/env';
import type { Schedule } from '../config/schedule';
import type { Logger } from '../log';
import type { IntakeDeps, IntakeSettings } from '../app/intake/deps';
import type { Outbox } from '../app/ports/outbox';
import { MailOutbox, type DeliverDeps } from '../adapters/mail/outbox';
import { intakeDepsOver } from './intake';
import { followUpDeps } from './follow-up-deps';
import { runFollowUp } from '../app/decisions/follow-up';
import type { LastReload } from '../app/schedule-reload';

export interface Runtime {
  schedule: Schedule;
  /**
   * The schedule reloader's last reload, once `duban serve` has started it (the console's
   * schedule page shows it); null before.
   */
  lastReload: () => LastReload | null;
  db: Db;
  sheets: SheetReaderPool;
  mail: MailSettings;
  transport: MailTransport;
  service: ServiceEnv;
  imap: ImapConfig | null;
  /** The console's settings (the `web` role). */
  web: WebEnv;
  intake: IntakeSettings;
  logger: Logger;
  now(): Date;
  /** A name for this process in claims and job records. */
  workerName: string;
  /** Where every automatic mail is queued and from where it is delivered. */
  outbox: Outbox;
  /** The intake's ports, with the schedule as it is now (a reload applies to the next job). */
  intakeDeps(): IntakeDeps;
  /** For the use cases that still send through the storage functions (digest, reminders). */
  deliverDeps(): DeliverDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  schedule: Schedule;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logger: Logger;
  now?: () => Date;
  /**
   * Sandbox workers for sheets (default: one per core, at most one per concurrent intake job,
   * since each job reads one sheet at a time).
   */
  sheetWorkers?: number;
  /** The environment already read by loadConfig (else it is read from `env` here). */
  config?: DubanConfig;
  /** Start the sheet readers at once (a service) rather than at the first sheet (a command). */
  warmSheetReaders?: boolean;
  /**
   * What the database must be (src/adapters/storage/database-use.ts); default `create`: created
   * when missing and migrated, as the service does.
   */
  database?: DatabaseUse;
}

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { schedule, env, cwd, logger } = opts;
  // Every configuration problem first, all listed at once, before any connection is opened.
  const { imap, service, mail, database, web } =
    opts.config ?? loadConfig(env, { mailbox: schedule.programme.mailbox, cwd });
  for (const warning of mail.warnings) logger.warn({ warning }, 'mail settings');
  const db = await openDatabaseFor(database.url, opts.database ?? 'create', { cwd });
  const transport = createMailTransport(mail);
  const sheets = new SheetReaderPool(
    opts.sheetWorkers ??
      Math.max(1, Math.min(os.availableParallelism(), service.intakeConcurrency)),
  );
  if (opts.warmSheetReaders) sheets.warm();
  const reader = new DocumentReader(
    (bytes, options) => sheets.read(bytes, options),
    documentConverter(logger),
  );
  const now = opts.now ?? (() => new Date());
  const intake: IntakeSettings = {
    replyToUnknownSenders: service.replyToUnknownSenders,
    authservId: service.authservId,
    maxMessageBytes: imap?.maxMessageBytes ?? 25 * 1024 * 1024,
    from: mail.from,
  };
  const wiring: DeliverDeps = {
    db,
    transport,
    logger,
    now,
    dailyCap: mail.dailyCap,
    claimLeaseMs: service.mailClaimLeaseMs,
  };
  const outbox = new MailOutbox(wiring);
  logger.info({ database: db.description, mail: describeMailSettings(mail) }, 'runtime ready');
  const runtime: Runtime = {
    schedule,
    lastReload: () => null,
    db,
    sheets,
    mail,
    transport,
    service,
    imap,
    web,
    intake,
    logger,
    now,
    workerName: `${os.hostname()}:${process.pid}`,
    outbox,
    intakeDeps: () => ({
      ...intakeDepsOver({
        ...wiring,
        sheets: reader,
        schedule: runtime.schedule,
        settings: intake,
      }),
      // A meeting's items just recorded: their 交办 notices go out at once (the daily run would
      // send them too; the keys make it once). A mail that meets a 4xx is left to the sweeper.
      afterItemsRecorded: async (at: Date) => {
        await runFollowUp(followUpDeps(runtime), at);
      },
    }),
    deliverDeps: () => ({ ...wiring }),
    async close() {
      // Each step runs even when one before it fails.
      const steps = [() => sheets.close(), () => transport.close(), () => db.close()];
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          logger.error({ err }, 'error while closing');
        }
      }
    },
  };
  return runtime;
}
