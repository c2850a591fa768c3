/**
 * Wiring for the week's use cases (status, reminders, digest, schedule reload): builds their
 * ports from a database, a transport and the running service.
 */
import { excelDigestWorkbookWriter } from '../adapters/excel/digest-workbook';
import { excelTemplateWriter } from '../adapters/excel/template';
import { decisionStoreOver } from './decisions';
import { scheduleFile } from '../adapters/files/schedule-file';
import { MailOutbox, type DeliverDeps } from '../adapters/mail/outbox';
import { StorageWeekReads, type Db } from '../adapters/storage';
import type { Schedule } from '../config/schedule';
import type { DigestBuildDeps, DigestSendDeps } from '../app/digest';
import type { Outbox } from '../app/ports/outbox';
import type { WeekReads } from '../app/ports/week-reads';
import type { PreviewDeps, ReminderDeps } from '../app/reminders';
import type { ScheduleReloadDeps } from '../app/schedule-reload';
import type { Runtime } from './runtime';

/** The Outbox port over the database and a transport. */
export function outboxFor(deps: DeliverDeps): Outbox {
  return new MailOutbox(deps);
}

/** The week reads over a database. */
export function weekReadsOver(db: Db): WeekReads {
  return new StorageWeekReads(db);
}

/**
 * What building a digest needs (a preview: nothing is sent). `publicUrl`: the console's address
 * when PUBLIC_URL is set (a compact digest links to it).
 */
export function digestBuildDepsOver(db: Db, publicUrl?: string): DigestBuildDeps {
  return {
    reads: weekReadsOver(db),
    workbooks: excelDigestWorkbookWriter,
    decisions: decisionStoreOver(db),
    ...(publicUrl ? { consoleUrl: publicUrl } : {}),
  };
}

/** What sending a digest needs, from the database, the transport and the sender's settings. */
export function digestSendDepsOver(
  parts: DeliverDeps & { schedule: Schedule; from: string; claimedBy: string; publicUrl?: string },
): DigestSendDeps {
  return {
    ...digestBuildDepsOver(parts.db, parts.publicUrl),
    outbox: outboxFor(parts),
    clock: { now: parts.now },
    schedule: parts.schedule,
    from: parts.from,
    claimedBy: parts.claimedBy,
  };
}

/** What sending reminders needs; the outbox takes the moment of each run. */
export function reminderDepsOver(
  parts: Omit<DeliverDeps, 'now'> & {
    schedule: Schedule;
    from: string;
    workerName: string;
    enqueueOutbound?: (mailKey: string) => Promise<void>;
  },
): ReminderDeps {
  return {
    reads: weekReadsOver(parts.db),
    templates: excelTemplateWriter,
    decisions: decisionStoreOver(parts.db),
    outboxAt: (now) => outboxFor({ ...parts, now: () => now }),
    schedule: parts.schedule,
    logger: parts.logger,
    from: parts.from,
    workerName: parts.workerName,
    ...(parts.enqueueOutbound ? { enqueueOutbound: parts.enqueueOutbound } : {}),
  };
}

/** What previewing reminders needs (nothing is stored or sent). */
export function reminderPreviewDepsOver(db: Db, schedule: Schedule, from: string): PreviewDeps {
  return {
    reads: weekReadsOver(db),
    templates: excelTemplateWriter,
    decisions: decisionStoreOver(db),
    schedule,
    from,
  };
}

/**
 * Reminder deps from the running service. Read again for every job: the schedule is
 * runtime.schedule at that moment, so a reloaded schedule applies from the next job on.
 */
export function reminderDeps(
  runtime: Runtime,
  enqueueOutbound?: (mailKey: string) => Promise<void>,
): ReminderDeps {
  const deliver = runtime.deliverDeps();
  // As before the ports: reminders are claimed with the default lease.
  return reminderDepsOver({
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

/** What reloading the schedule file needs from the running service. */
export function scheduleReloadDeps(
  runtime: Pick<Runtime, 'schedule' | 'logger' | 'now' | 'workerName' | 'deliverDeps' | 'intake'>,
  file: string,
  displayName: string = file,
): ScheduleReloadDeps {
  return {
    source: scheduleFile(file, displayName),
    running: {
      get: () => runtime.schedule,
      set: (schedule) => {
        runtime.schedule = schedule;
      },
    },
    logger: runtime.logger,
    clock: { now: () => runtime.now() },
    // The outbox's clock is the moment of the refusal (as `now` of the reload).
    outboxAt: (now) => outboxFor({ ...runtime.deliverDeps(), now: () => now }),
    from: runtime.intake.from,
    claimedBy: `${runtime.workerName}:config-error`,
  };
}
