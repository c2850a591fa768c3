/**
 * The daily cap on automatic replies, counted from the auto_replies table (migration 0007), on
 * SQLite and PostgreSQL: what counts (a reply sent or being sent), what stops counting (an
 * attempt that failed), and the replies of the day before an upgrade carried over by 0007.
 */
import { Migrator, type MigrationProvider } from 'kysely';
import pino from 'pino';
import { sendMail, type OutgoingMail, type SendOptions } from '../../src/adapters/mail/send';
import { createMailTransport, type MailTransport } from '../../src/adapters/mail/transport';
import { smtpConfigFromEnv } from '../../src/config/env/smtp';
import { getMail, migrateToLatest, migrationsFor, type Db } from '../../src/adapters/storage';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const MAILBOX = 'duban-inbox@example.cn';
const T0 = new Date('2021-03-15T10:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

function reply(key: string, to: string, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    key,
    kind: 'receipt',
    autoSubmitted: 'auto-replied',
    from: { name: '联合会议办公室', address: MAILBOX },
    to: [{ name: '', address: to }],
    cc: [],
    subject: '回执：已收到问题清单',
    text: '已收到。',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    unitId: 'jiaoyu',
    reportingWeek: '2021-03-15',
    ...over,
  };
}

describe.each(TEST_DIALECTS)('the daily cap on %s', (dialect) => {
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let attempt = 0;
  const logger = pino({ level: 'silent' });
  const options = (now: Date, dailyCap: number): SendOptions => {
    attempt += 1;
    return { claimedBy: `test:${attempt}`, now, logger, dailyCap };
  };

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

  describe('after the migrations', () => {
    const t = useTestDatabase(dialect);

    it('stops counting a reply whose attempt failed, and counts it again once it is sent', async () => {
      const address = 'flaky@example.cn';
      smtp.failNext(1, 451);
      expect(await sendMail(t.db, transport, reply('cap-f:1', address), options(T0, 1))).toBe(
        'retry',
      );
      // The first reply is waiting for a retry: it does not hold the address's only slot.
      expect(
        await sendMail(t.db, transport, reply('cap-f:2', address), options(minutes(1), 1)),
      ).toBe('sent');
      // Retried now, the first reply finds the slot taken by the second.
      expect(
        await sendMail(t.db, transport, reply('cap-f:1', address), options(minutes(2), 1)),
      ).toBe('capped');
      expect((await getMail(t.db, 'cap-f:1'))?.error).toMatch(/^MAIL_CAPPED: flaky@example\.cn/);
    });

    it('counts each address of a reply, case-insensitively, within 24 hours', async () => {
      const cc = { cc: [{ name: '', address: 'Office@Example.cn' }] };
      expect(
        await sendMail(
          t.db,
          transport,
          reply('cap-w:1', 'a@example.cn', cc),
          options(minutes(10), 2),
        ),
      ).toBe('sent');
      expect(
        await sendMail(
          t.db,
          transport,
          reply('cap-w:2', 'b@example.cn', cc),
          options(minutes(20), 2),
        ),
      ).toBe('sent');
      expect(
        await sendMail(
          t.db,
          transport,
          reply('cap-w:3', 'OFFICE@example.cn'),
          options(minutes(30), 2),
        ),
      ).toBe('capped');
      // A day after the first two, the address has room again.
      expect(
        await sendMail(
          t.db,
          transport,
          reply('cap-w:4', 'office@example.cn'),
          options(minutes(24 * 60 + 21), 2),
        ),
      ).toBe('sent');
    });
  });

  describe('across the upgrade to 0007', () => {
    const t = useTestDatabase(dialect, { migrate: false });

    async function migrateTo(db: Db, name: string): Promise<void> {
      const provider: MigrationProvider = { getMigrations: async () => migrationsFor(db.dialect) };
      const { error } = await new Migrator({ db: db.kysely, provider }).migrateTo(name);
      if (error) throw error;
    }

    it("carries the last day's automatic replies over, and nothing older or not automatic", async () => {
      await migrateTo(t.db, '0006_role_fences');
      const address = 'looping@example.cn';
      const row = (key: string, at: Date, autoSubmitted: string, status = 'sent') => ({
        mail_key: key,
        kind: 'receipt',
        recipients_json: JSON.stringify({
          from: MAILBOX,
          to: [{ name: '', address }],
          cc: [],
          rcpt: [address],
          autoSubmitted,
        }),
        subject: '回执',
        status: status as 'sent' | 'claimed',
        message_id: null,
        eml: Buffer.from('x'),
        claimed_at: at.toISOString(),
        claimed_by: 'old:1',
        sent_at: status === 'sent' ? at.toISOString() : null,
        attempts: 1,
        created_at: at.toISOString(),
        updated_at: at.toISOString(),
      });
      await t.db.kysely
        .insertInto('outgoing_mails')
        .values([
          row('old:1', minutes(-60), 'auto-replied'),
          row('old:2', minutes(-30), 'auto-replied', 'claimed'),
          row('old:3', minutes(-3 * 24 * 60), 'auto-replied'),
          row('old:4', minutes(-20), 'auto-generated'),
        ])
        .execute();
      await migrateToLatest(t.db);

      // Two of the last day count, so a cap of 3 leaves one slot.
      expect(await sendMail(t.db, transport, reply('new:1', address), options(T0, 3))).toBe('sent');
      expect(await sendMail(t.db, transport, reply('new:2', address), options(minutes(1), 3))).toBe(
        'capped',
      );
    });
  });
});
