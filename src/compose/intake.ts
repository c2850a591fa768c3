/**
 * The intake's ports plugged into their adapters: the storage over a Db, the outbox over the
 * outgoing_mails table and a transport, the sandboxed sheet reader, exceljs for templates and
 * mailparser for messages. Used by the runtime and by the tests' intake harness; the week's use
 * cases are wired in week-deps.ts.
 */
import { excelTemplateWriter } from '../adapters/excel/template';
import { mimeMailReader } from '../adapters/mail/mail-reader';
import { MailOutbox, type DeliverDeps } from '../adapters/mail/outbox';
import { inTransaction } from '../adapters/storage/codecs';
import { DbIntakeStore } from '../adapters/storage/intake-store';
import type { IntakeDeps, IntakeSettings } from '../app/intake/deps';
import type { SheetReader } from '../app/ports/sheet-reader';
import type { Schedule } from '../config/schedule';
import { decisionStoreOver } from './decisions';
import { containerOpener } from './converters';

export interface IntakeWiring extends DeliverDeps {
  sheets: SheetReader;
  schedule: Schedule;
  settings: IntakeSettings;
}

export function intakeDepsOver(w: IntakeWiring): IntakeDeps {
  return {
    store: new DbIntakeStore(w.db),
    outbox: new MailOutbox(w),
    mail: mimeMailReader,
    sheets: w.sheets,
    containers: containerOpener(),
    templates: excelTemplateWriter,
    decisions: decisionStoreOver(w.db, w.schedule),
    schedule: w.schedule,
    settings: w.settings,
    logger: w.logger,
    clock: { now: w.now },
    // One commit per processed message instead of one per write (bench/README.md, Intake).
    atomically: (fn) =>
      inTransaction(w.db, (tx) =>
        fn({
          store: new DbIntakeStore(tx),
          outbox: new MailOutbox({ ...w, db: tx }),
          decisions: decisionStoreOver(tx, w.schedule),
        }),
      ),
  };
}
