/**
 * No silent loss of a mail: a sender killed after the SMTP server accepted the mail and before
 * it was recorded leaves the row claimed; after the claim's lease the mail is sent again with
 * the same Message-ID and audited as a possible duplicate, and until then `duban health` and
 * the sweeper's query show it. On SQLite and PostgreSQL, against a real SMTP server.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  mailAddress,
  queueOutgoing,
  sendQueued,
  type OutgoingMail,
} from '../../src/adapters/mail/send';
import { createMailTransport, type MailTransport } from '../../src/adapters/mail/transport';
import { smtpConfigFromEnv } from '../../src/config/env/smtp';
import {
  auditEntries,
  claimMail,
  getMail,
  markMailSent,
  unsentQueuedMails,
} from '../../src/adapters/storage';
import { run, capture, ROOT } from '../helpers/cli';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { parseCaptured, startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp';

const MAILBOX = 'duban-inbox@example.cn';
const T0 = new Date('2021-03-15T02:05:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

function reminder(key: string, to: string): OutgoingMail {
  return {
    key,
    kind: 'reminder',
    autoSubmitted: 'auto-generated',
    from: mailAddress(MAILBOX, '联合会议办公室'),
    to: [{ name: '区教育局', address: to }],
    cc: [],
    subject: '提醒：请报送本周问题清单',
    text: '请于今日18:00前报送。',
    html: null,
    inReplyTo: null,
    references: [],
    attachments: [],
    unitId: 'jiaoyu',
    reportingWeek: '2021-03-15',
  };
}

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

/**
 * Runs sendQueued in a child process (from dist/) with DUBAN_FAILPOINT=after-delivery: it is
 * SIGKILLed right after the SMTP server accepted the mail. Resolves with the exit signal.
 */
function sendAndDie(databaseUrl: string, smtpUrl: string, key: string): Promise<string | null> {
  const script = `
    const { openDatabase } = require(${JSON.stringify(path.join(ROOT, 'dist/src/adapters/storage'))});
    const { sendQueued } = require(${JSON.stringify(path.join(ROOT, 'dist/src/adapters/mail/send'))});
    const t = require(${JSON.stringify(path.join(ROOT, 'dist/src/adapters/mail/transport'))});
    const smtp = require(${JSON.stringify(path.join(ROOT, 'dist/src/config/env/smtp'))});
    (async () => {
      const db = await openDatabase(${JSON.stringify(databaseUrl)});
      const transport = t.createMailTransport(smtp.smtpConfigFromEnv({ SMTP_URL: ${JSON.stringify(smtpUrl)} }, { mailbox: ${JSON.stringify(MAILBOX)} }));
      const logger = { info() {}, warn() {}, error() {} };
      await sendQueued(db, transport, ${JSON.stringify(key)}, { claimedBy: 'dying-worker:1', now: new Date(${JSON.stringify(T0.toISOString())}), logger });
      process.exit(0);
    })().catch((err) => { console.error(err); process.exit(1); });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, DUBAN_FAILPOINT: 'after-delivery' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

describe.each(TEST_DIALECTS)('a claim whose sender died, on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let smtp: TestSmtpServer;
  let transport: MailTransport;
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
  });

  it('is sent again after its lease with the same Message-ID, and audited', async () => {
    const key = 'reminder:2021-03-15:jiaoyu:morning';
    await queueOutgoing(t.db, reminder(key, 'jiaoyu@example.cn'), T0);
    expect(await sendAndDie(t.url, smtp.url, key)).toBe('SIGKILL');
    expect(smtp.messages).toHaveLength(1);
    expect(await getMail(t.db, key)).toMatchObject({
      status: 'claimed',
      claimed_by: 'dying-worker:1',
      attempts: 1,
    });

    // Within the lease another attempt leaves it alone, and says so.
    const log = capturingLogger();
    const options = { claimedBy: 'worker:2', now: minutes(5), logger: log.logger };
    expect(await sendQueued(t.db, transport, key, options)).toBe('claimed_elsewhere');
    expect(smtp.messages).toHaveLength(1);
    // The sweeper hands it on only once the lease has run out.
    const sweep = (now: Date) =>
      unsentQueuedMails(t.db, now, 500, { claimedBefore: new Date(now.getTime() - 600_000) });
    expect(await sweep(minutes(5))).not.toContain(key);
    expect(await sweep(minutes(11))).toContain(key);

    const later = { ...options, now: minutes(11) };
    expect(await sendQueued(t.db, transport, key, later)).toBe('sent');
    expect(await sendQueued(t.db, transport, key, later)).toBe('already_sent');
    expect(smtp.messages).toHaveLength(2);
    const [first, second] = await Promise.all(smtp.messages.map((m) => parseCaptured(m)));
    expect(second?.messageId).toBe(first?.messageId);
    expect(smtp.messages[1]?.raw.equals(smtp.messages[0]?.raw ?? Buffer.alloc(0))).toBe(true);

    const row = await getMail(t.db, key);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, claimed_by: 'worker:2' });
    const audits = await auditEntries(t.db, { event: 'mail.possible_duplicate' });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ mail_id: row?.id, unit_id: 'jiaoyu' });
    expect(JSON.parse(audits[0]?.details_json ?? '{}')).toEqual({
      mailKey: key,
      messageId: first?.messageId,
      previousClaimant: 'dying-worker:1',
      attempts: 2,
    });
    expect(log.lines.join('\n')).toContain('possible duplicate');
  });

  it('lets one of two racing workers take over a stale claim, and sends once', async () => {
    // On PostgreSQL a second pool, so that the two claims really race (one waits for the other's
    // row lock and re-checks the condition).
    const other = dialect === 'postgres' ? await t.open() : t.db;
    for (let i = 0; i < 5; i += 1) {
      const key = `reminder:2021-03-15:race-${i}:morning`;
      await queueOutgoing(t.db, reminder(key, `race-${i}@example.cn`), T0);
      await claimMail(t.db, { key, claimedBy: 'dead:1', now: T0 });
      const logger = pino({ level: 'silent' });
      const outcomes = await Promise.all([
        sendQueued(t.db, transport, key, { claimedBy: 'w:a', now: minutes(11), logger }),
        sendQueued(other, transport, key, { claimedBy: 'w:b', now: minutes(11), logger }),
      ]);
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
      expect(await getMail(t.db, key)).toMatchObject({ status: 'sent', attempts: 2 });
    }
    expect(smtp.messages).toHaveLength(5);
    const audits = await auditEntries(t.db, { event: 'mail.possible_duplicate' });
    expect(audits.filter((a) => (a.details_json ?? '').includes('race-'))).toHaveLength(5);
  });

  it('shows every mail not sent within its window in duban health, until it is sent', async () => {
    const waiting = 'reminder:2021-03-15:jiaotong:morning';
    const stuck = 'reminder:2021-03-15:caizheng:morning';
    const fresh = 'reminder:2021-03-15:gongan:morning';
    const done = 'reminder:2021-03-15:minzheng:morning';
    await queueOutgoing(t.db, reminder(waiting, 'jiaotong@example.cn'), minutes(100));
    await queueOutgoing(t.db, reminder(stuck, 'caizheng@example.cn'), minutes(0));
    await claimMail(t.db, { key: stuck, claimedBy: 'dead:1', now: minutes(1) });
    await queueOutgoing(t.db, reminder(fresh, 'gongan@example.cn'), minutes(114));
    await queueOutgoing(t.db, reminder(done, 'minzheng@example.cn'), minutes(0));
    const claimed = await claimMail(t.db, { key: done, claimedBy: 'w:1', now: minutes(1) });
    await markMailSent(t.db, claimed.mail.id, { now: minutes(1) });

    const env = { DATABASE_URL: t.url };
    const health = await run(
      ['health', '--json', '--now', minutes(120).toISOString()],
      capture(env),
    );
    expect(health.code).toBe(3);
    const report = JSON.parse(health.io.stdout) as {
      healthy: boolean;
      unsentMails: number;
      lateMails: Array<Record<string, unknown>>;
    };
    expect(report.healthy).toBe(false);
    const late = report.lateMails.filter((m) =>
      [waiting, stuck, fresh, done].includes(String(m.key)),
    );
    expect(late).toEqual([
      expect.objectContaining({
        key: stuck,
        kind: 'reminder',
        status: 'claimed',
        ageMinutes: 120,
        level: 'error',
      }),
      expect.objectContaining({
        key: waiting,
        kind: 'reminder',
        status: 'queued',
        ageMinutes: 20,
        level: 'warn',
      }),
    ]);

    const text = await run(['health', '--now', minutes(120).toISOString()], capture(env));
    expect(text.code).toBe(3);
    expect(text.io.stdout).toContain(`ERROR mail ${stuck} (reminder): claimed, queued 120 min ago`);
    expect(text.io.stdout).toContain(`WARN mail ${waiting} (reminder): queued, queued 20 min ago`);

    // The window is the claim lease: with a 5-minute lease the mail queued 6 minutes ago is late.
    const shortLease = await run(
      ['health', '--json', '--now', minutes(120).toISOString()],
      capture({ ...env, MAIL_CLAIM_LEASE_MS: '300000' }),
    );
    const keys = (JSON.parse(shortLease.io.stdout) as typeof report).lateMails.map((m) => m.key);
    expect(keys).toContain(fresh);

    // Once sent (the stuck one taken over), health is healthy again.
    const logger = pino({ level: 'silent' });
    for (const key of [waiting, stuck]) {
      const options = { claimedBy: 'worker:3', now: minutes(120), logger };
      expect(await sendQueued(t.db, transport, key, options)).toBe('sent');
    }
    const after = await run(['health', '--now', minutes(120).toISOString()], capture(env));
    expect(after.io.stdout).toMatch(/^healthy/);
    expect(after.code).toBe(0);
  });
});
