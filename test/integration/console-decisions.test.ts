/**
 * The console's pages of agreed items (/decisions, /decisions/<id>, the office's confirm /
 * send-back / reopen, /decisions/new) and the ledger (/ledger, /ledger.xlsx), through the real
 * console server (sign-in sessions, roles, CSRF) over SQLite: first with the items in an
 * in-memory DecisionStore and the office's actions recorded by stand-ins that move the item's
 * state as the use cases do, then over the SQL store with the use cases themselves.
 */
import pino from 'pino';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../../src/adapters/web/deps';
import type { OfficeDeps } from '../../src/adapters/web/routes/office';
import { decisionRoutes, type DecisionActions } from '../../src/adapters/web/routes/decisions';
import { buildWebServer } from '../../src/adapters/web/server';
import { decisionStoreOver } from '../../src/compose/decisions';
import { startSession } from '../../src/adapters/web/sign-in';
import { parseWebEnv } from '../../src/config/env/web';
import type { Schedule } from '../../src/config/schedule';
import type { ItemListReading } from '../../src/domain/decisions/types';
import { DubanError } from '../../src/errors';
import { useTestDatabase } from '../helpers/db';
import { HOSTILE_TEXT, LEDGER_NOW, ledgerScenario } from '../helpers/ledger-scenario';
import type { MemoryDecisionStore } from '../helpers/memory-decision-store';
import { exampleSchedule } from '../helpers/sheets';

const OFFICE = 'office-staff@example.cn';
const LEADER = 'convenor-1@example.cn';

interface Call {
  action: string;
  id: string;
  by: string;
  note?: string | null;
  reading?: ItemListReading;
}

describe('the console pages of agreed items and the ledger', () => {
  const t = useTestDatabase('sqlite');
  let schedule: Schedule;
  let store: MemoryDecisionStore;
  let app: FastifyInstance;
  let calls: Call[];

  function actions(): DecisionActions {
    const move = async (
      id: string,
      from: string[],
      to: 'open' | 'closed',
      kind: 'confirmed' | 'sent_back' | 'reopened',
      by: string,
      note: string | null,
      now: Date,
    ) => {
      const item = await store.item(id);
      if (!item) throw new DubanError('ITEM_NOT_FOUND', `no agreed item ${id}`);
      if (!from.includes(item.state)) throw new DubanError('ITEM_STATE_CONFLICT', 'state');
      return store.changeState(id, to, { kind, by, note }, now);
    };
    return {
      close: async (_deps, id, by, now) => {
        calls.push({ action: 'close', id, by });
        return move(id, ['open', 'awaiting_confirmation'], 'closed', 'confirmed', by, null, now);
      },
      sendBack: async (deps, id, r, now) => {
        calls.push({ action: 'sendBack', id, by: r.by, note: r.note });
        expect(deps.from).toBe('duban@example.cn');
        return move(id, ['awaiting_confirmation'], 'open', 'sent_back', r.by, r.note, now);
      },
      reopen: async (_deps, id, r, now) => {
        calls.push({ action: 'reopen', id, by: r.by, note: r.note });
        return move(id, ['closed'], 'open', 'reopened', r.by, r.note, now);
      },
      record: async (deps, reading, source, now) => {
        calls.push({ action: 'record', id: '', by: source.by, reading });
        const row = reading.rows[0];
        const date = reading.meeting.date ?? '';
        const byName = (names: string[]) =>
          names.map((n) => deps.schedule.units.find((u) => u.name === n)?.id ?? n);
        const project = deps.schedule.projects.find((p) => p.name === row?.project);
        const id = `${date.replaceAll('-', '')}-${row?.n ?? 0}`;
        const recorded = await deps.decisions.recordItems(
          [
            {
              id,
              meeting: { date, name: reading.meeting.name ?? '' },
              projectId: project?.id ?? null,
              projectAsWritten: row?.project ?? null,
              text: row?.text ?? '',
              responsibleUnits: byName(row?.responsible ?? []),
              cooperatingUnits: byName(row?.cooperating ?? []),
              unmatchedUnits: [],
              due: row?.due ?? '',
              note: row?.note ?? null,
            },
          ],
          source,
          now,
        );
        return {
          meeting: { date, name: reading.meeting.name ?? '' },
          recorded,
          items: await deps.decisions.items({ ids: [id] }),
          issues: [],
        };
      },
    };
  }

  async function session(email: string): Promise<{ cookie: string; csrf: string }> {
    const s = await startSession(t.db, email, LEDGER_NOW);
    return { cookie: `duban_session=${s.id}`, csrf: s.csrfToken };
  }

  beforeAll(async () => {
    schedule = await exampleSchedule();
  });
  beforeEach(async () => {
    calls = [];
    store = await ledgerScenario(schedule, { hostile: true });
    // Item 3 reported done again: awaiting the office's confirmation.
    await store.recordReports(
      [
        {
          itemId: '20210302-3',
          unitId: 'jiaoyu',
          week: '2021-03-15',
          progress: '已补充验收材料',
          status: '已办结',
          reportedAt: new Date('2021-03-15T02:00:00Z'),
          submissionId: 5,
          rawMessageId: 20,
        },
      ],
      new Date('2021-03-15T02:05:00Z'),
    );
    const web = parseWebEnv({});
    if (!web.ok) throw new Error(web.problems.join(' '));
    const deps: WebDeps = {
      db: t.db,
      schedule: () => schedule,
      now: () => LEDGER_NOW,
      web: web.value,
      mailFrom: 'duban@example.cn',
      sendMail: async () => undefined,
      logger: pino({ level: 'silent' }),
      office: {} as OfficeDeps,
      decisions: store,
    };
    app = buildWebServer(deps, {
      routes: decisionRoutes({
        decisions: store,
        schedule: () => schedule,
        mail: () => ({
          outboxAt: () => {
            throw new Error('not used by the stand-in');
          },
          from: 'duban@example.cn',
          workerName: 'test',
          logger: pino({ level: 'silent' }),
        }),
        actions: actions(),
      }),
    });
  });
  afterEach(async () => {
    await app.close();
  });

  const get = async (url: string, email = OFFICE) =>
    app.inject({ url, headers: { cookie: (await session(email)).cookie } });

  it('lists every item with its colour badge and the counts', async () => {
    const res = await get('/decisions', LEADER);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '共<strong>4</strong>项：未办结2项（红色1项、黄色1项、蓝色0项），待确认1项，已办结1项',
    );
    expect(res.body).toMatch(/<a href="\/decisions\/20210302-1">20210302-1<\/a>[\s\S]*?badge-red/);
    expect(res.body).toMatch(/20210302-2<\/a>[\s\S]*?badge-closed/);
    expect(res.body).toMatch(/20210302-3<\/a>[\s\S]*?badge-awaiting/);
    expect(res.body).toMatch(/20210302-4<\/a>[\s\S]*?badge-yellow/);
    // A leader reads; only the office records.
    expect(res.body).not.toContain('/decisions/new');
    expect((await get('/decisions')).body).toContain('href="/decisions/new"');
  });

  it('filters by state, colour and unit', async () => {
    const ids = (body: string) =>
      [...body.matchAll(/href="\/decisions\/(\d{8}-\d+)"/g)].map((m) => m[1]);
    expect(ids((await get('/decisions?state=closed')).body)).toEqual(['20210302-2']);
    expect(ids((await get('/decisions?colour=red')).body)).toEqual(['20210302-1']);
    expect(ids((await get('/decisions?unit=jiaotong')).body)).toEqual(['20210302-2']);
    expect(ids((await get('/decisions?unit=weijian&state=open')).body)).toEqual([
      '20210302-1',
      '20210302-4',
    ]);
    // Unknown values filter nothing.
    expect(ids((await get('/decisions?state=<x>&unit=nobody')).body)).toHaveLength(4);
  });

  it('shows an item with its history, and the office its actions', async () => {
    const res = await get('/decisions/20210302-1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('完成校舍用地清表');
    expect(res.body).toContain('办结时限2021年3月12日已过，尚未办结');
    for (const what of ['记录', '交办', '更新', '周报', '红色督办单']) {
      expect(res.body).toContain(`<strong>${what}</strong>`);
    }
    expect(res.body).toContain('href="/decisions/20210302-1/confirm"');
    const leader = await get('/decisions/20210302-1', LEADER);
    expect(leader.body).not.toContain('/confirm');
    expect((await get('/decisions/20210302-9')).statusCode).toBe(404);
    expect((await get('/decisions/..%2Fetc')).statusCode).toBe(404);
  });

  it('renders hostile item text inert on every page', async () => {
    for (const url of [
      '/decisions',
      '/decisions/20210302-4',
      '/ledger',
      '/decisions/20210302-4/confirm',
    ]) {
      const res = await get(url);
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.body).not.toContain('<script>alert');
      expect(res.body).not.toContain('<img src=x');
      expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });

  it('confirms an item closed through a confirmation page and a POST with the CSRF token', async () => {
    const s = await session(OFFICE);
    const form = await app.inject({
      url: '/decisions/20210302-3/confirm',
      headers: { cookie: s.cookie },
    });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/decisions/20210302-3/confirm"');
    expect(form.body).toContain(`name="_csrf" value="${s.csrf}"`);
    const refused = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-3/confirm',
      headers: { cookie: s.cookie },
      payload: {},
    });
    expect(refused.statusCode).toBe(403);
    expect(calls).toEqual([]);
    const res = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-3/confirm',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/decisions/20210302-3?done=confirmed');
    expect(calls).toEqual([{ action: 'close', id: '20210302-3', by: `console:${OFFICE}` }]);
    expect((await store.item('20210302-3'))?.state).toBe('closed');
    const after = await get('/decisions/20210302-3?done=confirmed');
    expect(after.body).toContain('已办结销号。');
    expect(after.body).toContain(`确认办结（${OFFICE}（控制台））`);
    // Confirmed again: the state no longer allows it.
    const again = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-3/confirm',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf },
    });
    expect(again.statusCode).toBe(409);
  });

  it('sends an item back only with a note', async () => {
    const s = await session(OFFICE);
    const form = await app.inject({
      url: '/decisions/20210302-3/send-back',
      headers: { cookie: s.cookie },
    });
    expect(form.body).toMatch(/<textarea[^>]*name="note"[^>]*required/);
    const without = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-3/send-back',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf, note: '   ' },
    });
    expect(without.statusCode).toBe(400);
    expect(without.body).toContain('退回须填写说明。');
    expect(calls).toEqual([]);
    const res = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-3/send-back',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf, note: '验收材料缺少签章页' },
    });
    expect(res.statusCode).toBe(303);
    expect(calls).toEqual([
      { action: 'sendBack', id: '20210302-3', by: `console:${OFFICE}`, note: '验收材料缺少签章页' },
    ]);
    expect((await store.item('20210302-3'))?.state).toBe('open');
  });

  it('reopens a closed item', async () => {
    const s = await session(OFFICE);
    const res = await app.inject({
      method: 'POST',
      url: '/decisions/20210302-2/reopen',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf, note: '' },
    });
    expect(res.statusCode).toBe(303);
    expect(calls).toEqual([
      { action: 'reopen', id: '20210302-2', by: `console:${OFFICE}`, note: null },
    ]);
    expect((await get('/decisions/20210302-2')).body).toContain('<strong>重新打开</strong>');
  });

  it('refuses a leader every action (403), pages and POSTs alike', async () => {
    const s = await session(LEADER);
    for (const url of [
      '/decisions/20210302-3/confirm',
      '/decisions/20210302-3/send-back',
      '/decisions/20210302-2/reopen',
      '/decisions/new',
    ]) {
      const page = await app.inject({ url, headers: { cookie: s.cookie } });
      expect([url, page.statusCode]).toEqual([url, 403]);
      const post = await app.inject({
        method: 'POST',
        url,
        headers: { cookie: s.cookie },
        payload: { _csrf: s.csrf, note: 'x' },
      });
      expect([url, post.statusCode]).toEqual([url, 403]);
    }
    expect(calls).toEqual([]);
  });

  it('records one item from the office’s form as a list of one row', async () => {
    const s = await session(OFFICE);
    const form = await app.inject({ url: '/decisions/new', headers: { cookie: s.cookie } });
    expect(form.body).toContain('<select name="responsible" multiple');
    expect(form.body).toContain('区教育局');
    const bad = await app.inject({
      method: 'POST',
      url: '/decisions/new',
      headers: { cookie: s.cookie },
      payload: { _csrf: s.csrf, meetingDate: '2021-03-16', n: 'x', text: '' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('序号应为正整数。');
    expect(bad.body).toContain('请选择至少一个责任单位。');
    expect(calls).toEqual([]);
    const res = await app.inject({
      method: 'POST',
      url: '/decisions/new',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([
        ['_csrf', s.csrf],
        ['meetingDate', '2021-03-16'],
        ['meetingName', '区重点项目联合会议第4次会议'],
        ['n', '2'],
        ['project', 'p2'],
        ['text', '协调病房大楼电力接入'],
        ['responsible', 'weijian'],
        ['responsible', 'xincheng'],
        ['cooperating', 'jiaotong'],
        ['due', '2021-04-15'],
        ['note', ''],
      ]).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('已记录该议定事项。');
    expect(res.body).toContain('href="/decisions/20210316-2"');
    expect(calls[0]?.by).toBe(`console:${OFFICE}`);
    expect(calls[0]?.reading).toEqual({
      meeting: { name: '区重点项目联合会议第4次会议', date: '2021-03-16' },
      rows: [
        {
          n: 2,
          cell: '',
          project: '泉港医院病房大楼2#楼及附属配套设施项目',
          text: '协调病房大楼电力接入',
          responsible: ['区卫健局', '新城投资公司'],
          cooperating: ['区交通运输局'],
          due: '2021-04-15',
          dueText: null,
          note: null,
        },
      ],
      issues: [],
    });
    expect((await store.item('20210316-2'))?.responsibleUnits).toEqual(['weijian', 'xincheng']);
  });

  it('shows the ledger with its legend, and downloads it as a workbook', async () => {
    const res = await get('/ledger', LEADER);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${schedule.programme.name}督办台账</p>`);
    expect(res.body).toContain('截至2021年3月19日');
    expect(res.body).toContain('图例：');
    expect(res.body).toContain('href="/ledger.xlsx"');
    expect(res.body).toMatch(/class="mark-red"[\s\S]*20210302-1/);
    expect(res.body).toContain('红色督办单发送区教育局（待发送）');
    const xlsx = await get('/ledger.xlsx', LEADER);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain(
      "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6-20210319.xlsx",
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('督办台账')?.getCell('A1').value).toBe(
      `${schedule.programme.name}督办台账`,
    );
    expect(HOSTILE_TEXT).toContain('<script>');
  });
});

describe('the console pages of agreed items over the SQL store and the use cases', () => {
  const t = useTestDatabase('sqlite');

  it('records an item by the form, confirms it closed, and the ledger shows who did both', async () => {
    const schedule = await exampleSchedule();
    const decisions = decisionStoreOver(t.db);
    const web = parseWebEnv({});
    if (!web.ok) throw new Error(web.problems.join(' '));
    const app = buildWebServer({
      db: t.db,
      schedule: () => schedule,
      now: () => LEDGER_NOW,
      web: web.value,
      mailFrom: 'duban@example.cn',
      sendMail: async () => undefined,
      logger: pino({ level: 'silent' }),
      decisions,
    });
    try {
      const s = await startSession(t.db, OFFICE, LEDGER_NOW);
      const headers = {
        cookie: `duban_session=${s.id}`,
        'content-type': 'application/x-www-form-urlencoded',
      };
      const recorded = await app.inject({
        method: 'POST',
        url: '/decisions/new',
        headers,
        payload: new URLSearchParams([
          ['_csrf', s.csrfToken],
          ['meetingDate', '2021-03-16'],
          ['meetingName', '区重点项目联合会议第4次会议'],
          ['n', '1'],
          ['project', 'p1'],
          ['text', '落实校舍用地清表'],
          ['responsible', 'jiaoyu'],
          ['due', '2021-04-15'],
        ]).toString(),
      });
      expect(recorded.statusCode).toBe(200);
      expect(recorded.body).toContain('已记录该议定事项。');
      const confirmed = await app.inject({
        method: 'POST',
        url: '/decisions/20210316-1/confirm',
        headers,
        payload: new URLSearchParams([['_csrf', s.csrfToken]]).toString(),
      });
      expect(confirmed.statusCode).toBe(303);
      expect((await decisions.item('20210316-1'))?.state).toBe('closed');
      const ledger = await app.inject({ url: '/ledger', headers: { cookie: headers.cookie } });
      expect(ledger.body).toContain(`记录（${OFFICE}（控制台））`);
      expect(ledger.body).toContain(`确认办结（${OFFICE}（控制台））`);
      expect(ledger.body).toContain('锦川实验小学项目');
    } finally {
      await app.close();
    }
  });
});
