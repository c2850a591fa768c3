/**
 * The office pages (/messages, downloads, /quarantine and its actions, /digests, /schedule) over
 * SQLite, seeded through the real intake, each page injected through a bare fastify instance
 * with a fake signed-in viewer (the server's sign-in, roles and CSRF are web-core's; here the
 * role check is the route contract's `allowed()`).
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { DocumentReader } from '../../src/adapters/formats/document-reader';
import { auditEntries, getMail } from '../../src/adapters/storage';
import { officeRoutes } from '../../src/adapters/web/routes/office';
import { allowed, type Viewer } from '../../src/adapters/web/route';
import { intakeDepsOver } from '../../src/compose/intake';
import { documentConverter } from '../../src/compose/converters';
import { officeDepsOver } from '../../src/compose/office';
import type { Schedule } from '../../src/config/schedule';
import { useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, TEST_SETTINGS, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';

const MONDAY_10 = new Date('2021-03-15T02:00:00Z');
const NOW = new Date('2021-03-15T03:00:00Z');
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const HOSTILE_FILE = '"><img src=x onerror=alert(1)>.xlsx';

const OFFICE: Viewer = { email: 'office@example.cn', name: '联合会议办公室', role: 'office' };
const LEADER: Viewer = { email: 'convenor-1@example.cn', name: '召集人', role: 'leader' };

describe('the office pages', () => {
  const t = useTestDatabase('sqlite');
  let schedule: Schedule;
  let h: IntakeHarness;
  let sheet: Buffer;
  const note = Buffer.from('会议纪要：第一次协调会。\n', 'utf8');
  const ids: Record<string, number> = {};
  const apps: FastifyInstance[] = [];
  const logger = pino({ level: 'silent' });

  async function appFor(viewer: Viewer): Promise<FastifyInstance> {
    const deliver = { db: t.db, transport: h.transport, logger, dailyCap: 1000, now: () => NOW };
    const deps = officeDepsOver(
      {
        db: t.db,
        get schedule() {
          return schedule;
        },
        intake: TEST_SETTINGS,
        intakeDeps: () =>
          intakeDepsOver({
            ...deliver,
            sheets: new DocumentReader(
              (bytes, options) => h.pool.read(bytes, options),
              documentConverter(),
            ),
            schedule,
            settings: TEST_SETTINGS,
          }),
        deliverDeps: () => deliver,
        workerName: 'test',
      },
      () => ({ at: NOW, result: 'refused', messages: [`schedule.yaml:3:5 ${HOSTILE}`] }),
    );
    const app = Fastify();
    await app.register(formbody);
    for (const route of officeRoutes(deps)) {
      app.route({
        method: route.method,
        url: route.url,
        handler: async (req, reply) => {
          if (!allowed(route.access, viewer)) return reply.code(403).send('forbidden');
          return route.handler(req, reply, { viewer, csrfToken: 'csrf-token', now: NOW });
        },
      });
    }
    apps.push(app);
    return app;
  }

  let office: FastifyInstance;
  let leader: FastifyInstance;

  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
    sheet = await filledTemplate(schedule, 'jiaoyu', { progress: '已完成清算初审。' });
    const accepted = await h.ingest(
      t.db,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        attachments: [
          { filename: '锦川实验小学问题清单.xlsx', content: sheet },
          { filename: '会议纪要.txt', content: note, contentType: 'text/plain' },
        ],
      }),
      { internalDate: MONDAY_10 },
    );
    ids.accepted = accepted.rawMessageId;
    const stranger = (from: string, subject: string, filename: string) =>
      buildEml({ from, subject, attachments: [{ filename, content: sheet }] });
    for (const [name, from, subject, file] of [
      ['hostile', 'stranger@example.org', HOSTILE, HOSTILE_FILE],
      ['dismiss', 'spam@example.org', '推广', 'a.xlsx'],
      ['reprocess', 'new-clerk@example.cn', '问题清单', '问题清单.xlsx'],
    ] as const) {
      const o = await h.ingest(t.db, await stranger(from, subject, file), {
        internalDate: MONDAY_10,
      });
      expect(o.outcome).toBe('quarantined');
      ids[name] = o.rawMessageId;
    }
    office = await appFor(OFFICE);
    leader = await appFor(LEADER);
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await h.close();
  });

  it('lists every received message with its unit, outcome and decoded attachments, escaped', async () => {
    const res = await leader.inject('/messages');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('区教育局');
    expect(res.body).toContain('锦川实验小学问题清单.xlsx');
    expect(res.body).toContain('已受理');
    expect(res.body).toContain('UNKNOWN_SENDER');
    expect(res.body).toContain('2021年3月15日 10:00');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;.xlsx');
    // A leader reads; the downloads are the office's.
    expect(res.body).not.toContain('raw.eml');
  });

  it('filters by outcome, unit and week, and ignores values it does not know', async () => {
    const q = await office.inject('/messages?outcome=quarantined');
    expect(q.body).toContain('spam@example.org');
    expect(q.body).not.toContain('锦川实验小学问题清单.xlsx');
    const u = await office.inject('/messages?unit=jiaoyu&week=2021-03-15');
    expect(u.body).toContain('锦川实验小学问题清单.xlsx');
    expect(u.body).not.toContain('spam@example.org');
    const junk = await office.inject(
      `/messages?unit=${encodeURIComponent(HOSTILE)}&page=-3&outcome=x`,
    );
    expect(junk.statusCode).toBe(200);
    expect(junk.body).toContain('spam@example.org');
    expect(junk.body).not.toContain('<img src=x');
  });

  it('downloads the raw message and each attachment byte for byte, with decoded names', async () => {
    const raw = await t.db.kysely
      .selectFrom('raw_messages')
      .select('raw')
      .where('id', '=', ids.accepted!)
      .executeTakeFirstOrThrow();
    const eml = await office.inject(`/messages/${ids.accepted}/raw.eml`);
    expect(eml.statusCode).toBe(200);
    expect(eml.headers['content-type']).toBe('message/rfc822');
    expect(eml.headers['content-disposition']).toMatch(/^attachment; filename="message-\d+\.eml"/);
    expect(eml.rawPayload.equals(raw.raw)).toBe(true);

    const rows = await t.db.kysely
      .selectFrom('attachments')
      .selectAll()
      .where('raw_message_id', '=', ids.accepted!)
      .orderBy('ordinal')
      .execute();
    const [xlsx, txt] = rows;
    expect(xlsx?.bytes).not.toBeNull();
    const a = await office.inject(`/attachments/${xlsx?.id}`);
    expect(a.statusCode).toBe(200);
    expect(a.headers['content-type']).toBe('application/octet-stream');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('锦川实验小学问题清单.xlsx')}`,
    );
    expect(a.rawPayload.equals(sheet)).toBe(true);
    // Not kept by the intake: taken again from the raw message.
    expect(txt?.bytes).toBeNull();
    const b = await office.inject(`/attachments/${txt?.id}`);
    expect(b.statusCode).toBe(200);
    expect(b.rawPayload.equals(note)).toBe(true);

    expect((await leader.inject(`/attachments/${xlsx?.id}`)).statusCode).toBe(403);
  });

  it('refuses anything but an integer id: no path traversal', async () => {
    for (const url of [
      '/attachments/..%2F..%2F..%2Fetc%2Fpasswd',
      '/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/attachments/..%252F..%252Fetc%252Fpasswd',
      '/attachments/1%2F..%2F2',
      '/attachments/1.0',
      '/attachments/0x1',
      '/attachments/-1',
      '/attachments/99999999',
      '/messages/..%2F1/raw.eml',
      '/messages/%2e%2e/raw.eml',
    ]) {
      const res = await office.inject(url);
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.body).not.toContain('root:');
    }
    const res = await office.inject('/attachments/../../etc/passwd');
    expect(res.statusCode).toBe(404);
  });

  it('releases a quarantined message to a unit after a confirmation: its own receipt, audited', async () => {
    const list = await office.inject('/quarantine');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/quarantine/${ids.hostile}/release`);
    expect(list.body).not.toContain('<img src=x');
    const confirm = await office.inject(`/quarantine/${ids.hostile}/release`);
    expect(confirm.body).toContain('name="_csrf" value="csrf-token"');
    expect(confirm.body).toContain('<option value="jiaoyu">区教育局</option>');
    expect(confirm.body).not.toContain('<img src=x');

    const post = await office.inject({
      method: 'POST',
      url: `/quarantine/${ids.hostile}/release`,
      payload: { _csrf: 'csrf-token', unit: 'jiaoyu' },
    });
    expect(post.statusCode).toBe(303);
    expect(post.headers.location).toBe(`/quarantine?done=released&id=${ids.hostile}`);
    const mail = await getMail(t.db, `release:${ids.hostile}:1`);
    expect(mail).toMatchObject({ unit_id: 'jiaoyu', raw_message_id: ids.hostile });
    expect(mail?.status).toBe('sent');
    const [entry] = await auditEntries(t.db, {
      event: 'message.released',
      rawMessageId: ids.hostile!,
    });
    expect(entry?.actor).toBe('office@example.cn');
    const after = await office.inject(`/quarantine?done=released&id=${ids.hostile}`);
    expect(after.body).toContain('已转交单位处理');
    expect(after.body).not.toContain(`/quarantine/${ids.hostile}/release`);

    const again = await office.inject({
      method: 'POST',
      url: `/quarantine/${ids.hostile}/release`,
      payload: { _csrf: 'csrf-token', unit: 'jiaoyu' },
    });
    expect(again.statusCode).toBe(409);
    const leaderPost = await leader.inject({
      method: 'POST',
      url: `/quarantine/${ids.dismiss}/release`,
      payload: { _csrf: 'csrf-token', unit: 'jiaoyu' },
    });
    expect(leaderPost.statusCode).toBe(403);
  });

  it('dismisses a held message with a note: audited, and gone from the list', async () => {
    const empty = await office.inject({
      method: 'POST',
      url: `/quarantine/${ids.dismiss}/dismiss`,
      payload: { _csrf: 'csrf-token', note: '  ' },
    });
    expect(empty.statusCode).toBe(409);
    const post = await office.inject({
      method: 'POST',
      url: `/quarantine/${ids.dismiss}/dismiss`,
      payload: { _csrf: 'csrf-token', note: '推广邮件，无需处理。' },
    });
    expect(post.statusCode).toBe(303);
    const [entry] = await auditEntries(t.db, {
      event: 'message.dismissed',
      rawMessageId: ids.dismiss!,
    });
    expect(entry).toMatchObject({ actor: 'office@example.cn' });
    expect(JSON.parse(entry?.details_json ?? '{}')).toMatchObject({ note: '推广邮件，无需处理。' });
    const list = await office.inject('/quarantine');
    expect(list.body).not.toContain('spam@example.org');
  });

  it('reprocesses a stored message after a schedule fix, answering under a new key', async () => {
    const original = schedule;
    schedule = {
      ...original,
      units: original.units.map((u) =>
        u.id === 'jiaoyu' ? { ...u, addresses: [...u.addresses, 'new-clerk@example.cn'] } : u,
      ),
    };
    try {
      const confirm = await office.inject(`/quarantine/${ids.reprocess}/reprocess`);
      expect(confirm.body).toContain(`action="/quarantine/${ids.reprocess}/reprocess"`);
      const post = await office.inject({
        method: 'POST',
        url: `/quarantine/${ids.reprocess}/reprocess`,
        payload: { _csrf: 'csrf-token' },
      });
      expect(post.statusCode).toBe(303);
      const row = await t.db.kysely
        .selectFrom('raw_messages')
        .select(['outcome', 'unit_id'])
        .where('id', '=', ids.reprocess!)
        .executeTakeFirstOrThrow();
      expect(row.unit_id).toBe('jiaoyu');
      expect(row.outcome).toMatch(/^accepted/);
      expect(await getMail(t.db, `reprocess:${ids.reprocess}:1`)).toMatchObject({
        kind: 'receipt',
      });
      const [entry] = await auditEntries(t.db, {
        event: 'message.reprocessed',
        rawMessageId: ids.reprocess!,
      });
      expect(entry?.actor).toBe('office@example.cn');
    } finally {
      schedule = original;
    }
  });

  it('sends the digest on demand once confirmed, then shows it as sent, sandboxed', async () => {
    const before = await leader.inject('/digests');
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('尚未发送过周报');
    expect(before.body).not.toContain('/digests/send');
    const confirm = await office.inject('/digests/send');
    expect(confirm.body).toContain('name="_csrf"');
    const post = await office.inject({
      method: 'POST',
      url: '/digests/send',
      payload: { _csrf: 'csrf-token' },
    });
    expect(post.statusCode).toBe(303);
    const [entry] = await auditEntries(t.db, { event: 'digest.sent_now' });
    expect(entry?.actor).toBe('office@example.cn');
    const digest = await t.db.kysely
      .selectFrom('outgoing_mails')
      .select(['id', 'status'])
      .where('kind', '=', 'digest')
      .executeTakeFirstOrThrow();
    expect(digest.status).toBe('sent');
    const list = await leader.inject('/digests');
    expect(list.body).toContain(`/digests/${digest.id}`);
    const shown = await leader.inject(`/digests/${digest.id}`);
    expect(shown.body).toContain(`<iframe`);
    expect(shown.body).toContain('sandbox=""');
    const body = await leader.inject(`/digests/${digest.id}/html`);
    expect(body.statusCode).toBe(200);
    expect(body.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    expect(body.body).toContain('<html');
    const next = await leader.inject('/digests/next/html');
    expect(next.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await leader.inject('/digests/..%2F1/html')).statusCode).toBe(404);
  });

  it('shows the schedule in force and the last reload’s messages, escaped', async () => {
    const res = await leader.inject('/schedule');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('区教育局');
    expect(res.body).toContain('jiaoyu@example.cn');
    expect(res.body).toContain('完成重新招投标');
    expect(res.body).toContain('有错误，未生效');
    expect(res.body).toContain('schedule.yaml:3:5');
    expect(res.body).not.toContain('<img src=x');
  });
});
