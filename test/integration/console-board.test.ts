/**
 * The console's read-only pages (week board, a unit's page, a project's page, the departments)
 * over SQLite, seeded through the real intake: states, dates, links, and hostile sheet text
 * rendered inert. Each page is injected through a bare fastify instance that calls the board's
 * handlers with a fake office viewer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { markMailSent, queueMail } from '../../src/adapters/storage';
import { StorageBoardReads } from '../../src/adapters/storage/board-reads';
import { boardRoutes } from '../../src/adapters/web/routes/board';
import type { PageContext } from '../../src/adapters/web/route';
import type { Schedule } from '../../src/config/schedule';
import { useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';

const CLOUD_LINKS = path.join(__dirname, '..', 'fixtures', 'cloud-links');
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
/** Tuesday 2021-03-16 09:00 in Beijing: the week of 2021-03-15 is past its deadline. */
const NOW = new Date('2021-03-16T01:00:00Z');

describe('the console’s read-only pages (SQLite)', () => {
  const t = useTestDatabase('sqlite');
  let schedule: Schedule;
  let h: IntakeHarness;
  let app: FastifyInstance;
  let weijianSheet: number | null = null;
  let base = '';

  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
    // 区卫健局: the same problems two weeks running; this week's 协调推进情况 is hostile text.
    for (const [week, at, progress] of [
      ['2021-03-08', '2021-03-08T02:00:00Z', '已完成前期对接。'],
      ['2021-03-15', '2021-03-15T02:00:00Z', `已组织进场。${HOSTILE}`],
    ] as const) {
      const raw = await buildEml({
        from: 'weijian@example.cn',
        date: new Date(at),
        attachments: [
          {
            filename: `卫健局问题清单${week}.xlsx`,
            content: await filledTemplate(schedule, 'weijian', { week, progress }),
          },
        ],
      });
      const o = await h.ingest(t.db, raw, { internalDate: new Date(at), now: new Date(at) });
      expect(o.outcome).toBe('accepted');
      weijianSheet = o.submissionId;
    }
    // 区教育局: only a QQ Mail large-attachment link.
    const cloud = await h.ingest(t.db, fs.readFileSync(path.join(CLOUD_LINKS, 'qq-ftn.eml')), {
      internalDate: new Date('2021-03-15T02:05:00Z'),
      now: new Date('2021-03-15T02:05:00Z'),
    });
    expect(cloud.outcome).toBe('rejected');
    // 区农水局: nothing; reminded and escalated.
    for (const stage of ['overdue', 'escalation']) {
      const { mail } = await queueMail(t.db, {
        key: `reminder:2021-03-15:nongshui:${stage}`,
        kind: 'reminder',
        subject: `催报（${stage}）`,
        recipients: { rcpt: ['nongshui@example.cn'] },
        messageId: null,
        eml: await buildEml({ from: 'duban-inbox@example.cn', text: '请尽快报送问题清单。' }),
        unitId: 'nongshui',
        reportingWeek: '2021-03-15',
        now: new Date('2021-03-15T10:30:00Z'),
      });
      await markMailSent(t.db, mail.id, { now: new Date('2021-03-15T10:31:00Z') });
    }

    const ctx: PageContext = {
      viewer: { email: 'office@example.cn', name: '联合会议办公室', role: 'office' },
      csrfToken: 'token',
      now: NOW,
    };
    app = Fastify();
    for (const r of boardRoutes({ reads: new StorageBoardReads(t.db), schedule: () => schedule })) {
      app.route({
        method: r.method,
        url: r.url,
        handler: (req, reply) => r.handler(req, reply, ctx),
      });
    }
    // Served on a loopback port and read with fetch: fastify's inject loads an ESM-only
    // `cookie` that jest cannot require.
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  const get = async (
    url: string,
  ): Promise<{ statusCode: number; body: string; headers: Record<string, string> }> => {
    const res = await fetch(`${base}${url}`, { redirect: 'manual' });
    return {
      statusCode: res.status,
      body: await res.text(),
      headers: Object.fromEntries(res.headers.entries()),
    };
  };

  /** The table row of a unit on the week board. */
  const rowOf = (body: string, unitId: string): string => {
    const start = body.indexOf(`<a href="/units/${unitId}?week=`);
    return body.slice(start, body.indexOf('</tr>', start));
  };

  it('shows the week board: deadline, each unit’s state, arrival, reminders and links', async () => {
    const res = await get('/weeks/2021-03-15');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const body = res.body;
    expect(body).toContain('2021年3月15日当周');
    expect(body).toContain('2021年3月15日（星期一）18:00');
    expect(body).toContain('href="/weeks/2021-03-08"');
    expect(body).toContain('href="/weeks/2021-03-22"');
    expect(body).toMatch(/<input type="date" name="date" value="2021-03-15"/);

    const weijian = rowOf(body, 'weijian');
    expect(weijian).toContain('按时报送');
    expect(weijian).toContain('2021年3月15日（星期一）10:00');
    expect(weijian).toMatch(/href="\/attachments\/\d+"\s*>卫健局问题清单2021-03-15\.xlsx/);

    const jiaoyu = rowOf(body, 'jiaoyu');
    expect(jiaoyu).toContain('已收到邮件，未能使用');
    expect(jiaoyu).toContain('CLOUD_LINK');
    expect(jiaoyu).toContain('教育局问题清单（3月15日）.xlsx');
    expect(jiaoyu).toContain('href="http://mail.qq.com/cgi-bin/ftnExs_download?');

    const nongshui = rowOf(body, 'nongshui');
    expect(nongshui).toContain('未报送');
    expect(nongshui).toContain('催报（overdue）');
    expect(nongshui).toContain('提请领导督办（escalation）');
  });

  it('redirects a day of a week to its Monday and refuses an invalid date with a zh-CN 404', async () => {
    const wed = await get('/weeks/2021-03-17');
    expect(wed.statusCode).toBe(302);
    expect(wed.headers.location).toBe('/weeks/2021-03-15');
    const picked = await get('/weeks?date=2021-03-18');
    expect(picked.headers.location).toBe('/weeks/2021-03-15');
    for (const bad of ['/weeks/2021-02-30', '/weeks/next-week']) {
      const res = await get(bad);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('未找到');
    }
  });

  it('shows a unit’s weeks, versions with what was read, the original and its mails, hostile text inert', async () => {
    const res = await get('/units/weijian');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('区卫健局');
    expect(body).toContain('href="/weeks/2021-03-15"');
    expect(body).toContain('资金概算：资金缺口约200万元。');
    expect(body).toContain('区财政局');
    expect(body).toContain(`href="/attachments/`);
    expect(body).toContain('当前版本');
    expect(body).toContain('报送情况：按时'); // the receipt's text
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;',
    );
    expect(weijianSheet).not.toBeNull();
    expect(body).toContain(`id="v${String(weijianSheet)}"`);

    const jiaoyu = (await get('/units/jiaoyu')).body;
    expect(jiaoyu).toContain('更正通知');
    expect(jiaoyu).toContain('超大附件');

    const nobody = await get('/units/nobody');
    expect(nobody.statusCode).toBe(404);
    expect(nobody.body).toContain('未找到该单位');
  });

  it('shows a project’s targets and problems across weeks with the digest’s marks', async () => {
    const res = await get('/projects/p2');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('资金概算');
    expect(body).toContain('【未变化，连续2周】');
    expect(body).toContain('【新增】');
    expect(body).toContain('区财政局');
    expect(body).toContain('建议区财政局尽快安排资金。');
    expect(body).toContain('href="/units/weijian"');
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const missing = await get('/projects/p404');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('未找到该项目');
  });

  it('lists the week’s problems by responsible department', async () => {
    const res = await get('/departments?week=2021-03-15');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('区财政局');
    expect(res.body).toContain('href="/projects/p2"');
    expect(res.body).toContain('【未变化，连续2周】');
    // Without a week: the latest week past its deadline at NOW.
    expect((await get('/departments')).body).toContain('2021年3月15日当周');
  });
});
