/**
 * Migration 0003 (one outgoing-mail table) on a database made by the migrations before it, with
 * rows in both old tables, on SQLite and PostgreSQL: every mail is carried over, a queued one
 * can then be sent with its Message-ID, and mail_queue is gone.
 */
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import pino from 'pino';
import { messageIdFor } from '../../src/adapters/mail/compose-mime';
import type { OutgoingMail } from '../../src/adapters/mail/send';
import { sendQueued } from '../../src/adapters/mail/send';
import { createMailTransport } from '../../src/adapters/mail/transport';
import { smtpConfigFromEnv } from '../../src/config/env/smtp';
import {
  auditEntries,
  getMail,
  migrateToLatest,
  migrationsFor,
  queueMail,
  type Db,
} from '../../src/adapters/storage';
import { TEST_DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { parseCaptured, startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const FROM = { name: '联合会议办公室', address: 'duban-inbox@example.cn' };
const QUEUED_AT = '2021-03-15T02:00:00.000Z';
const T0 = new Date('2021-03-15T02:05:00.000Z');

function mail(key: string, to: string, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    key,
    kind: 'reminder',
    autoSubmitted: 'auto-generated',
    from: FROM,
    to: [{ name: '区教育局', address: to }],
    cc: [],
    subject: '提醒：请报送本周问题清单',
    text: '请于今日18:00前报送。',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [
      {
        filename: '问题清单-jiaoyu.xlsx',
        contentType: 'application/octet-stream',
        content: Buffer.from('PK template'),
      },
    ],
    unitId: 'jiaoyu',
    reportingWeek: '2021-03-15',
    ...over,
  };
}

/** How 0002's code stored a composed mail in mail_queue. */
function payload(m: OutgoingMail): string {
  const { attachments, ...rest } = m;
  return JSON.stringify({
    ...rest,
    attachments: attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      base64: Buffer.from(a.content).toString('base64'),
    })),
  });
}

async function migrateTo(db: Db, name: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(db.dialect) };
  const { error } = await new Migrator({ db: db.kysely, provider }).migrateTo(name);
  if (error) throw error;
}

describe.each(TEST_DIALECTS)('migration 0003 on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = await database.open();
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await database?.drop();
  });

  it('carries queued, claimed, sent and failed mails of both old tables into one', async () => {
    await migrateTo(db, '0002_intake');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the old tables
    const old = db.kysely as unknown as Kysely<any>;
    const queue = (key: string, m: OutgoingMail) =>
      old
        .insertInto('mail_queue')
        .values({
          mail_key: key,
          kind: m.kind,
          payload_json: payload(m),
          raw_message_id: null,
          created_at: QUEUED_AT,
        })
        .execute();
    const outgoing = (key: string, status: string, over: Record<string, unknown> = {}) =>
      old
        .insertInto('outgoing_mails')
        .values({
          mail_key: key,
          kind: 'reminder',
          recipients_json: JSON.stringify({
            from: FROM.address,
            to: [],
            cc: [],
            rcpt: [],
            autoSubmitted: 'auto-generated',
          }),
          subject: '提醒',
          status,
          claimed_at: '2021-03-15T02:01:00.000Z',
          claimed_by: 'old-worker:1',
          attempts: 1,
          unit_id: 'jiaoyu',
          reporting_week: '2021-03-15',
          created_at: '2021-03-15T02:01:00.000Z',
          updated_at: '2021-03-15T02:01:00.000Z',
          ...over,
        })
        .execute();

    const onlyQueued = 'reminder:2021-03-15:jiaoyu:morning';
    const stuck = 'reminder:2021-03-15:jiaotong:morning';
    const sent = 'reminder:2021-03-15:caizheng:morning';
    const failed = 'reminder:2021-03-15:gongan:morning';
    const invalid = 'reminder:2021-03-15:minzheng:morning';
    const orphan = 'reply:77';
    await queue(onlyQueued, mail(onlyQueued, 'jiaoyu@example.cn'));
    await queue(stuck, mail(stuck, 'jiaotong@example.cn'));
    await outgoing(stuck, 'claimed');
    await queue(sent, mail(sent, 'caizheng@example.cn'));
    await outgoing(sent, 'sent', {
      sent_at: '2021-03-15T02:01:05.000Z',
      eml: Buffer.from('Subject: sent\r\n\r\nbody'),
    });
    await queue(failed, mail(failed, 'gongan@example.cn'));
    await outgoing(failed, 'failed', { error: 'SMTP_REJECTED: 550 no such user' });
    await queue(invalid, mail(invalid, 'not an address'));
    await outgoing(orphan, 'retrying', { kind: 'receipt', error: 'SMTP_TEMPORARY_FAILURE: 451' });
    const before = (await old
      .selectFrom('outgoing_mails')
      .select(['id', 'mail_key'])
      .execute()) as Array<{ id: number; mail_key: string }>;

    expect((await migrateToLatest(db)).applied).toContain('0003_one_outgoing_mail_table');

    const rows = await db.kysely
      .selectFrom('outgoing_mails')
      .selectAll()
      .orderBy('mail_key')
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.mail_key, r.status]))).toEqual({
      [onlyQueued]: 'queued',
      [stuck]: 'claimed',
      [sent]: 'sent',
      [failed]: 'failed',
      [invalid]: 'failed',
      [orphan]: 'retrying',
    });
    // Ids of carried rows are kept (the audit log cites them).
    for (const b of before)
      expect(rows.find((r) => r.mail_key === b.mail_key)?.id).toBe(Number(b.id));
    const byKey = (k: string) => rows.find((r) => r.mail_key === k);
    expect(byKey(sent)?.eml?.toString()).toBe('Subject: sent\r\n\r\nbody');
    expect(byKey(invalid)).toMatchObject({
      eml: null,
      attempts: 0,
      error: expect.stringMatching(/^MAIL_ADDRESS_INVALID: /),
    });
    expect(byKey(failed)?.error).toBe('SMTP_REJECTED: 550 no such user');
    expect(byKey(orphan)?.eml).toBeNull();

    // A mail that was only queued: built from its JSON, attachment once, Date = its queue time.
    const queued = byKey(onlyQueued);
    expect(queued).toMatchObject({
      attempts: 0,
      claimed_at: null,
      claimed_by: null,
      unit_id: 'jiaoyu',
      created_at: QUEUED_AT,
    });
    expect(queued?.message_id).toBe(messageIdFor(onlyQueued, FROM));
    const parsed = await parseCaptured(queued?.eml ?? Buffer.alloc(0));
    expect(parsed.messageId).toBe(queued?.message_id);
    expect(parsed.date?.toISOString()).toBe(QUEUED_AT);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['问题清单-jiaoyu.xlsx', 'PK template'],
    ]);
    expect(byKey(stuck)?.message_id).toBe(messageIdFor(stuck, FROM));

    // mail_queue is gone; new rows get new ids.
    // (Not `rejects.toThrow()`: better-sqlite3's error may come from another test file's realm.)
    const gone = await old
      .selectFrom('mail_queue')
      .selectAll()
      .execute()
      .then(
        () => 'still there',
        (err: unknown) => String(err),
      );
    expect(gone).toMatch(/mail_queue/);
    const next = await queueMail(db, {
      key: 'reply:78',
      kind: 'receipt',
      subject: '回执',
      recipients: {},
      messageId: null,
      eml: Buffer.from('x'),
      now: T0,
    });
    expect(next.mail.id).toBeGreaterThan(Math.max(...rows.map((r) => r.id)));

    // The carried mails are sent as stored: the queued one now, the stuck one after its lease,
    // as a possible duplicate.
    const transport = createMailTransport(
      smtpConfigFromEnv({ SMTP_URL: smtp.url }, { mailbox: FROM.address }),
    );
    const logger = pino({ level: 'silent' });
    try {
      const options = { claimedBy: 'new-worker:1', now: T0, logger };
      expect(await sendQueued(db, transport, onlyQueued, options)).toBe('sent');
      // Within its lease (claimed at 02:01, 10 minutes) the stuck mail is left alone …
      expect(await sendQueued(db, transport, stuck, options)).toBe('claimed_elsewhere');
      // … and after it, taken over.
      const later = { ...options, now: new Date('2021-03-15T02:12:00.000Z') };
      expect(await sendQueued(db, transport, stuck, later)).toBe('sent');
      expect(await sendQueued(db, transport, sent, options)).toBe('already_sent');
      expect(smtp.messages.map((m) => m.rcptTo)).toEqual([
        ['jiaoyu@example.cn'],
        ['jiaotong@example.cn'],
      ]);
      expect((await parseCaptured(smtp.messages[1] ?? Buffer.alloc(0))).messageId).toBe(
        messageIdFor(stuck, FROM),
      );
      const audits = await auditEntries(db, { event: 'mail.possible_duplicate' });
      expect(audits.map((a) => JSON.parse(a.details_json ?? '{}'))).toEqual([
        expect.objectContaining({ mailKey: stuck, previousClaimant: 'old-worker:1', attempts: 2 }),
      ]);
      expect(await getMail(db, stuck)).toMatchObject({ status: 'sent', attempts: 2 });
    } finally {
      await transport.close();
    }
  });
});
