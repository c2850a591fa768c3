/**
 * Sending exactly once, against a real SMTP server (in-process smtp-server) and the real
 * database on SQLite and PostgreSQL: what reaches the wire, how often, and what is recorded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { getMail } from '../../src/adapters/storage';
import {
  mailAddress,
  replyMail,
  sendMail,
  type MailAddress,
  type OutgoingMail,
  type SendOptions,
} from '../../src/adapters/mail/send';
import { createMailTransport, type MailTransport } from '../../src/adapters/mail/transport';
import { smtpConfigFromEnv } from '../../src/config/env/smtp';
import type { Schedule } from '../../src/config/schedule';
import {
  composeCorrectionRequest,
  composeReceipt,
  noAttachmentIssue,
  type ReplyContext,
} from '../../src/domain/intake/replies';
import type { ParsedSheet } from '../../src/domain/sheet/parse';
import { issue } from '../../src/errors';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';
import {
  headerFields,
  parseCaptured,
  startTestSmtpServer,
  type TestSmtpServer,
} from '../helpers/smtp';

const MAILBOX = 'duban-inbox@example.cn';
const T0 = new Date('2021-03-15T02:05:00.000Z');
const hours = (n: number): Date => new Date(T0.getTime() + n * 3_600_000);

/** A pino logger writing JSON lines into `lines`, to assert on what is (and is not) logged. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const sheet: ParsedSheet = {
  ok: true,
  format: 'xlsx',
  sheet: '问题清单',
  unit: '区教育局',
  filledOn: '2021-03-15',
  projects: [
    {
      name: '锦川实验小学项目',
      projectId: 'p1',
      cell: 'B6',
      leadUnits: ['教育局'],
      targets: [{ text: '项目重新开工', due: null, dueText: '月底', cell: 'E9', status: null }],
      problems: {
        approval: '待审批',
        funding: null,
        land: null,
        construction: null,
        community: null,
      },
      uncategorizedProblems: null,
      responsibleDepartments: ['区财政局'],
      progress: '已协调',
      nextSteps: '加快推进',
    },
  ],
  issues: [issue('DUE_DATE_UNREADABLE', '完成时限“月底”无法识别为日期，请填写如“3月31日”。', 'E9')],
};

let schedule: Schedule;
let from: MailAddress;
beforeAll(async () => {
  schedule = await exampleSchedule();
  from = mailAddress(MAILBOX, schedule.programme.signature);
});

function context(address: string, over: Partial<ReplyContext> = {}): ReplyContext {
  const unit = schedule.units.find((u) => u.id === 'jiaoyu') ?? null;
  return {
    schedule,
    unit,
    reportingWeek: '2021-03-15',
    late: false,
    deadline: '2021-03-15T18:00:00+08:00',
    receivedAt: '2021-03-15T02:02:00.000Z',
    original: {
      messageId: '<orig-1@mail.example.cn>',
      references: ['<root-1@mail.example.cn>'],
      subject: '问题清单',
      from: { address, name: '教育局' },
    },
    attachments: [{ filename: '问题清单.xlsx', used: true }],
    ...over,
  };
}

function receipt(key: string, address: string): OutgoingMail {
  const reply = composeReceipt(
    context(address),
    [{ filename: '问题清单.xlsx', parsed: sheet }],
    T0,
  );
  return replyMail(reply, { key, from, unitId: 'jiaoyu', reportingWeek: '2021-03-15' });
}

describe.each(TEST_DIALECTS)('sending mail on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let log: ReturnType<typeof capturingLogger>;
  let attempt = 0;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    transport = createMailTransport(
      smtpConfigFromEnv({ SMTP_URL: smtp.url }, { mailbox: MAILBOX }),
    );
  });
  afterAll(async () => {
    await transport?.close();
    await smtp?.close();
  });
  beforeEach(() => {
    smtp.messages.splice(0);
    smtp.refused.splice(0);
    log = capturingLogger();
  });

  function options(over: Partial<SendOptions> = {}): SendOptions {
    attempt += 1;
    return { claimedBy: `test:${attempt}`, now: T0, logger: log.logger, ...over };
  }

  it('delivers a receipt once, threaded, with the automatic-mail headers and Chinese text', async () => {
    const mail = receipt('receipt:headers', 'jiaoyu@example.cn');
    expect(await sendMail(t.db, transport, mail, options())).toBe('sent');

    expect(smtp.messages).toHaveLength(1);
    const [wire] = smtp.messages;
    if (!wire) throw new Error('no message');
    expect(wire.mailFrom).toBe(MAILBOX);
    expect(wire.rcptTo).toEqual(['jiaoyu@example.cn']);
    const parsed = await parseCaptured(wire);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(parsed.inReplyTo).toBe('<orig-1@mail.example.cn>');
    expect(parsed.references).toEqual(['<root-1@mail.example.cn>', '<orig-1@mail.example.cn>']);
    expect(parsed.messageId).toMatch(/^<duban\.[0-9a-f]{32}@example\.cn>$/);
    expect(parsed.date?.toISOString()).toBe(T0.toISOString());
    expect(parsed.subject).toBe('已收到：区教育局 2021年3月15日当周问题清单');
    expect(parsed.from?.value).toEqual([{ name: '联合会议办公室', address: MAILBOX }]);
    expect(parsed.text).toContain('E9：完成时限“月底”无法识别为日期，请填写如“3月31日”。');
    expect(parsed.text).toContain('报送情况：按时（截止时间为2021年3月15日（星期一）18:00）');
    expect(parsed.html).toContain('<li>E9：完成时限“月底”无法识别为日期');

    const row = await getMail(t.db, 'receipt:headers');
    expect(row).toMatchObject({
      status: 'sent',
      kind: 'receipt',
      attempts: 1,
      unit_id: 'jiaoyu',
      reporting_week: '2021-03-15',
      sent_at: T0.toISOString(),
    });
    expect(row?.smtp_response).toMatch(/^250 /);
    // The record holds the very bytes that went over the wire.
    expect(row?.eml?.equals(wire.raw)).toBe(true);
    expect(JSON.parse(row?.recipients_json ?? 'null')).toMatchObject({
      rcpt: ['jiaoyu@example.cn'],
      autoSubmitted: 'auto-replied',
    });
    // Logs say what happened, never what the mail said.
    expect(log.lines.join('\n')).toContain('"msg":"mail sent"');
    expect(log.lines.join('\n')).not.toMatch(/月底|问题清单|区教育局/u);
  });

  it('sends the same mail once however often it is asked to', async () => {
    const mail = receipt('receipt:twice', 'twice@example.cn');
    expect(await sendMail(t.db, transport, mail, options())).toBe('sent');
    expect(await sendMail(t.db, transport, mail, options())).toBe('already_sent');
    expect(await sendMail(t.db, transport, mail, options({ now: hours(1) }))).toBe('already_sent');
    expect(smtp.messages).toHaveLength(1);
  });

  it('puts one message on the wire when two workers send the same mail at once', async () => {
    const other = await t.open();
    for (let round = 0; round < 5; round++) {
      const mail = receipt(`receipt:race:${round}`, `race${round}@example.cn`);
      const outcomes = await Promise.all([
        sendMail(t.db, transport, mail, options()),
        sendMail(other, transport, mail, options()),
      ]);
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'sent')[0]).toMatch(/^(claimed_elsewhere|already_sent)$/);
    }
    expect(smtp.messages).toHaveLength(5);
  });

  it('retries after 4xx answers and delivers exactly once when the server accepts', async () => {
    smtp.failNext(2, 451, 'Greylisted, try again later');
    const mail = receipt('receipt:greylisted', 'grey@example.cn');
    expect(await sendMail(t.db, transport, mail, options())).toBe('retry');
    expect(await getMail(t.db, mail.key)).toMatchObject({ status: 'retrying' });
    const retrying = await getMail(t.db, mail.key);
    expect(retrying?.error).toMatch(/^SMTP_TEMPORARY_FAILURE: /);
    expect(retrying?.smtp_response).toMatch(/^451 /);
    expect(await sendMail(t.db, transport, mail, options({ now: hours(0.1) }))).toBe('retry');
    expect(await sendMail(t.db, transport, mail, options({ now: hours(0.5) }))).toBe('sent');
    expect(await sendMail(t.db, transport, mail, options({ now: hours(1) }))).toBe('already_sent');

    expect(smtp.refused.map((m) => m.code)).toEqual([451, 451]);
    expect(smtp.messages).toHaveLength(1);
    expect(await getMail(t.db, mail.key)).toMatchObject({
      status: 'sent',
      attempts: 3,
      error: null,
    });
  });

  it('records a 5xx refusal with the server response and does not retry it', async () => {
    smtp.failNext(1, 550, '5.7.1 Message refused by policy');
    const mail = receipt('receipt:refused', 'refused@example.cn');
    expect(await sendMail(t.db, transport, mail, options())).toBe('failed');
    const row = await getMail(t.db, mail.key);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row?.error).toMatch(/^SMTP_REJECTED: /);
    expect(row?.smtp_response).toBe('550 5.7.1 Message refused by policy');

    // A duplicated or retried job does not try again.
    expect(await sendMail(t.db, transport, mail, options({ now: hours(1) }))).toBe('failed');
    expect(smtp.refused).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
    expect(log.lines.join('\n')).toContain('"code":"SMTP_REJECTED"');

    // An admin's deliberate re-run does.
    expect(await sendMail(t.db, transport, mail, options({ retryFailed: true }))).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
  });

  it('lets no CR/LF in a name or subject add a header or a recipient', async () => {
    const mail: OutgoingMail = {
      ...receipt('receipt:injection', 'inject@example.cn'),
      to: [{ name: 'x\r\nBcc: evil@example.org', address: 'inject@example.cn' }],
      cc: [{ name: '"y"\r\nTo: evil2@example.org', address: 'inject-cc@example.cn' }],
      subject: '回复：问题清单\r\nBcc: evil@example.org\r\nX-Injected: yes',
      inReplyTo: '<orig@mail.example.cn>\r\nBcc: evil3@example.org',
      references: ['<a@b.example>\r\nBcc: evil4@example.org'],
    };
    expect(await sendMail(t.db, transport, mail, options())).toBe('sent');
    const [wire] = smtp.messages;
    if (!wire) throw new Error('no message');
    expect(wire.rcptTo).toEqual(['inject@example.cn', 'inject-cc@example.cn']);

    const fields = headerFields(wire.raw);
    const names = fields.map((f) => f.slice(0, f.indexOf(':')).toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    expect(names.filter((n) => n === 'to')).toHaveLength(1);
    expect(names.filter((n) => n === 'cc')).toHaveLength(1);
    expect(names.filter((n) => n === 'subject')).toHaveLength(1);

    const parsed = await parseCaptured(wire);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.subject).toBe('回复：问题清单 Bcc: evil@example.org X-Injected: yes');
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((a) => a?.value ?? []).map((a) => a.address)).toEqual(['inject@example.cn']);
    const cc = Array.isArray(parsed.cc) ? parsed.cc : [parsed.cc];
    expect(cc.flatMap((a) => a?.value ?? []).map((a) => a.address)).toEqual([
      'inject-cc@example.cn',
    ]);
  });

  it.each([
    ['a header injected after the address', 'a@example.cn\r\nBcc: evil@example.org'],
    ['a display name and an address in one string', '"evil@example.org" <a@example.cn>'],
    ['a list', 'a@example.cn, evil@example.org'],
    ['a group', 'friends: evil@example.org;'],
    ['an SMTP command smuggled in', 'a@example.cn>\r\nRCPT TO:<evil@example.org'],
    ['no address at all', ''],
  ])('refuses %s and sends nothing', async (_what, address) => {
    const key = `receipt:bad-address:${attempt}`;
    const mail: OutgoingMail = {
      ...receipt(key, 'unused@example.cn'),
      to: [{ name: '', address }],
    };
    expect(await sendMail(t.db, transport, mail, options())).toBe('failed');
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.refused).toHaveLength(0);
    const row = await getMail(t.db, key);
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/^MAIL_ADDRESS_INVALID: /);
    expect(row?.recipients_json).not.toMatch(/\r|\n/);
  });

  it('caps automatic replies per address and day, and only those', async () => {
    const address = 'looping@example.cn';
    const capped = { dailyCap: 2 };
    expect(await sendMail(t.db, transport, receipt('cap:1', address), options(capped))).toBe(
      'sent',
    );
    expect(
      await sendMail(
        t.db,
        transport,
        receipt('cap:2', address),
        options({ ...capped, now: hours(1) }),
      ),
    ).toBe('sent');
    const third = receipt('cap:3', 'LOOPING@example.cn');
    expect(await sendMail(t.db, transport, third, options({ ...capped, now: hours(2) }))).toBe(
      'capped',
    );
    const row = await getMail(t.db, 'cap:3');
    expect(row?.status).toBe('failed');
    expect(row?.error).toMatch(/^MAIL_CAPPED: looping@example\.cn already got 2 /);
    // Asked again the same day, it stays capped without a word on the wire.
    expect(await sendMail(t.db, transport, third, options({ ...capped, now: hours(3) }))).toBe(
      'capped',
    );
    expect(log.lines.join('\n')).toContain('"msg":"mail not sent: daily cap reached"');

    // A digest (auto-generated) is not an automatic reply: it goes out.
    const digest: OutgoingMail = {
      ...receipt('digest:cap', address),
      kind: 'digest',
      autoSubmitted: 'auto-generated',
      inReplyTo: null,
      references: [],
    };
    expect(await sendMail(t.db, transport, digest, options({ ...capped, now: hours(3) }))).toBe(
      'sent',
    );
    // A day after the first two, there is room again.
    expect(
      await sendMail(
        t.db,
        transport,
        receipt('cap:4', address),
        options({ ...capped, now: hours(25) }),
      ),
    ).toBe('sent');
    expect(smtp.messages.map((m) => m.rcptTo[0])).toEqual([address, address, address, address]);
    const parsedDigest = await parseCaptured(smtp.messages[2] ?? Buffer.alloc(0));
    expect(parsedDigest.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('reports a server that cannot be reached as retryable', async () => {
    const gone = await startTestSmtpServer();
    const url = gone.url;
    await gone.close();
    const dead = createMailTransport(smtpConfigFromEnv({ SMTP_URL: url }, { mailbox: MAILBOX }), {
      connectionTimeoutMs: 2000,
    });
    const mail = receipt('receipt:unreachable', 'unreachable@example.cn');
    expect(await sendMail(t.db, dead, mail, options())).toBe('retry');
    expect((await getMail(t.db, mail.key))?.error).toMatch(/^SMTP_TEMPORARY_FAILURE: /);
    await dead.close();
    // The next attempt, with the server back, delivers it.
    expect(await sendMail(t.db, transport, mail, options())).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
  });

  it('logs in with SMTP_USER and the password, and treats a refused login as retryable', async () => {
    const authed = await startTestSmtpServer({ auth: { user: 'duban', pass: 's3cret 授权码' } });
    try {
      const env = { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(authed.port), SMTP_USER: 'duban' };
      const good = createMailTransport(
        smtpConfigFromEnv({ ...env, SMTP_PASSWORD: 's3cret 授权码' }, { mailbox: MAILBOX }),
      );
      const bad = createMailTransport(
        smtpConfigFromEnv({ ...env, SMTP_PASSWORD: 'wrong' }, { mailbox: MAILBOX }),
      );
      const mail = receipt('receipt:auth', 'auth@example.cn');
      expect(await sendMail(t.db, bad, mail, options())).toBe('retry');
      expect((await getMail(t.db, mail.key))?.error).toMatch(/^SMTP_AUTH_FAILED: /);
      expect(log.lines.join('\n')).not.toContain('wrong');
      expect(await sendMail(t.db, good, mail, options())).toBe('sent');
      expect(authed.messages).toHaveLength(1);
      await good.close();
      await bad.close();
    } finally {
      await authed.close();
    }
  });

  it('writes a readable .eml into the outbox when no SMTP is configured', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-outbox-'));
    try {
      const settings = smtpConfigFromEnv(
        { SMTP_URL: '', SMTP_HOST: '', OUTBOX_DIR: path.join(dir, 'outbox') },
        { mailbox: MAILBOX },
      );
      expect(settings.transport).toEqual({ mode: 'outbox', dir: path.join(dir, 'outbox') });
      const outbox = createMailTransport(settings);
      await outbox.verify();

      const template = {
        filename: '问题清单-jiaoyu-2021-03-15.xlsx',
        content: Buffer.from('PK\x03\x04 not really'),
      };
      const reply = composeCorrectionRequest(
        context('jiaoyu@example.cn', { attachments: [] }),
        { sheets: [], issues: [noAttachmentIssue()], template },
        T0,
      );
      const mail = replyMail(reply, { key: 'correction:outbox/1', from });
      expect(await sendMail(t.db, outbox, mail, options())).toBe('sent');
      expect(await sendMail(t.db, outbox, mail, options())).toBe('already_sent');

      const files = fs.readdirSync(path.join(dir, 'outbox'));
      expect(files).toEqual(['20210315T020500.000Z-correction_outbox_1.eml']);
      const bytes = fs.readFileSync(path.join(dir, 'outbox', files[0] ?? ''));
      const parsed = await parseCaptured(bytes);
      expect(parsed.subject).toBe('请修改后重新发送：区教育局 2021年3月15日当周问题清单');
      expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
      expect(parsed.text).toContain('1. 邮件未附问题清单。');
      expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
        ['问题清单-jiaoyu-2021-03-15.xlsx', 'PK\x03\x04 not really'],
      ]);
      const row = await getMail(t.db, 'correction:outbox/1');
      expect(row?.eml?.equals(bytes)).toBe(true);
      expect(row?.smtp_response).toBe(`written ${path.join(dir, 'outbox', files[0] ?? '')}`);
      expect(smtp.messages).toHaveLength(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
