/**
 * The watcher's two new rules, on a private Dovecot: a hand-off refused because Redis is down is
 * left to the sweeper (the position moves on, the mailbox records no error), and a watcher whose
 * fence the database refuses (a newer holder wrote) stops at once.
 */
import pino from 'pino';
import { MailboxWatcher, type MailboxWatcherOptions } from '../../src/adapters/imap';
import { getMailboxState, saveMailboxState } from '../../src/adapters/storage';
import type { ImapConfig } from '../../src/config/env';
import { DubanError } from '../../src/errors';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { useDovecot, type Dovecot } from '../helpers/dovecot';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

let sent = 0;
function mail(): Buffer {
  sent += 1;
  return Buffer.from(
    [
      'From: lead-unit@example.cn',
      'To: office@example.test',
      `Subject: fence #${sent}`,
      `Message-ID: <fence${sent}.${process.pid}.${Date.now()}@example.cn>`,
      'Date: Mon, 15 Mar 2021 09:00:00 +0800',
      '',
      'body',
      '',
    ].join('\r\n'),
  );
}

describe.each(TEST_DIALECTS)('the watcher under a lease on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dovecot = useDovecot();
  const watchers: MailboxWatcher[] = [];
  let folders = 0;

  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });

  async function configFor(server: Dovecot): Promise<ImapConfig> {
    folders += 1;
    const mailbox = `F${folders}`;
    const client = await server.openClient();
    try {
      await client.mailboxCreate(mailbox);
    } finally {
      await client.logout();
    }
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
    };
  }

  function watcher(config: ImapConfig, over: Partial<MailboxWatcherOptions>): MailboxWatcher {
    const w = new MailboxWatcher({
      config,
      db: t.db,
      logger: pino({ level: 'silent' }),
      backoff: { initialMs: 50, maxMs: 400 },
      onStored: async () => undefined,
      ...over,
    });
    watchers.push(w);
    return w;
  }

  it('moves on past a message whose hand-off failed because Redis is down, recording no mailbox error', async () => {
    const config = await configFor(dovecot.server);
    await dovecot.server.append(config.mailbox, mail());
    const w = watcher(config, {
      onStored: async () => {
        throw new DubanError(
          'REDIS_UNAVAILABLE',
          "enqueueing an intake job: Stream isn't writeable",
        );
      },
    });
    const result = await w.syncOnce();
    expect(result).toMatchObject({ stored: 1, lastUid: 1 });
    const state = await getMailboxState(t.db, config.account, config.mailbox);
    expect(state).toMatchObject({ last_error: null });
    expect(Number(state?.last_uid)).toBe(1);
    expect(w.health().lastError).toBeNull();
  });

  it('still records any other hand-off failure as the mailbox error and does not move on', async () => {
    const config = await configFor(dovecot.server);
    await dovecot.server.append(config.mailbox, mail());
    const w = watcher(config, {
      onStored: async () => {
        throw new Error('the next stage is down');
      },
    });
    await expect(w.syncOnce()).rejects.toThrow('the next stage is down');
    const state = await getMailboxState(t.db, config.account, config.mailbox);
    expect(state?.last_error).toMatch(/^IMAP_SYNC_FAILED: /);
    expect(Number(state?.last_uid ?? 0)).toBe(0);
  });

  it('stops at once when a newer lease holder wrote the position (its fence is refused)', async () => {
    const config = await configFor(dovecot.server);
    let fencedOut = 0;
    const w = watcher(config, { fence: 1, onFencedOut: () => (fencedOut += 1) });
    w.start();
    await until('the first sync', async () => w.health().lastSuccessAt);
    // The lease passed to another process, which wrote with fence 2.
    await saveMailboxState(t.db, {
      account: config.account,
      mailbox: config.mailbox,
      uidvalidity: (await getMailboxState(t.db, config.account, config.mailbox))?.uidvalidity ?? '',
      lastUid: 0,
      fence: 2,
    });
    await dovecot.server.append(config.mailbox, mail());
    await until('the stale watcher to give up', async () => fencedOut > 0);
    await new Promise((r) => setTimeout(r, 200));
    const state = await getMailboxState(t.db, config.account, config.mailbox);
    expect(state).toMatchObject({ fence: 2 });
    expect(Number(state?.last_uid)).toBe(0);
    expect(fencedOut).toBe(1);
    expect(w.health().connected).toBe(false);
  });
});
