/**
 * Two services started with every role against the same mailbox, database and Redis (as an
 * operator running `duban serve` on two machines): one watcher and one scheduler run; when the
 * process holding them stops, the other takes them over within the lease's TTL.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { openRuntime, type Runtime } from '../../src/compose/runtime';
import { ALL_ROLES, startService, type Service } from '../../src/compose/service';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { useDovecot } from '../helpers/dovecot';
import { exampleSchedule } from '../helpers/sheets';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { until } from '../helpers/wait';

jest.setTimeout(60_000);

const TTL = 1_200;

describe.each(TEST_DIALECTS)('two full-role services on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const dovecot = useDovecot();
  let redis: RedisServer;
  const runtimes: Runtime[] = [];
  const services: Service[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const s of services) await s.stop(2_000).catch(() => undefined);
    for (const r of runtimes) await r.close().catch(() => undefined);
    await redis?.dispose();
  });

  const start = async (): Promise<Service> => {
    const d = dovecot.server;
    const runtime = await openRuntime({
      schedule: await exampleSchedule(),
      env: {
        DATABASE_URL: t.url,
        IMAP_HOST: d.host,
        IMAP_PORT: String(d.port),
        IMAP_SECURE: 'false',
        IMAP_USER: d.user,
        IMAP_PASSWORD: d.password,
        REDIS_URL: redis.url,
        DUBAN_QUEUE_PREFIX: 'singleton',
        LEASE_TTL_MS: String(TTL),
        // Both processes run the console: each on a free port.
        HTTP_PORT: '0',
      },
      cwd: fs.mkdtempSync(
        path.join(os.tmpdir(), `duban-singleton-${randomBytes(3).toString('hex')}-`),
      ),
      logger: pino({ level: 'silent' }),
    });
    runtimes.push(runtime);
    const service = await startService(runtime, { roles: ALL_ROLES });
    services.push(service);
    return service;
  };

  it('runs one watcher and one scheduler, and hands both over when their process stops', async () => {
    const first = await start();
    const second = await start();
    expect([first.watcher !== null, second.watcher !== null]).toEqual([true, false]);
    expect([first.scheduler !== null, second.scheduler !== null]).toEqual([true, false]);

    await first.stop(2_000);
    const stopped = Date.now();
    await until(
      'the second to take both roles',
      async () => second.watcher && second.scheduler,
      5_000,
    );
    // A released lease is taken at the other's next try: within TTL/3, well within the TTL.
    expect(Date.now() - stopped).toBeLessThan(TTL);
    expect(first.watcher).toBeNull();
    await until('the new watcher to sync', async () => second.watcher?.health().lastSuccessAt);
  });
});
