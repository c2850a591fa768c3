/**
 * The mailbox watcher against a real Dovecot (test/helpers/dovecot.ts) and real storage, on
 * SQLite and PostgreSQL. Each test watches its own folder of one Dovecot instance and sends
 * messages nobody else sends (storage de-duplicates by content across the whole database).
 * Nothing here asserts on timing: conditions are awaited with a timeout.
 */
import * as net from 'node:net';
import pino, { type Logger } from 'pino';
import {
  MailboxWatcher,
  type MailboxWatcherOptions,
  type StoredMessage,
} from '../../src/adapters/imap';
import {
  getMailboxState,
  getRawMessage,
  type Db,
  type RawMessageRow,
} from '../../src/adapters/storage';
import type { ImapConfig } from '../../src/config/env';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { useDovecot, type Dovecot } from '../helpers/dovecot';

jest.setTimeout(60_000);

// ---------------------------------------------------------------------------------------------
// Helpers

let sent = 0;
/** A distinct message (so a distinct sha256) in CRLF form, as servers store them. */
function mail(subject: string, body = '问题清单见附件。', messageId?: string): Buffer {
  sent += 1;
  const id = messageId ?? `<t${sent}.${process.pid}.${Date.now()}@unit.example.cn>`;
  return Buffer.from(
    [
      'From: 区教育局 <lead-unit@example.cn>',
      'To: office@example.test',
      `Subject: ${subject} #${sent}`,
      `Message-ID: ${id}`,
      'Date: Mon, 15 Mar 2021 09:00:00 +0800',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

/** Polls `condition` until it holds; fails with `what` after the timeout. */
async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The calls onStored received, with what storage held at the moment of each call. */
interface Handed extends StoredMessage {
  rowAtCall: RawMessageRow | undefined;
  lastUidAtCall: number | undefined;
}

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose lines are kept for assertions (and printed with DEBUG_TEST_LOGS=1). */
function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as LogLine);
        if (process.env.DEBUG_TEST_LOGS) process.stderr.write(line);
      },
    },
  );
  return { logger, lines };
}

/**
 * A TCP proxy in front of Dovecot that can cut every connection with a reset (RST), as a
 * firewall or NAT box that forgets a connection does: the client then sees ECONNRESET, which
 * imapflow reports as an 'error' event.
 */
async function resettingProxy(
  target: Dovecot,
): Promise<{ port: number; reset: () => void; close: () => Promise<void> }> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.host, port: target.port });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  return {
    port: address.port,
    reset: () => {
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of [...pairs]) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

const T0 = new Date('2021-03-15T01:00:00.000Z');

describe.each(TEST_DIALECTS)('mailbox watcher on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dovecot = useDovecot();
  const watchers: MailboxWatcher[] = [];
  let folderCount = 0;

  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
    // A test that stopped the server must not leave the next one without it.
    if (!dovecot.server.running) await dovecot.server.restart();
  });

  /** A fresh folder for one test, created over IMAP. */
  async function newFolder(): Promise<string> {
    folderCount += 1;
    const name = `T${folderCount}`;
    const client = await dovecot.server.openClient();
    try {
      await client.mailboxCreate(name);
    } finally {
      await client.logout();
    }
    return name;
  }

  function configFor(server: Dovecot, mailbox: string, over: Partial<ImapConfig> = {}): ImapConfig {
    return {
      host: server.host,
      port: server.port,
      secure: false,
      user: server.user,
      password: server.password,
      mailbox,
      pollSeconds: 60,
      maxMessageBytes: 25 * 1024 * 1024,
      since: null,
      processedFolder: null,
      failedFolder: null,
      stallMinutes: 10,
      account: `${server.user}@${server.host}`,
      ...over,
    };
  }

  /** A watcher whose onStored records each call (and what storage held at that moment). */
  function watcherFor(
    config: ImapConfig,
    over: Partial<MailboxWatcherOptions> & { fail?: (s: StoredMessage) => boolean } = {},
  ): { watcher: MailboxWatcher; handed: Handed[]; lines: LogLine[]; db: Db } {
    const handed: Handed[] = [];
    const { logger, lines } = capturingLogger();
    const db = t.db;
    const watcher = new MailboxWatcher({
      config,
      db,
      logger,
      backoff: { initialMs: 50, maxMs: 400 },
      onStored: async (stored) => {
        const rowAtCall = await getRawMessage(db, stored.rawMessageId);
        const state = await getMailboxState(db, config.account, config.mailbox);
        handed.push({ ...stored, rowAtCall, lastUidAtCall: state?.last_uid });
        if (over.fail?.(stored)) throw new Error('the next stage is down');
      },
      ...over,
    });
    watchers.push(watcher);
    return { watcher, handed, lines, db };
  }

  async function rowsOf(db: Db, mailbox: string): Promise<RawMessageRow[]> {
    return db.kysely
      .selectFrom('raw_messages')
      .selectAll()
      .where('mailbox', '=', mailbox)
      .orderBy('id')
      .execute();
  }

  // -------------------------------------------------------------------------------------------

  it('stores each new message once, in UID order, with its INTERNALDATE, before handing it on', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    // Received dates deliberately out of order: UID order is what counts.
    const dates = [T0, new Date('2021-03-14T23:00:00.000Z'), new Date('2021-03-15T03:30:00.000Z')];
    const raws = dates.map((_, i) => mail(`week 11 sheet ${i}`));
    const uids: number[] = [];
    for (const [i, raw] of raws.entries()) {
      uids.push((await server.append(folder, raw, [], dates[i])).uid);
    }
    const { watcher, handed, db } = watcherFor(configFor(server, folder));

    const result = await watcher.syncOnce();

    expect(result).toMatchObject({ stored: 3, duplicates: 0, rescanned: false, lastUid: uids[2] });
    expect(handed.map((h) => h.uid)).toEqual(uids);
    for (const [i, h] of handed.entries()) {
      expect(h).toMatchObject({ tooLarge: false, history: false, size: raws[i]?.length });
      expect(h.internalDate.toISOString()).toBe(dates[i]?.toISOString());
      // Stored before it was handed on, and the position had not moved past it yet.
      expect(h.rowAtCall?.id).toBe(h.rawMessageId);
      expect(h.lastUidAtCall ?? 0).toBeLessThan(h.uid);
    }
    const rows = await rowsOf(db, folder);
    expect(rows.map((r) => [r.uid, r.internal_date, r.uidvalidity])).toEqual(
      uids.map((uid, i) => [uid, dates[i]?.toISOString(), result.uidvalidity]),
    );
    rows.forEach((row, i) => expect(Buffer.compare(row.raw, raws[i] as Buffer)).toBe(0));
    expect(rows[0]?.message_id).toMatch(/^<t\d+\./);
    const state = await getMailboxState(db, `${server.user}@${server.host}`, folder);
    expect(state).toMatchObject({ uidvalidity: result.uidvalidity, last_uid: uids[2] });
    expect(state?.last_success_at).not.toBeNull();
  });

  it('stores nothing on a second sync', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('only once'));
    await server.append(folder, mail('only once too'));
    const { watcher, handed, db } = watcherFor(configFor(server, folder));

    await watcher.syncOnce();
    const second = await watcher.syncOnce();

    expect(second).toMatchObject({ stored: 0, redelivered: 0, duplicates: 0, lastUid: 2 });
    expect(handed).toHaveLength(2);
    expect(await rowsOf(db, folder)).toHaveLength(2);
  });

  it('records a message appended twice (same Message-ID, new UID) as a duplicate and does not hand it on', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    const raw = mail('sent twice', '同一封邮件', `<twice.${Date.now()}@unit.example.cn>`);
    const first = await server.append(folder, raw);
    const second = await server.append(folder, raw);
    expect(second.uid).toBeGreaterThan(first.uid);
    const { watcher, handed, db, lines } = watcherFor(configFor(server, folder));

    const result = await watcher.syncOnce();

    expect(result).toMatchObject({ stored: 1, duplicates: 1, lastUid: second.uid });
    expect(handed.map((h) => h.uid)).toEqual([first.uid]);
    const rows = await rowsOf(db, folder);
    expect(rows.map((r) => r.uid)).toEqual([first.uid]);
    expect(lines).toContainEqual(
      expect.objectContaining({ uid: second.uid, duplicateBy: 'sha256', level: 30 }),
    );
  });

  it('reads the whole mailbox again after a UIDVALIDITY change and ingests nothing twice', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    for (let i = 0; i < 3; i += 1) await server.append(folder, mail(`before the reset ${i}`));
    const { watcher, handed, db } = watcherFor(configFor(server, folder));
    const before = await watcher.syncOnce();
    expect(before).toMatchObject({ stored: 3, lastUid: 3 });

    // Office staff delete the first message; then the server rebuilds its index: a new
    // UIDVALIDITY, and the two remaining messages are renumbered 1 and 2.
    const staff = await server.openClient();
    const lock = await staff.getMailboxLock(folder);
    await staff.messageDelete('1', { uid: true });
    lock.release();
    await staff.logout();
    const reset = await server.resetUidValidity(folder);
    expect(reset.after).not.toBe(reset.before);
    // The next message gets UID 3, not above the old position: only a re-scan finds it.
    const late = await server.append(folder, mail('after the reset'));
    expect(late.uid).toBeLessThanOrEqual(before.lastUid);

    const after = await watcher.syncOnce();

    expect(after).toMatchObject({
      uidvalidity: reset.after,
      rescanned: true,
      stored: 1,
      duplicates: 2,
      lastUid: late.uid,
    });
    expect(handed).toHaveLength(4);
    expect(handed[3]).toMatchObject({ uid: late.uid, uidvalidity: reset.after });
    expect(await rowsOf(db, folder)).toHaveLength(4);
    const state = await getMailboxState(db, `${server.user}@${server.host}`, folder);
    expect(state).toMatchObject({ uidvalidity: reset.after, last_uid: late.uid });
  });

  it('reconnects with backoff when Dovecot restarts, and loses nothing delivered meanwhile', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('before the outage'));
    const { watcher, handed, lines, db } = watcherFor(configFor(server, folder));
    watcher.start();
    await waitFor('the first message', () => handed.length === 1);

    await server.stop();
    await waitFor('the watcher to notice', () => !watcher.health().connected);
    // Mail keeps arriving while IMAP is down (local delivery into the Maildir).
    server.deliver(folder, mail('during the outage'), new Date('2021-03-15T02:00:00.000Z'));
    const reconnects = () => lines.filter((l) => l.msg.startsWith('reconnecting'));
    await waitFor('three reconnection attempts', () => reconnects().length >= 3);
    await server.restart();
    await server.append(folder, mail('after the outage'));

    await waitFor('both later messages', () => handed.length === 3);
    await waitFor('the watcher to reconnect', () => watcher.health().connected);
    expect(handed.map((h) => h.uid)).toEqual([1, 2, 3]);
    expect(handed.map((h) => h.internalDate.toISOString())).toContain('2021-03-15T02:00:00.000Z');
    expect(await rowsOf(db, folder)).toHaveLength(3);
    // The pauses grew (doubling, with jitter of ±20 %, capped at 400 ms).
    const delays = reconnects().map((l) => l.delayMs as number);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    expect(delays[2]).toBeGreaterThan(delays[1] as number);
    expect(Math.max(...delays)).toBeLessThanOrEqual(480);
    expect(watcher.health().lastError?.code).toBe('IMAP_UNAVAILABLE');
    const state = await getMailboxState(db, `${server.user}@${server.host}`, folder);
    expect(state?.last_error).toMatch(/^IMAP_UNAVAILABLE: /);
  });

  it('stores only the headers of a message over the size limit and flags it too large', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    const big = mail('large attachment', `${'这是一个很大的附件。'.repeat(500)}`);
    const small = mail('small');
    await server.append(folder, big);
    await server.append(folder, small);
    const { watcher, handed, db } = watcherFor(
      configFor(server, folder, { maxMessageBytes: 4000 }),
    );

    await watcher.syncOnce();

    expect(handed.map((h) => [h.tooLarge, h.size])).toEqual([
      [true, big.length],
      [false, small.length],
    ]);
    // Flagged in the same write that stored it: already so when it was handed on.
    expect(handed.map((h) => [h.rowAtCall?.truncated, h.rowAtCall?.declared_size])).toEqual([
      [1, big.length],
      [0, null],
    ]);
    const [bigRow, smallRow] = await rowsOf(db, folder);
    const headerEnd = big.indexOf('\r\n\r\n') + 4;
    expect(Buffer.compare(bigRow?.raw ?? Buffer.alloc(0), big.subarray(0, headerEnd))).toBe(0);
    expect(Buffer.compare(smallRow?.raw ?? Buffer.alloc(0), small)).toBe(0);
  });

  it('marks messages received before IMAP_SINCE as history', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('last year'), [], new Date('2020-12-01T00:00:00.000Z'));
    await server.append(folder, mail('this week'), [], new Date('2021-03-15T01:00:00.000Z'));
    const since = new Date('2021-03-15T00:00:00+08:00');
    const { watcher, handed } = watcherFor(configFor(server, folder, { since }));

    await watcher.syncOnce();

    expect(handed.map((h) => h.history)).toEqual([true, false]);
    // Recorded as processed in the same write that stored it: nothing will answer it.
    expect(handed.map((h) => [h.rowAtCall?.outcome, h.rowAtCall?.outcome_reason])).toEqual([
      ['ignored', 'HISTORY'],
      [null, null],
    ]);
  });

  it('ignores \\Seen: messages the office staff read are still processed, and the watcher marks nothing read', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('unread'));
    const { watcher, handed } = watcherFor(configFor(server, folder));
    await watcher.syncOnce();

    const staff = await server.openClient();
    const lock = await staff.getMailboxLock(folder);
    const flagsAfterSync = (await staff.fetchOne('1', { flags: true }, { uid: true })) || undefined;
    // Someone reads a new arrival before duban sees it, then marks everything read.
    await staff.append(folder, mail('read by staff'), ['\\Seen']);
    await staff.messageFlagsAdd('1:*', ['\\Seen'], { uid: true });
    lock.release();
    await staff.logout();

    const result = await watcher.syncOnce();

    expect(flagsAfterSync?.flags?.has('\\Seen')).toBe(false);
    expect(result).toMatchObject({ stored: 1, duplicates: 0 });
    expect(handed.map((h) => h.uid)).toEqual([1, 2]);
    expect(await watcher.syncOnce()).toMatchObject({ stored: 0 });
  });

  it('reconnects when the server closes its connection (BYE) and carries on', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    const { watcher, handed, lines } = watcherFor(configFor(server, folder));
    watcher.start();
    await waitFor('the first sync', () => watcher.health().lastSuccessAt !== null);

    await server.kick();
    await waitFor('a reconnection', () => lines.some((l) => l.msg.startsWith('reconnecting')));
    await server.append(folder, mail('after the kick'));

    await waitFor('the message', () => handed.length === 1);
    await waitFor('the watcher to reconnect', () => watcher.health().connected);
    expect(watcher.health().lastError?.code).toBe('IMAP_UNAVAILABLE');
  });

  it('survives a connection reset (an error event, handled by its listener) and carries on', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    const proxy = await resettingProxy(server);
    try {
      const { watcher, handed, lines } = watcherFor(
        configFor(server, folder, { port: proxy.port }),
      );
      watcher.start();
      await waitFor('the first sync', () => watcher.health().lastSuccessAt !== null);

      proxy.reset();
      // Without the listener this error event would be an uncaught exception (a crash). Under
      // load the reset is sometimes seen as a plain close instead (no error event): either way
      // the watcher must notice the connection is gone and carry on.
      await waitFor(
        'the reset to be noticed',
        () => lines.some((l) => l.msg === 'IMAP connection error') || !watcher.health().connected,
      );
      await server.append(folder, mail('after the reset'));

      await waitFor('the message', () => handed.length === 1);
      await waitFor('the watcher to reconnect', () => watcher.health().connected);
      const errorLine = lines.find((l) => l.msg === 'IMAP connection error');
      if (errorLine) expect(errorLine.err).toMatchObject({ code: 'ECONNRESET' });
      await watcher.stop();
    } finally {
      await proxy.close();
    }
  });

  it('stores a message appended while it runs without waiting for the poll (IDLE)', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    // An hour between polls: only the IDLE doorbell can make this test pass.
    const { watcher, handed, lines } = watcherFor(
      configFor(server, folder, { pollSeconds: 3600, stallMinutes: 120 }),
    );
    watcher.start();
    await waitFor('the first sync', () => watcher.health().lastSuccessAt !== null);
    await waitFor('IDLE', () => lines.some((l) => /Initiated IDLE/.test(l.msg)));

    const appended = await server.append(folder, mail('ring the bell'));

    await waitFor('the message', () => handed.length === 1);
    expect(handed[0]?.uid).toBe(appended.uid);
  });

  it('hands a message on again when the next stage failed after it was stored', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('first attempt fails'));
    await server.append(folder, mail('second in line'));
    let down = true;
    const { watcher, handed, db } = watcherFor(configFor(server, folder), { fail: () => down });

    await expect(watcher.syncOnce()).rejects.toThrow('the next stage is down');
    const stateAfterFailure = await getMailboxState(db, `${server.user}@${server.host}`, folder);
    down = false;
    const retry = await watcher.syncOnce();

    // Stored once; handed on again (same rawMessageId); the second message was never skipped.
    expect(stateAfterFailure?.last_uid ?? 0).toBe(0);
    expect(stateAfterFailure?.last_error).toMatch(/^IMAP_SYNC_FAILED: /);
    expect(retry).toMatchObject({ stored: 1, redelivered: 1, lastUid: 2 });
    expect(handed.map((h) => h.uid)).toEqual([1, 1, 2]);
    expect(handed[1]?.rawMessageId).toBe(handed[0]?.rawMessageId);
    expect(await rowsOf(db, folder)).toHaveLength(2);
  });

  it('moves handed-on messages to the processed folder when one is configured, creating it', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    const processed = `${folder}-done`;
    await server.append(folder, mail('to be filed'));
    await server.append(folder, mail('to be filed too'));
    const { watcher, handed } = watcherFor(
      configFor(server, folder, { processedFolder: processed }),
    );

    await watcher.syncOnce();

    const staff = await server.openClient();
    const left = await staff.status(folder, { messages: true });
    const filed = await staff.status(processed, { messages: true });
    await staff.logout();
    expect(handed).toHaveLength(2);
    expect(left && left.messages).toBe(0);
    expect(filed && filed.messages).toBe(2);
    expect(await watcher.syncOnce()).toMatchObject({ stored: 0 });
  });

  it('stops within its deadline while the next stage hangs, and the message is handed on again later', async () => {
    const server = dovecot.server;
    const folder = await newFolder();
    await server.append(folder, mail('stuck downstream'));
    let calls = 0;
    const { watcher } = watcherFor(configFor(server, folder), {
      stopTimeoutMs: 300,
      onStored: () => {
        calls += 1;
        return new Promise<void>(() => undefined);
      },
    });
    watcher.start();
    await waitFor('the hand-over', () => calls === 1);

    await watcher.stop();

    expect(watcher.health().connected).toBe(false);
    const { watcher: again, handed } = watcherFor(configFor(server, folder));
    expect(await again.syncOnce()).toMatchObject({ redelivered: 1, lastUid: 1 });
    expect(handed).toHaveLength(1);
  });

  it('reports stalled and the last error when no sync succeeds for IMAP_STALL_MINUTES', async () => {
    const server = dovecot.server;
    let now = T0;
    // A port nothing listens on: every connection attempt fails.
    // Polls every 50 ms here, so the stall check (made at each poll) runs soon.
    const { watcher, lines } = watcherFor(
      configFor(server, 'INBOX', {
        port: 1,
        pollSeconds: 0.05,
        stallMinutes: 10,
        account: `stall@${dialect}`,
      }),
      { clock: { now: () => now } },
    );
    watcher.start();
    await waitFor('a failed attempt', () => watcher.health().lastError !== null);
    expect(watcher.health()).toMatchObject({ connected: false, stalled: false });

    now = new Date(T0.getTime() + 11 * 60_000);

    expect(watcher.health()).toMatchObject({
      connected: false,
      lastSuccessAt: null,
      stalled: true,
      lastError: { code: 'IMAP_UNAVAILABLE' },
    });
    await waitFor('the stall warning', () =>
      lines.some((l) => l.code === 'IMAP_STALLED' && l.level === 40),
    );
    // Once per stall period, not at every poll.
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.filter((l) => l.code === 'IMAP_STALLED')).toHaveLength(1);
  });
});
