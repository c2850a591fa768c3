/**
 * A Redis outage seen from `duban serve` (a child process, every role, a private redis-server
 * killed and restarted): stderr stays JSON lines, the outage is logged once with its code and its
 * end once, the mailbox keeps being read and its state records no error, and what arrived during
 * the outage is processed once Redis is back. Then `duban health` reports Redis on its own line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getMailboxState } from '../../src/adapters/storage';
import { ROOT, capture, run } from '../helpers/cli';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { useDovecot } from '../helpers/dovecot';
import { buildEml } from '../helpers/eml';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { until } from '../helpers/wait';

jest.setTimeout(90_000);

interface LogLine {
  level: number;
  msg: string;
  code?: string;
}

describe.each(TEST_DIALECTS)('a Redis outage under duban serve on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dovecot = useDovecot();
  let redis: RedisServer;
  let child: ChildProcess | null = null;
  let stderr = '';
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    redis = await startRedisServer();
    const d = dovecot.server;
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-outage-'));
    env = {
      PATH: process.env.PATH,
      DATABASE_URL: t.url,
      DUBAN_CONFIG: path.join(ROOT, 'config/schedule.example.yaml'),
      OUTBOX_DIR: path.join(cwd, 'outbox'),
      IMAP_HOST: d.host,
      IMAP_PORT: String(d.port),
      IMAP_SECURE: 'false',
      IMAP_USER: d.user,
      IMAP_PASSWORD: d.password,
      REDIS_URL: redis.url,
      DUBAN_QUEUE_PREFIX: `test-${randomBytes(6).toString('hex')}`,
      RETRY_DELAY_MS: '200',
      LOG_LEVEL: 'info',
      // The console on a free port (the default 8080 may be taken).
      HTTP_PORT: '0',
    };
    child = spawn(process.execPath, [path.join(ROOT, 'bin/duban.js'), 'serve'], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await until('the service to serve', async () => stderr.includes('"duban serving"'), 30_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await redis?.dispose();
    if (process.env.DEBUG_OUTAGE) fs.writeFileSync(`/tmp/outage-${dialect}.log`, stderr);
  });

  const lines = (): string[] => stderr.split('\n').filter((l) => l.trim() !== '');
  const parsed = (): LogLine[] =>
    lines().flatMap((l) => {
      try {
        return [JSON.parse(l) as LogLine];
      } catch {
        return [];
      }
    });
  const outcomeOf = async (messageId: string): Promise<string | null | undefined> =>
    (
      await t.db.kysely
        .selectFrom('raw_messages')
        .select('outcome')
        .where('message_id', '=', messageId)
        .executeTakeFirst()
    )?.outcome;

  it('keeps stderr JSON, logs the outage once, stores what arrives and processes it when Redis is back', async () => {
    const mail = (n: number): Promise<Buffer> =>
      buildEml({ from: 'jiaoyu@example.cn', messageId: `<outage-${n}@example.cn>` });
    await dovecot.server.append('INBOX', await mail(1));
    await until('the first message to be processed', async () =>
      outcomeOf('<outage-1@example.cn>'),
    );

    await redis.stop();
    await until(
      'the outage to be logged',
      async () => parsed().some((l) => l.code === 'REDIS_UNAVAILABLE' && l.level === 50),
      15_000,
    );
    await dovecot.server.append('INBOX', await mail(2));
    await until('the message to be stored while Redis is down', async () =>
      (await outcomeOf('<outage-2@example.cn>')) === null ? true : false,
    );
    // Give the watcher's hand-off a moment to fail and every client a few reconnection attempts.
    await new Promise((r) => setTimeout(r, 2_000));

    await redis.start();
    await until(
      'Redis to be reachable again',
      async () => parsed().some((l) => l.msg === 'Redis reachable again'),
      20_000,
    );
    await until(
      'the message stored during the outage to be processed',
      async () => outcomeOf('<outage-2@example.cn>'),
      30_000,
    );

    expect(lines().filter((l) => !l.startsWith('{'))).toEqual([]);
    expect(lines().length).toBe(parsed().length);
    const outage = parsed().filter((l) => l.code === 'REDIS_UNAVAILABLE' && l.level >= 50);
    expect(outage.map((l) => l.msg)).toEqual([
      'Redis unreachable: queued work waits until it is back',
    ]);
    expect(parsed().filter((l) => l.msg === 'Redis reachable again')).toHaveLength(1);
    const state = await getMailboxState(
      t.db,
      `${dovecot.server.user}@${dovecot.server.host}`,
      'INBOX',
    );
    expect(state?.last_error ?? null).toBeNull();
  });

  it('has duban health report Redis on its own line', async () => {
    const noImap = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('IMAP_')));
    const up = await run(['health', '--json'], capture(noImap));
    expect(JSON.parse(up.io.stdout)).toMatchObject({ redis: { reachable: true, error: null } });
    await redis.stop();
    const down = await run(['health', '--json'], capture(noImap));
    expect(JSON.parse(down.io.stdout)).toMatchObject({
      healthy: false,
      redis: { reachable: false },
    });
    expect(down.code).toBe(3);
    await redis.start();
  });
});
