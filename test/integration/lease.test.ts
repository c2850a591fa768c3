/**
 * Singleton roles: the Redis lease with its fencing token (src/adapters/lease) on a private
 * redis-server, and the fenced mailbox_state writes on SQLite and PostgreSQL.
 */
import { Redis } from 'ioredis';
import pino from 'pino';
import { LeasedRole, RoleLease, type LeaseHandle } from '../../src/adapters/lease';
import { redisClient, readyWithin } from '../../src/adapters/queue';
import {
  getMailboxState,
  mailboxFence,
  recordMailboxError,
  recordRoleFence,
  roleFence,
  saveMailboxState,
} from '../../src/adapters/storage';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { until } from '../helpers/wait';

jest.setTimeout(30_000);

const TTL = 900;

interface LogLine {
  msg: string;
  role?: string;
  holder?: string;
  fence?: number | null;
}

describe('the role lease', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.dispose();
  });

  const client = async (): Promise<Redis> => {
    const c = redisClient(server.url, () => undefined);
    clients.push(c);
    await readyWithin(c, 2_000);
    return c;
  };

  /** A process's view: its lease on `role`, and whether its role runs. */
  const holder = async (name: string, role: string, log = logger) => {
    const redis = await client();
    const state = { running: false, fence: 0, handle: null as LeaseHandle | null };
    const supervisor = new LeasedRole({
      lease: new RoleLease(redis, 'test', role, name, TTL),
      logger: log,
      start: async (handle) => {
        state.running = true;
        state.fence = handle.fence;
        state.handle = handle;
        return async () => {
          state.running = false;
        };
      },
    });
    return { name, redis, state, supervisor };
  };

  it('lets exactly one of two processes run the role; the other takes over within the TTL when the holder stops renewing', async () => {
    const a = await holder('a', 'watcher');
    const b = await holder('b', 'watcher');
    await a.supervisor.start();
    await b.supervisor.start();
    expect([a.state.running, b.state.running]).toEqual([true, false]);

    // Both never run at once: sample every 20 ms from here on.
    let overlap = false;
    const sampler = setInterval(() => {
      if (a.state.running && b.state.running) overlap = true;
    }, 20);
    // The holder is cut off (as a SIGKILLed or partitioned process): it can renew no more.
    const cut = Date.now();
    a.redis.disconnect();
    await until('b to take over', async () => b.state.running, 5_000);
    const tookMs = Date.now() - cut;
    clearInterval(sampler);

    expect(a.state.running).toBe(false);
    expect(overlap).toBe(false);
    expect(tookMs).toBeLessThanOrEqual(TTL + TTL / 3 + 300);
    expect(b.state.fence).toBeGreaterThan(a.state.fence);
    expect(
      lines.filter((l) => l.role === 'watcher').map((l) => [l.msg, l.holder?.split(':')[0]]),
    ).toEqual([
      ['lease acquired', 'a'],
      ['lease lost', 'a'],
      ['lease acquired', 'b'],
    ]);
    expect(await b.state.handle?.stillHeld()).toBe(true);
    expect(await a.state.handle?.stillHeld().catch(() => false)).toBe(false);

    await b.supervisor.stop();
    await a.supervisor.stop();
    expect(lines.filter((l) => l.role === 'watcher').at(-1)).toMatchObject({
      msg: 'lease released',
      fence: b.state.fence,
    });
  });

  it('hands the lease over at once when its holder stops, and never reuses a fence after Redis forgot it', async () => {
    const a = await holder('a', 'scheduler');
    const b = await holder('b', 'scheduler');
    await a.supervisor.start();
    await b.supervisor.start();
    const first = a.state.fence;
    await a.supervisor.stop();
    await until('b to take over', async () => b.state.running, 2_000);
    expect(b.state.fence).toBe(first + 1);
    await b.supervisor.stop();

    // A restart without persistence resets the fence counter: the floor (the largest fence
    // the database saw) keeps the next fence above every earlier one.
    await server.stop();
    await server.start();
    const c = await client();
    const lease = new RoleLease(c, 'test', 'scheduler', 'c', TTL);
    const held = await lease.acquire(b.state.fence);
    expect(held?.fence).toBe(b.state.fence + 1);
  });

  it('after Redis lost its data, a new holder starts the role only once the old one has stopped, with a fence never used before', async () => {
    // The database's record of fences (role_fences), as the service wires it.
    const recorded = new Map<string, number>();
    const fences = (role: string) => ({
      floor: async () => recorded.get(role) ?? 0,
      record: async (fence: number) => {
        if ((recorded.get(role) ?? 0) >= fence) return false;
        recorded.set(role, fence);
        return true;
      },
    });
    const supervised = async (name: string) => {
      const redis = await client();
      const state = { running: false, fence: 0, since: 0, until: 0 };
      const supervisor = new LeasedRole({
        lease: new RoleLease(redis, 'test', 'restart', name, TTL),
        logger,
        fences: fences('restart'),
        start: async (handle) => {
          Object.assign(state, { running: true, fence: handle.fence, since: Date.now() });
          return async () => {
            Object.assign(state, { running: false, until: Date.now() });
          };
        },
      });
      return { state, supervisor };
    };
    const a = await supervised('a');
    await a.supervisor.start();
    expect(a.state.running).toBe(true);
    const first = a.state.fence;

    // Redis forgets everything (a restart without persistence): b may take the key at once.
    const admin = await client();
    await admin.del('test:lease:restart', 'test:lease:restart:fence');
    const b = await supervised('b');
    await b.supervisor.start();
    await until('a to stop and b to start', async () => !a.state.running && b.state.running, 5_000);
    expect(b.state.since).toBeGreaterThanOrEqual(a.state.until);
    expect(b.state.fence).toBeGreaterThan(first);
    expect(recorded.get('restart')).toBe(b.state.fence);
    // a keeps trying for the lease, and does not get it while b holds it.
    await new Promise((r) => setTimeout(r, 2 * TTL));
    expect(a.state.running).toBe(false);
    const msgs = lines
      .filter((l) => l.role === 'restart')
      .map((l) => `${l.msg} ${l.holder?.split(':')[0]}`);
    expect(msgs.indexOf('lease lost a')).toBeLessThan(msgs.indexOf('lease acquired b'));
    await b.supervisor.stop();
    await a.supervisor.stop();
  });

  it('stops the role at once when its lease vanished (Redis restarted empty) and keeps trying to take it again', async () => {
    const a = await holder('a', 'vanishing');
    await a.supervisor.start();
    const before = a.state.fence;
    const admin = await client();
    await admin.del('test:lease:vanishing');
    await until(
      'the holder to take the lease again',
      async () => a.state.running && a.state.fence > before,
      3_000,
    );
    expect(lines.filter((l) => l.role === 'vanishing').map((l) => l.msg)).toEqual([
      'lease acquired',
      'lease lost',
      'lease acquired',
    ]);
    await a.supervisor.stop();
  });
});

describe.each(TEST_DIALECTS)('fenced mailbox_state writes on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('records a role fence only when it is larger than every fence recorded before', async () => {
    expect(await roleFence(t.db, 'scheduler')).toBe(0);
    expect(await recordRoleFence(t.db, { role: 'scheduler', fence: 2, holder: 'a' })).toBe(true);
    expect(await recordRoleFence(t.db, { role: 'scheduler', fence: 2, holder: 'b' })).toBe(false);
    expect(await recordRoleFence(t.db, { role: 'scheduler', fence: 1, holder: 'b' })).toBe(false);
    expect(await recordRoleFence(t.db, { role: 'watcher', fence: 1, holder: 'b' })).toBe(true);
    expect(await recordRoleFence(t.db, { role: 'scheduler', fence: 3, holder: 'c' })).toBe(true);
    expect(await roleFence(t.db, 'scheduler')).toBe(3);
    expect(await roleFence(t.db, 'watcher')).toBe(1);
  });
  const key = { account: 'office@example.cn', mailbox: 'INBOX' };

  it("refuses a stale holder's position and error, and keeps the newer holder's", async () => {
    expect(await saveMailboxState(t.db, { ...key, uidvalidity: '7', lastUid: 10, fence: 3 })).toBe(
      true,
    );
    expect(await saveMailboxState(t.db, { ...key, uidvalidity: '7', lastUid: 12, fence: 4 })).toBe(
      true,
    );
    // The holder with fence 3 lost its lease but does not know yet.
    expect(await saveMailboxState(t.db, { ...key, uidvalidity: '9', lastUid: 1, fence: 3 })).toBe(
      false,
    );
    await recordMailboxError(t.db, { ...key, error: 'IMAP_UNAVAILABLE: stale', fence: 3 });
    const state = await getMailboxState(t.db, key.account, key.mailbox);
    expect(state).toMatchObject({ uidvalidity: '7', fence: 4, last_error: null });
    expect(Number(state?.last_uid)).toBe(12);
    expect(await mailboxFence(t.db)).toBe(4);
    // A write without a fence (a one-off sync) neither checks nor changes it.
    expect(await saveMailboxState(t.db, { ...key, uidvalidity: '7', lastUid: 13 })).toBe(true);
    expect((await getMailboxState(t.db, key.account, key.mailbox))?.fence).toBe(4);
  });
});
