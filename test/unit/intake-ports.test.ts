/**
 * The intake use case against its ports alone: storage and the outbox are kept in memory, the
 * message and the sheet are read by the real readers in-process. What the use case hands the
 * ports is what the storage and mail adapters receive in the integration tests.
 */
import { containerOpener } from '../../src/compose/converters';
import { readDocument } from '../../src/adapters/formats/read-document';
import { sniffFile } from '../../src/adapters/formats/sniff';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { excelTemplateWriter } from '../../src/adapters/excel/template';
import { mimeMailReader } from '../../src/adapters/mail/mail-reader';
import type { IntakeDeps } from '../../src/app/intake/deps';
import { processMessage } from '../../src/app/intake/process-message';
import type {
  IntakeAuditEntry,
  IntakeStore,
  MessageOutcome,
  ReceivedAttachment,
  StoredMessage,
  SubmissionToRecord,
} from '../../src/app/ports/intake-store';
import type { Outbox } from '../../src/app/ports/outbox';
import type { Schedule } from '../../src/config/schedule';
import type { OutgoingMail } from '../../src/domain/mail/outgoing-mail';
import { buildEml } from '../helpers/eml';
import { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { exampleSchedule } from '../helpers/sheets';

const MONDAY_10 = new Date('2021-03-15T02:00:00Z'); // 10:00 in Beijing, before the deadline

class MemoryStore implements IntakeStore {
  messages = new Map<number, StoredMessage>();
  outcomes = new Map<number, MessageOutcome>();
  attachments: ReceivedAttachment[] = [];
  submissions: SubmissionToRecord[] = [];
  audits: IntakeAuditEntry[] = [];
  claims = new Map<string, number>();

  async storedMessage(id: number) {
    return this.messages.get(id) ?? null;
  }
  async recordOutcome(id: number, outcome: MessageOutcome) {
    this.outcomes.set(id, outcome);
  }
  async claimMessageId(claim: { rawMessageId: number; sender: string; messageId: string }) {
    const key = `${claim.sender} ${claim.messageId}`;
    if (!this.claims.has(key)) this.claims.set(key, claim.rawMessageId);
    return this.claims.get(key) as number;
  }
  async recordAttachment(a: ReceivedAttachment) {
    this.attachments.push(a);
  }
  async recordSubmission(s: SubmissionToRecord) {
    this.submissions.push(s);
    return { id: this.submissions.length, current: true, isNew: true };
  }
  async audit(entry: IntakeAuditEntry) {
    this.audits.push(entry);
  }
  async digestsSent(weeks: readonly string[]) {
    return new Map(weeks.map((w) => [w, null] as const));
  }
}

class MemoryOutbox implements Outbox {
  queued = new Map<string, OutgoingMail>();
  async queue(mail: OutgoingMail) {
    if (this.queued.has(mail.key)) return false;
    this.queued.set(mail.key, mail);
    return true;
  }
  async deliver() {
    return 'sent' as const;
  }
  async summary() {
    return null;
  }
  async stored(key: string) {
    return this.queued.get(key) ?? null;
  }
  async withdraw(key: string) {
    return this.queued.delete(key);
  }
}

describe('the intake over its ports', () => {
  let schedule: Schedule;
  let store: MemoryStore;
  let outbox: MemoryOutbox;
  let deps: IntakeDeps;
  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  beforeEach(() => {
    store = new MemoryStore();
    outbox = new MemoryOutbox();
    deps = {
      store,
      outbox,
      mail: mimeMailReader,
      sheets: { read: readDocument, identify: sniffFile },
      containers: containerOpener(),
      templates: excelTemplateWriter,
      decisions: new MemoryDecisionStore(),
      schedule,
      settings: {
        replyToUnknownSenders: true,
        authservId: null,
        maxMessageBytes: 25 * 1024 * 1024,
        from: 'duban-inbox@example.cn',
      },
      logger: pino({ level: 'silent' }),
      clock: { now: () => MONDAY_10 },
    };
  });

  const store1 = (raw: Buffer): void => {
    store.messages.set(1, {
      id: 1,
      raw,
      size: raw.length,
      truncated: false,
      declaredSize: null,
      internalDate: MONDAY_10,
      receivedAt: MONDAY_10,
    });
  };

  it('records a unit’s filled sheet as its submission of the week and queues one receipt', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await excelTemplateWriter.write({
        schedule,
        unitId: 'jiaoyu',
        week: '2021-03-15',
      })) as unknown as ExcelJS.Buffer,
    );
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    ws.getCell('F6').value =
      '项目审批方面：无\n资金概算方面：无\n规划用地方面：无\n工程施工方面：无\n群众工作方面：无';
    ws.getCell('G6').value = '区财政局';
    ws.getCell('H6').value = '已完成清算初审。';
    ws.getCell('I6').value = '按计划推进。';
    const sheet = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    store1(
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        messageId: '<sheet-1@example.cn>',
        attachments: [{ filename: '问题清单.xlsx', content: sheet }],
      }),
    );
    const outcome = await processMessage(deps, 1);

    expect(outcome).toMatchObject({ unit: 'jiaoyu', week: '2021-03-15', late: false });
    expect(outcome.replies).toEqual([expect.objectContaining({ kind: 'receipt' })]);
    expect(store.submissions).toEqual([
      expect.objectContaining({ unitId: 'jiaoyu', reportingWeek: '2021-03-15', rawMessageId: 1 }),
    ]);
    expect(store.attachments).toEqual([
      expect.objectContaining({ ordinal: 0, filename: '问题清单.xlsx', keepBytes: true }),
    ]);
    expect(store.outcomes.get(1)).toMatchObject({
      outcome: outcome.outcome,
      fromAddress: 'jiaoyu@example.cn',
      messageId: '<sheet-1@example.cn>',
    });
    expect([...outbox.queued.keys()]).toEqual(outcome.mailKeys);
    expect(outbox.queued.get(outcome.mailKeys[0] as string)).toMatchObject({
      inReplyTo: '<sheet-1@example.cn>',
      to: [expect.objectContaining({ address: 'jiaoyu@example.cn' })],
      unitId: 'jiaoyu',
      reportingWeek: '2021-03-15',
    });
  });

  it('quarantines an unknown sender, answers neutrally and records no submission', async () => {
    store1(await buildEml({ from: '某人 <someone@example.org>', messageId: '<x-1@example.org>' }));
    const outcome = await processMessage(deps, 1);

    expect(outcome).toMatchObject({ outcome: 'quarantined', reason: 'UNKNOWN_SENDER', unit: null });
    expect(store.submissions).toEqual([]);
    expect(store.audits).toEqual([
      { event: 'message.quarantined', rawMessageId: 1, details: { reason: 'UNKNOWN_SENDER' } },
    ]);
    expect([...outbox.queued.values()]).toEqual([
      expect.objectContaining({ kind: 'unknown_sender', rawMessageId: 1 }),
    ]);
  });
});
