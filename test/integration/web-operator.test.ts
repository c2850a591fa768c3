// The operator's endpoints (/healthz, /readyz, /metrics) and the /ops page, through fastify's
// inject on a bare instance that registers the ConsoleRoutes with a trivial session, on a real
// database and the real Redis (TEST_REDIS_URL) under a private queue prefix.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { BullQueueReads, Queues, connectionOf, redisProbe } from '../../src/adapters/queue';
import { StorageOperatorReads, toTimestamp, type Db } from '../../src/adapters/storage';
import { operatorRoutes, type OperatorDeps } from '../../src/adapters/web/routes/operator';
import { opsRoutes, registerBullBoard } from '../../src/adapters/web/routes/ops';
import type { ConsoleRoute, Viewer } from '../../src/adapters/web/route';
import type { HealthSettings } from '../../src/app/service-health';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';

jest.setTimeout(20_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-03-16T02:00:00.000Z');
const ACCOUNT = 'office@imap.example.cn';
const SETTINGS: HealthSettings = {
  stallMinutes: 10,
  leaseMs: 10 * 60_000,
  watchedAccount: ACCOUNT,
};
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const ADMIN: Viewer = { email: 'office@example.cn', name: '联合会议办公室', role: 'admin' };

const ago = (ms: number): string => toTimestamp(new Date(NOW.getTime() - ms));
const MIN = 60_000;

/** A bare fastify with the routes and a fixed session: what the web-core server does, minus sign-in. */
async function serve(
  routes: ConsoleRoute[],
  viewer: Viewer | null = null,
  now: Date = NOW,
): Promise<FastifyInstance> {
  const app = Fastify();
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      handler: (req, reply) => r.handler(req, reply, { viewer, csrfToken: null, now }),
    });
  }
  await app.ready();
  return app;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function syncedAt(db: Db, at: string, lastError: string | null = null): Promise<void> {
  await db.kysely.deleteFrom('mailbox_state').execute();
  await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: ACCOUNT,
      mailbox: 'INBOX',
      uidvalidity: '1',
      last_uid: 7,
      last_success_at: at,
      last_error: lastError,
      last_error_at: lastError ? at : null,
      updated_at: at,
      fence: null,
    })
    .execute();
}

let prefix = '';
let queues: Queues;

beforeAll(() => {
  prefix = `duban-test-operator-${randomBytes(4).toString('hex')}`;
  queues = new Queues({ redisUrl: REDIS_URL, prefix });
});

afterAll(async () => {
  await Promise.allSettled([
    queues.intake.obliterate({ force: true }),
    queues.outbound.obliterate({ force: true }),
  ]);
  await queues.close();
});

function depsOf(db: Db, redisUrl = REDIS_URL): OperatorDeps {
  return {
    reads: new StorageOperatorReads(db),
    redis: redisProbe(redisUrl, 1_000),
    queues: new BullQueueReads([queues.intake, queues.outbound]),
    settings: SETTINGS,
  };
}

describe('operator endpoints (sqlite)', () => {
  const t = useTestDatabase('sqlite');

  it('answers /healthz with 200 "ok"', async () => {
    const app = await serve(operatorRoutes(depsOf(t.db)));
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('ok');
    await app.close();
  });

  it('answers /readyz 200 when the database, Redis and the last sync are fresh', async () => {
    await syncedAt(t.db, ago(2 * MIN));
    const app = await serve(operatorRoutes(depsOf(t.db)));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toEqual({ status: 'ready' });
    expect(res.statusCode).toBe(200);
    await app.close();
  });

  it('answers /readyz 503 naming the watcher when its last sync is stale', async () => {
    await syncedAt(t.db, ago(45 * MIN));
    const app = await serve(operatorRoutes(depsOf(t.db)));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const body = res.json<{ status: string; reasons: string[] }>();
    expect(body.status).toBe('not_ready');
    expect(body.reasons).toEqual([
      expect.stringMatching(/^watcher: office@imap\.example\.cn\/INBOX last synced/),
    ]);
    await app.close();
  });

  it('answers /readyz 503 when the configured mailbox never synced', async () => {
    await t.db.kysely.deleteFrom('mailbox_state').execute();
    const app = await serve(operatorRoutes(depsOf(t.db)));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ reasons: string[] }>().reasons).toEqual([`watcher: ${ACCOUNT} never synced`]);
    await app.close();
  });

  it('answers /readyz 503 naming Redis when it is unreachable', async () => {
    await syncedAt(t.db, ago(2 * MIN));
    const port = await closedPort();
    const app = await serve(operatorRoutes(depsOf(t.db, `redis://127.0.0.1:${port}`)));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ reasons: string[] }>().reasons).toEqual([
      expect.stringMatching(/^redis: unreachable/),
    ]);
    await app.close();
  });

  it('answers /readyz 503 naming the database when it does not answer', async () => {
    const closed = await t.open();
    await closed.kysely.selectFrom('mailbox_state').selectAll().execute();
    await closed.close();
    const app = await serve(operatorRoutes(depsOf(closed)));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ reasons: string[] }>().reasons).toEqual([
      expect.stringMatching(/^database: /),
    ]);
    await app.close();
  });
});

/** Prometheus text exposition format, strictly enough to catch a malformed line. */
function parsePrometheus(text: string): Map<string, Array<{ labels: string; value: number }>> {
  const samples = new Map<string, Array<{ labels: string; value: number }>>();
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* /.test(line)) continue;
    const m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$/.exec(
        line,
      );
    if (!m?.[1] || !m[3]) throw new Error(`not Prometheus text: ${line}`);
    // Go's ParseFloat, as Prometheus reads values: NaN and ±Inf in any case.
    const text = m[3];
    const value = /^nan$/i.test(text)
      ? NaN
      : /^[+-]?inf$/i.test(text)
        ? (text.startsWith('-') ? -1 : 1) * Infinity
        : Number(text);
    if (Number.isNaN(value) && !/^nan$/i.test(text)) throw new Error(`not a number: ${line}`);
    const list = samples.get(m[1]) ?? [];
    list.push({ labels: m[2] ?? '', value });
    samples.set(m[1], list);
  }
  return samples;
}

describe.each(TEST_DIALECTS)('/metrics (%s)', (dialect) => {
  const t = useTestDatabase(dialect);

  beforeAll(async () => {
    await syncedAt(t.db, ago(90_000));
    const message = (n: number, outcome: string | null, receivedAgo: number, took: number) => ({
      sha256: `${dialect}-${n}`.padEnd(64, '0'),
      raw: Buffer.from(`Subject: ${n}\r\n\r\n`),
      size: 16,
      source: 'file' as const,
      file_name: `${n}.eml`,
      received_at: ago(receivedAgo),
      outcome,
      processed_at: outcome ? ago(receivedAgo - took) : null,
    });
    const ids = await t.db.kysely
      .insertInto('raw_messages')
      .values([
        message(1, 'submission', 60 * MIN, 4_000),
        message(2, 'submission', 50 * MIN, 20_000),
        message(3, 'quarantined', 40 * MIN, 2_000),
        message(4, null, 30 * MIN, 0),
        // Outside the 7-day window: counted by outcome, not in the histograms.
        message(5, 'ignored', 9 * 24 * 60 * MIN, 1_000),
      ])
      .returning('id')
      .execute();
    const mail = (
      key: string,
      kind: string,
      status: 'sent' | 'queued' | 'failed',
      subject: string,
      createdAgo: number,
      rawMessageId: number | null = null,
      sentAgo: number | null = null,
    ) => ({
      mail_key: key,
      kind,
      recipients_json: '[]',
      subject,
      status,
      attempts: status === 'queued' ? 0 : 1,
      raw_message_id: rawMessageId,
      sent_at: sentAgo === null ? null : ago(sentAgo),
      created_at: ago(createdAgo),
      updated_at: ago(createdAgo),
    });
    await t.db.kysely
      .insertInto('outgoing_mails')
      .values([
        mail('reply:1', 'receipt', 'sent', '回执', 59 * MIN, ids[0]?.id ?? 0, 59 * MIN),
        mail('reply:3', 'quarantine', 'sent', '回执', 39 * MIN, ids[2]?.id ?? 0, 38 * MIN),
        mail(
          'reminder:2026-03-09:a:r1',
          'reminder',
          'sent',
          '【提醒】请于3月13日报送',
          3 * 24 * 60 * MIN,
        ),
        mail(
          'reminder:2026-03-09:a:r2',
          'reminder',
          'sent',
          '【逾期】请尽快报送',
          2 * 24 * 60 * MIN,
        ),
        mail(
          'reminder:2026-03-09:a:r3',
          'reminder',
          'sent',
          '【督办】某单位未按时报送',
          24 * 60 * MIN,
        ),
        mail('digest:2026-03-09:v1', 'digest', 'queued', '周报', 25 * MIN),
      ])
      .execute();
  });

  it('serves Prometheus text with every named metric, counted from the database', async () => {
    const app = await serve(operatorRoutes(depsOf(t.db)));
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const samples = parsePrometheus(res.body);
    const value = (name: string, labels = ''): number | undefined =>
      samples.get(name)?.find((s) => s.labels === labels)?.value;

    for (const name of [
      'duban_messages',
      'duban_mails',
      'duban_reminders_sent',
      'duban_intake_duration_seconds_bucket',
      'duban_intake_duration_seconds_count',
      'duban_answer_latency_seconds_bucket',
      'duban_answer_latency_seconds_sum',
      'duban_queue_jobs',
      'duban_redis_up',
      'duban_watcher_last_sync_age_seconds',
      'duban_mails_not_sent_in_time',
      'duban_messages_unprocessed',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect({ name, present: samples.has(name) }).toEqual({ name, present: true });
    }
    expect(value('duban_messages', '{outcome="submission"}')).toBe(2);
    expect(value('duban_messages', '{outcome="pending"}')).toBe(1);
    expect(value('duban_messages', '{outcome="ignored"}')).toBe(1);
    expect(value('duban_mails', '{kind="reminder",status="sent"}')).toBe(3);
    expect(value('duban_reminders_sent', '{tone="escalation"}')).toBe(1);
    expect(value('duban_reminders_sent', '{tone="overdue"}')).toBe(1);
    expect(value('duban_reminders_sent', '{tone="reminder"}')).toBe(1);
    // Three processed messages in the window: 2 s, 4 s and 20 s.
    expect(value('duban_intake_duration_seconds_count')).toBe(3);
    expect(value('duban_intake_duration_seconds_bucket', '{le="5"}')).toBe(2);
    // Answered 60 s and 120 s after they were stored.
    expect(value('duban_answer_latency_seconds_count')).toBe(2);
    expect(value('duban_answer_latency_seconds_sum')).toBe(180);
    expect(value('duban_queue_jobs', '{queue="intake",state="waiting"}')).toBe(0);
    expect(value('duban_redis_up')).toBe(1);
    expect(
      value('duban_watcher_last_sync_age_seconds', `{account="${ACCOUNT}",mailbox="INBOX"}`),
    ).toBe(90);
    expect(value('duban_mails_not_sent_in_time')).toBe(1);
    expect(value('duban_messages_unprocessed')).toBe(1);
    await app.close();
  });
});

describe('/ops (sqlite)', () => {
  const t = useTestDatabase('sqlite');

  it('shows the sync, the queues and a failed job, with hostile text escaped', async () => {
    await syncedAt(t.db, ago(3 * MIN), `IMAP said ${HOSTILE}`);
    const jobId = `hostile-${randomBytes(3).toString('hex')}`;
    await queues.intake.add('message', { rawMessageId: 1 }, { jobId, attempts: 1 });
    const worker = new Worker('intake', () => Promise.reject(new Error(`sheet said ${HOSTILE}`)), {
      connection: connectionOf(REDIS_URL, true),
      prefix,
      autorun: false,
    });
    const failed = new Promise<void>((resolve) => worker.on('failed', () => resolve()));
    void worker.run();
    await failed;
    await worker.close();

    const app = await serve(opsRoutes({ ...depsOf(t.db), version: '9.9.9' }), ADMIN);
    const res = await app.inject({ method: 'GET', url: '/ops' });
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('<html lang="zh-CN">');
    expect(body).toContain('版本：9.9.9');
    expect(body).toContain(ACCOUNT);
    expect(body).toContain('失败任务');
    expect(body).toContain(`message（${jobId}）`);
    expect(body).toContain('2026年3月16日（星期一）09:57');
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain(
      'sheet said &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(body).toContain('IMAP said &lt;script&gt;');
    await app.close();
  });

  it('still renders when Redis is unreachable, saying so', async () => {
    const port = await closedPort();
    const down = new Queues({ redisUrl: `redis://127.0.0.1:${port}`, prefix });
    try {
      const app = await serve(
        opsRoutes({ ...depsOf(t.db), queues: new BullQueueReads([down.intake]), version: '1' }),
        ADMIN,
      );
      const res = await app.inject({ method: 'GET', url: '/ops' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('无法读取队列（Redis）');
      await app.close();
    } finally {
      await down.close();
    }
  });
});

describe('Bull Board under /ops/queues', () => {
  async function board(allow: boolean): Promise<FastifyInstance> {
    const app = Fastify();
    await registerBullBoard(app, [queues.intake, queues.outbound], async (_req, reply) => {
      if (!allow) await reply.code(403).send('forbidden');
    });
    await app.ready();
    return app;
  }

  it('serves its page and assets from the console itself, with no link outside it', async () => {
    const app = await board(true);
    const res = await app.inject({ method: 'GET', url: '/ops/queues/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<base href="/ops/queues/"');
    expect(res.body).not.toMatch(/(?:src|href)="https?:/);
    const assets = [...res.body.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      const got = await app.inject({ method: 'GET', url: `/ops/queues/${asset ?? ''}` });
      expect({ asset, status: got.statusCode }).toEqual({ asset, status: 200 });
    }
    const api = await app.inject({ method: 'GET', url: '/ops/queues/api/queues' });
    expect(api.statusCode).toBe(200);
    await app.close();
  });

  it('refuses whoever the guard refuses, and actions from another origin', async () => {
    const refused = await board(false);
    expect((await refused.inject({ method: 'GET', url: '/ops/queues/' })).statusCode).toBe(403);
    await refused.close();
    const app = await board(true);
    const forged = await app.inject({
      method: 'PUT',
      url: '/ops/queues/api/queues/intake/retry/failed',
      headers: { origin: 'https://elsewhere.example.org', host: 'localhost:80' },
    });
    expect(forged.statusCode).toBe(403);
    await app.close();
  });
});
