/**
 * An intake without queues, for tests: store a raw message, process it, deliver the answers into
 * a file outbox, and read back what was sent. Uses the real parser, sandbox, storage and mail
 * composition.
 */
import { DocumentReader } from '../../src/adapters/formats/document-reader';
import { documentConverter } from '../../src/compose/converters';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SheetReaderPool } from '../../src/adapters/excel/sandbox';
import { createMailTransport, type MailTransport } from '../../src/adapters/mail/transport';
import { storeRawMessage, type Db } from '../../src/adapters/storage';
import type { IntakeDeps } from '../../src/app/intake/deps';
import {
  processMessage,
  type IntakeOutcome,
  type IntakeSettings,
} from '../../src/app/intake/process-message';
import { intakeDepsOver } from '../../src/compose/intake';
import type { Schedule } from '../../src/config/schedule';

export interface SentMail {
  file: string;
  raw: Buffer;
  parsed: ParsedMail;
}

export interface IntakeHarness {
  pool: SheetReaderPool;
  outbox: string;
  transport: MailTransport;
  /** Stores and processes a message; delivers its answers; returns the outcome. */
  ingest(
    db: Db,
    raw: Buffer,
    opts?: { internalDate?: Date; now?: Date; unitId?: string; settings?: Partial<IntakeSettings> },
  ): Promise<IntakeOutcome & { rawMessageId: number; mails: SentMail[] }>;
  /** Processes a stored message again (a job run a second time); delivers nothing. */
  reprocess(db: Db, rawMessageId: number, opts?: { now?: Date }): Promise<IntakeOutcome>;
  /** Every mail written to the outbox so far, by file name (the time it was sent for). */
  sent(): Promise<SentMail[]>;
  close(): Promise<void>;
}

export const TEST_SETTINGS: IntakeSettings = {
  replyToUnknownSenders: true,
  authservId: null,
  maxMessageBytes: 25 * 1024 * 1024,
  from: 'duban-inbox@example.cn',
};

/** Ports a test puts in place of the real ones (the decision store also in the unit of work). */
export type IntakeOverrides = Partial<
  Pick<IntakeDeps, 'sheets' | 'decisions' | 'afterItemsRecorded'>
>;

export function createIntakeHarness(
  schedule: () => Schedule,
  overrides: IntakeOverrides = {},
): IntakeHarness {
  const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-outbox-'));
  const transport = createMailTransport({
    transport: { mode: 'outbox', dir: outbox },
    from: TEST_SETTINGS.from,
    dailyCap: 1000,
    warnings: [],
  });
  const pool = new SheetReaderPool(1);
  const logger = pino({ level: 'silent' });
  const emlFiles = (): string[] =>
    fs
      .readdirSync(outbox)
      .filter((f) => f.endsWith('.eml'))
      .sort();
  const read = (files: string[]): Promise<SentMail[]> =>
    Promise.all(
      files.map(async (f) => {
        const raw = fs.readFileSync(path.join(outbox, f));
        return { file: f, raw, parsed: await simpleParser(raw) };
      }),
    );
  let counter = 0;
  // A fresh UIDVALIDITY per harness keeps IMAP locations unique across tests sharing a database.
  const uidvalidity = 1 + Math.floor(Math.random() * 4_000_000_000);
  const depsFor = (db: Db, now: Date, settings?: Partial<IntakeSettings>): IntakeDeps =>
    withOverrides(
      intakeDepsOver({
        db,
        transport,
        sheets: new DocumentReader(
          (bytes, options) => pool.read(bytes, options),
          documentConverter(),
        ),
        schedule: schedule(),
        settings: { ...TEST_SETTINGS, ...settings },
        logger,
        now: () => now,
        dailyCap: 1000,
      }),
      overrides,
    );
  return {
    pool,
    outbox,
    transport,
    reprocess(db, rawMessageId, opts = {}) {
      return processMessage(
        depsFor(db, opts.now ?? new Date('2021-03-15T03:00:00Z')),
        rawMessageId,
      );
    },
    async ingest(db, raw, opts = {}) {
      const now = opts.now ?? opts.internalDate ?? new Date('2021-03-15T03:00:00Z');
      const stored = await storeRawMessage(db, {
        raw,
        source: opts.internalDate ? 'imap' : 'file',
        ...(opts.internalDate
          ? {
              account: 'inbox@example.test',
              mailbox: 'INBOX',
              uidvalidity,
              uid: ++counter,
              internalDate: opts.internalDate,
            }
          : { fileName: 'test.eml' }),
        receivedAt: now,
      });
      if (!stored.isNew) throw new Error('test message stored twice');
      const deps = depsFor(db, now, opts.settings);
      const outcome = await processMessage(
        deps,
        stored.id,
        opts.unitId ? { unitId: opts.unitId } : {},
      );
      const before = new Set(emlFiles());
      for (const key of outcome.mailKeys) await deps.outbox.deliver(key, `test:${key}`);
      const mails = await read(emlFiles().filter((f) => !before.has(f)));
      return { ...outcome, rawMessageId: stored.id, mails };
    },
    async sent() {
      return read(emlFiles());
    },
    async close() {
      await pool.close();
      await transport.close();
    },
  };
}

function withOverrides(deps: IntakeDeps, o: IntakeOverrides): IntakeDeps {
  const { decisions } = o;
  const atomically = deps.atomically;
  return {
    ...deps,
    ...o,
    ...(decisions && atomically
      ? {
          atomically: <T>(fn: Parameters<typeof atomically<T>>[0]) =>
            atomically((tx) => fn({ ...tx, decisions })),
        }
      : {}),
  };
}
