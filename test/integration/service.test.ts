/**
 * The whole service on real parts: a private Dovecot mailbox, the machine's Redis (a queue
 * prefix of its own), an SMTP server capturing what is sent, and SQLite or PostgreSQL. Mail is
 * appended over IMAP exactly as a client delivers it; answers are read off the SMTP server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import pino from 'pino';
import { writeTemplate } from '../../src/adapters/excel/template';
import { outboundJobId } from '../../src/adapters/queue';
import { getMail } from '../../src/adapters/storage';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { startService, type Service } from '../../src/compose/service';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { useDovecot } from '../helpers/dovecot';
import { buildEml } from '../helpers/eml';
import { exampleSchedule } from '../helpers/sheets';
import { parseCaptured, startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

async function sheetFor(schedule: Schedule, unitId: string, progress: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({ schedule, unitId, week: '2021-03-15' })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  ws.getCell('F6').value = '项目审批方面：无\n资金概算方面：资金缺口约200万元。';
  ws.getCell('G6').value = '区财政局';
  ws.getCell('H6').value = progress;
  ws.getCell('I6').value = '建议尽快安排资金。';
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe.each(TEST_DIALECTS)('the service on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dovecot = useDovecot();
  let smtp: TestSmtpServer;
  let schedule: Schedule;
  let runtime: Runtime;
  let service: Service;

  beforeAll(async () => {
    schedule = await exampleSchedule();
    smtp = await startTestSmtpServer();
    const d = dovecot.server;
    runtime = await openRuntime({
      schedule,
      env: {
        DATABASE_URL: t.url,
        IMAP_HOST: d.host,
        IMAP_PORT: String(d.port),
        IMAP_SECURE: 'false',
        IMAP_USER: d.user,
        IMAP_PASSWORD: d.password,
        SMTP_URL: smtp.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        DUBAN_QUEUE_PREFIX: `test-${randomBytes(6).toString('hex')}`,
        RETRY_DELAY_MS: '200',
      },
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'duban-service-')),
      logger: pino({ level: 'silent' }),
    });
    service = await startService(runtime, {
      roles: ['watcher', 'intake', 'outbound', 'sweeper'],
      sweepEveryMs: 1000,
    });
  });

  afterAll(async () => {
    await service?.queues.intake.obliterate({ force: true }).catch(() => undefined);
    await service?.queues.outbound.obliterate({ force: true }).catch(() => undefined);
    await service?.stop(5_000);
    await runtime?.close();
    await smtp?.close();
  });

  const outcomeOf = async (messageId: string): Promise<string[]> => {
    const rows = await runtime.db.kysely
      .selectFrom('raw_messages')
      .select('outcome')
      .where('message_id', '=', messageId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.outcome ?? 'pending');
  };

  it('answers a sheet appended to the mailbox with one receipt, in the thread', async () => {
    const raw = await buildEml({
      from: '区教育局 <jiaoyu@example.cn>',
      messageId: '<svc-1@example.cn>',
      attachments: [
        { filename: '问题清单.xlsx', content: await sheetFor(schedule, 'jiaoyu', '进展一。') },
      ],
    });
    const before = smtp.messages.length;
    await dovecot.server.append('INBOX', raw);
    const [mail] = (await smtp.waitForMessages(before + 1)).slice(before);
    expect(mail?.rcptTo).toEqual(['jiaoyu@example.cn']);
    const parsed = await parseCaptured(mail as NonNullable<typeof mail>);
    expect(parsed.subject).toMatch(/^已收到：区教育局/);
    expect(parsed.inReplyTo).toBe('<svc-1@example.cn>');
    expect(await outcomeOf('<svc-1@example.cn>')).toEqual(['accepted']);
  });

  it('delivers the receipt from the intake job itself, without an outbound job', async () => {
    const raw = await buildEml({
      from: 'jiaotong@example.cn',
      messageId: '<svc-inline@example.cn>',
      attachments: [
        { filename: '问题清单.xlsx', content: await sheetFor(schedule, 'jiaotong', '进展。') },
      ],
    });
    const before = smtp.messages.length;
    await dovecot.server.append('INBOX', raw);
    await smtp.waitForMessages(before + 1);
    const row = await until('the raw message', async () =>
      runtime.db.kysely
        .selectFrom('raw_messages')
        .select('id')
        .where('message_id', '=', '<svc-inline@example.cn>')
        .executeTakeFirst(),
    );
    const key = `reply:${row.id}`;
    const sent = await until('the receipt recorded as sent', async () => {
      const m = await getMail(runtime.db, key);
      return m?.status === 'sent' && m;
    });
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await service.queues.outbound.getJob(outboundJobId(key))).toBeUndefined();
  });

  it('answers the same message delivered twice (same Message-ID, new UID) once', async () => {
    const raw = await buildEml({
      from: 'weijian@example.cn',
      messageId: '<svc-2@example.cn>',
      attachments: [
        { filename: 'x.xlsx', content: await sheetFor(schedule, 'weijian', '进展二。') },
      ],
    });
    const relayed = Buffer.concat([
      Buffer.from('Received: from relay.example.cn; Mon, 15 Mar 2021 10:00:00 +0800\r\n'),
      raw,
    ]);
    const before = smtp.messages.length;
    await dovecot.server.append('INBOX', raw);
    await dovecot.server.append('INBOX', raw); // identical bytes: stored once
    await dovecot.server.append('INBOX', relayed); // other headers: recognised by Message-ID
    await until('both copies processed', async () => {
      const o = await outcomeOf('<svc-2@example.cn>');
      return o.length === 2 && !o.includes('pending') && o;
    });
    expect(await outcomeOf('<svc-2@example.cn>')).toEqual(['accepted', 'duplicate']);
    await smtp.waitForMessages(before + 1);
    // Give a second receipt, if there were one, time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.length - before).toBe(1);
  });

  it('retries an SMTP 4xx with backoff and delivers exactly one receipt', async () => {
    smtp.failNext(2, 451, 'greylisted, try again later');
    const refusedBefore = smtp.refused.length;
    const before = smtp.messages.length;
    await dovecot.server.append(
      'INBOX',
      await buildEml({
        from: 'nongshui@example.cn',
        messageId: '<svc-3@example.cn>',
        attachments: [
          { filename: 'x.xlsx', content: await sheetFor(schedule, 'nongshui', '进展三。') },
        ],
      }),
    );
    await smtp.waitForMessages(before + 1, 30_000);
    expect(smtp.refused.length - refusedBefore).toBe(2);
    const id = await until('the raw message', async () =>
      runtime.db.kysely
        .selectFrom('raw_messages')
        .select('id')
        .where('message_id', '=', '<svc-3@example.cn>')
        .executeTakeFirst(),
    );
    const mail = await until('the receipt recorded as sent', async () => {
      const m = await getMail(runtime.db, `reply:${id.id}`);
      return m?.status === 'sent' && m;
    });
    expect(mail).toMatchObject({ status: 'sent', attempts: 3 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages.length - before).toBe(1);
  });

  it('records our own receipt, injected back into the mailbox, without answering it', async () => {
    const ours = smtp.messages[0];
    if (!ours) throw new Error('no receipt captured yet');
    const parsed = await parseCaptured(ours);
    const before = smtp.messages.length;
    await dovecot.server.append('INBOX', ours.raw);
    const messageId = parsed.messageId as string;
    await until('the injected receipt processed', async () => {
      const o = await outcomeOf(messageId);
      return o.length === 1 && o[0] !== 'pending';
    });
    expect(await outcomeOf(messageId)).toEqual(['ignored']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.messages.length).toBe(before);
  });
});
