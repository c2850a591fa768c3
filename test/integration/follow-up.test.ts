/**
 * The daily follow-up run end to end on SQLite and PostgreSQL: the items in the storage
 * DecisionStore, the real MailOutbox writing to a file outbox, a weekly sheet
 * recorded by the real intake for the departments' list. Every run happens twice and each
 * notice kind is one outgoing_mails row and one mail: 交办, blue, yellow, red (after a yellow),
 * the departments' list. Nothing goes out on a holiday. Fixed clocks throughout.
 */
import ExcelJS from 'exceljs';
import pino from 'pino';
import { writeTemplate } from '../../src/adapters/excel/template';
import type { FollowUpDeps } from '../../src/app/decisions/deps';
import { runFollowUp } from '../../src/app/decisions/follow-up';
import { sendBackItem } from '../../src/app/decisions/state';
import type { DecisionStore, ItemToRecord } from '../../src/app/ports/decision-store';
import { followUpDepsOver } from '../../src/compose/follow-up-deps';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness, type SentMail } from '../helpers/intake';
import { decisionStoreOver } from '../../src/compose/decisions';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(60_000);

const MEETING = { date: '2021-03-16', name: '区重点项目联合会议第3次会议' };

function listItem(n: number, over: Partial<ItemToRecord>): ItemToRecord {
  return {
    id: `20210316-${n}`,
    meeting: MEETING,
    projectId: 'p1',
    projectAsWritten: null,
    text: '',
    responsibleUnits: [],
    cooperatingUnits: [],
    unmatchedUnits: [],
    due: '2021-04-06',
    note: null,
    ...over,
  };
}

const ITEMS: ItemToRecord[] = [
  listItem(1, {
    projectId: 'p1',
    text: '落实锦川实验小学项目重新招投标所需资金',
    responsibleUnits: ['caizheng', 'jiaoyu'],
    cooperatingUnits: ['weijian'],
    due: '2021-04-06',
  }),
  listItem(2, {
    projectId: 'p3',
    text: '完成高铁站前广场征地拆迁扫尾',
    responsibleUnits: ['jiaotong'],
    due: '2021-05-31',
  }),
];

async function filledSheet(schedule: Schedule, unitId: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(
    (await writeTemplate({ schedule, unitId, week: '2021-03-29' })) as unknown as ExcelJS.Buffer,
  );
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  ws.getCell('F6').value = '项目审批方面：无\n资金概算方面：资金缺口约200万元。';
  ws.getCell('G6').value = '区财政局、住建局、区发改局';
  ws.getCell('H6').value = '招标文件编制中。';
  ws.getCell('I6').value = '建议尽快安排资金。';
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe.each(TEST_DIALECTS)('the follow-up run on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const logger = pino({ level: 'silent' });
  let schedule: Schedule;
  let h: IntakeHarness;
  let store: DecisionStore;

  beforeAll(async () => {
    const example = await exampleSchedule();
    schedule = {
      ...example,
      followUp: {
        blueWorkingDays: 3,
        yellowWeeksWithoutProgress: 2,
        time: '09:00',
        departmentMail: true,
      },
    };
    h = createIntakeHarness(() => schedule);
    store = decisionStoreOver(t.db, schedule);
    await store.recordItems(
      ITEMS,
      { by: 'cli', rawMessageId: null },
      new Date('2021-03-16T10:00:00Z'),
    );
  });
  afterAll(async () => h.close());

  const deps = (worker = 'test'): FollowUpDeps =>
    followUpDepsOver({
      db: t.db,
      schedule,
      transport: h.transport,
      logger,
      dailyCap: 1000,
      from: 'duban-inbox@example.cn',
      workerName: worker,
      decisions: store,
    });

  const run = (worker: string, iso: string) => runFollowUp(deps(worker), new Date(iso));

  const FOLLOW_UP = /^【(交办|蓝色督办单|黄色督办单|红色督办单|问题协调)】/;
  /** Runs the follow-up twice at `iso` and returns the follow-up mails written by both runs. */
  const twice = async (iso: string): Promise<SentMail[]> => {
    const before = new Set((await h.sent()).map((m) => m.file));
    const first = await run('worker-a', iso);
    const second = await run('worker-b', iso);
    expect(second.mails).toEqual([]);
    expect(first.mails.every((m) => m.outcome === 'sent')).toBe(true);
    return (await h.sent()).filter(
      (m) => !before.has(m.file) && FOLLOW_UP.test(m.parsed.subject ?? ''),
    );
  };
  const rcpt = (m: SentMail, field: 'to' | 'cc'): string[] => {
    const v = m.parsed[field];
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    return list.flatMap((a) => a.value.map((x) => x.address ?? '')).sort();
  };
  const rows = async () =>
    (
      await t.db.kysely
        .selectFrom('outgoing_mails')
        .select(['mail_key', 'status'])
        .where('kind', 'in', ['assignment', 'notice', 'departments'])
        .execute()
    )
      .map((r) => `${r.mail_key} ${r.status}`)
      .sort();

  it('sends each unit its 交办 notice once, the cooperating unit copied, and nothing else yet', async () => {
    const mails = await twice('2021-03-17T01:00:00Z');
    expect(mails).toHaveLength(3);
    const keys = (await rows()).map((r) => r.replace(/:[0-9a-f]{8} sent$/, ''));
    expect(keys).toEqual([
      'assignment:20210316:caizheng',
      'assignment:20210316:jiaotong',
      'assignment:20210316:jiaoyu',
    ]);
    const toCaizheng = mails.find((m) => rcpt(m, 'to').includes('caizheng@example.cn'));
    expect(toCaizheng?.parsed.subject).toBe(
      '【交办】区重点项目联合会议第3次会议（2021年3月16日）议定事项',
    );
    expect(rcpt(toCaizheng as SentMail, 'cc')).toEqual(['weijian@example.cn']);
    expect(toCaizheng?.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    const text = toCaizheng?.parsed.text ?? '';
    expect(text).toContain('编号 20210316-1');
    expect(text).toContain('议定事项：落实锦川实验小学项目重新招投标所需资金');
    expect(text).toContain('共同责任单位：区教育局');
    expect(text).toContain('配合单位：区卫健局');
    expect(text).toContain('办结时限：2021年4月6日');
    expect(text).toContain('“议定事项落实情况”');
    expect(text).toContain('联合会议办公室');
  });

  it('sends blue to both responsible units, yellow to the silent one, and the departments’ list once', async () => {
    // caizheng reported progress in both weeks: item 1 is not behind, only near its limit.
    await store.recordReports(
      ['2021-03-22', '2021-03-29'].map((week, i) => ({
        itemId: '20210316-1',
        unitId: 'caizheng',
        week,
        progress: `资金拨付第${i + 1}批`,
        status: '推进中' as const,
        reportedAt: new Date(`${week}T02:00:00Z`),
        submissionId: 100 + i,
        rawMessageId: null,
      })),
      new Date('2021-03-29T02:00:00Z'),
    );
    // jiaoyu's sheet of the week of 03-29 names 区财政局, 住建局 and 区发改局 (no schedule unit).
    await h.ingest(
      t.db,
      await buildEml({
        from: 'jiaoyu@example.cn',
        date: new Date('2021-03-29T02:00:00Z'),
        attachments: [
          { filename: '问题清单.xlsx', content: await filledSheet(schedule, 'jiaoyu') },
        ],
      }),
      { internalDate: new Date('2021-03-29T02:00:00Z') },
    );

    const report = await runFollowUp(deps('dry'), new Date('2021-03-31T01:00:00Z'), {
      dryRun: true,
    });
    expect(report.unmatchedDepartments).toEqual(['区发改局']);

    const mails = await twice('2021-03-31T01:00:00Z');
    const subjects = mails.map((m) => m.parsed.subject).sort();
    expect(subjects).toEqual([
      '【蓝色督办单】议定事项20210316-1临近办结时限（区教育局）',
      '【蓝色督办单】议定事项20210316-1临近办结时限（区财政局）',
      '【问题协调】2021年3月29日当周涉及区住建局的重点项目问题（1项）',
      '【问题协调】2021年3月29日当周涉及区财政局的重点项目问题（1项）',
      '【黄色督办单】议定事项20210316-2推进滞后（区交通运输局）',
    ]);
    const blue = mails.find((m) => m.parsed.subject?.endsWith('（区财政局）'));
    expect(rcpt(blue as SentMail, 'to')).toEqual([
      'caizheng-head@example.cn',
      'caizheng@example.cn',
    ]);
    // The cooperating unit is copied.
    expect(rcpt(blue as SentMail, 'cc')).toEqual(['weijian@example.cn']);
    const blueText = blue?.parsed.text ?? '';
    expect(blueText).toContain('编号：督办〔2021〕20210316-1-蓝');
    expect(blueText).toContain('来源：区重点项目联合会议第3次会议（2021年3月16日）');
    expect(blueText).toContain('资金拨付第2批');
    expect(blueText).toContain('督办要求：请按时办结。');
    const yellow = mails.find((m) => m.parsed.subject?.startsWith('【黄色'));
    expect(yellow?.parsed.text).toContain('最近报告：未报告');
    expect(yellow?.parsed.text).toContain('督办原因：连续2周未报告新的落实进展。');
    expect(yellow?.parsed.text).toContain('请加快推进并于下周报告进展。');
    const departments = mails.find((m) => m.parsed.subject?.includes('涉及区财政局'));
    expect(rcpt(departments as SentMail, 'to')).toEqual(['caizheng@example.cn']);
    expect(departments?.parsed.text).toContain('锦川实验小学项目');
    expect(departments?.parsed.text).toContain('资金缺口约200万元');
    expect(departments?.parsed.text).toContain('联系牵头单位：区教育局');

    // The next day: the colours hold and the week is the same: nothing new.
    expect(await twice('2021-04-01T01:00:00Z')).toEqual([]);
    expect((await rows()).filter((r) => r.startsWith('departments:'))).toEqual([
      'departments:2021-03-29:caizheng sent',
      'departments:2021-03-29:zhujian sent',
    ]);
  });

  it('sends nothing over 清明; what was recorded then goes out on the next working day', async () => {
    await store.recordItems(
      [
        {
          ...listItem(1, {}),
          id: '20210402-1',
          meeting: { date: '2021-04-02', name: '' },
          projectId: 'p4',
          text: '协调解决截污工程移杆迁线',
          responsibleUnits: ['nongshui'],
          due: '2021-06-30',
        },
      ],
      { by: 'cli', rawMessageId: null },
      new Date('2021-04-03T02:00:00Z'),
    );
    const before = await rows();
    expect(await twice('2021-04-03T01:00:00Z')).toEqual([]);
    expect(await twice('2021-04-05T01:00:00Z')).toEqual([]);
    expect(await rows()).toEqual(before);
    const tuesday = await twice('2021-04-06T01:00:00Z');
    expect(tuesday.map((m) => m.parsed.subject)).toEqual(['【交办】2021年4月2日会议议定事项']);
  });

  it('sends red once the time limit has passed, to the units, copied to 督查室 and the responsible leader; red after yellow too', async () => {
    const red = await twice('2021-04-07T01:00:00Z');
    expect(red.map((m) => m.parsed.subject).sort()).toEqual([
      '【红色督办单】议定事项20210316-1已逾期未办结（区教育局）',
      '【红色督办单】议定事项20210316-1已逾期未办结（区财政局）',
    ]);
    for (const m of red) {
      // p1's responsible leader is convenor-1.
      expect(rcpt(m, 'cc')).toEqual([
        'convenor-1@example.cn',
        'supervision@example.cn',
        'weijian@example.cn',
      ]);
      expect(m.parsed.text).toContain('督办要求：请说明逾期原因并限期办结。');
      expect(m.parsed.text).toContain('督办原因：办结时限2021年4月6日已过，尚未办结。');
    }
    // Item 2 (yellow since 03-31) moves again near its time limit: blue by the rule, but a
    // weaker colour than the one in force is not issued. The silent item of 04-02 turns yellow.
    await store.recordReports(
      ['2021-05-17', '2021-05-24'].map((week, i) => ({
        itemId: '20210316-2',
        unitId: 'jiaotong',
        week,
        progress: `征迁扫尾完成${i + 8}0%`,
        status: '推进中' as const,
        reportedAt: new Date(`${week}T02:00:00Z`),
        submissionId: 200 + i,
        rawMessageId: null,
      })),
      new Date('2021-05-24T02:00:00Z'),
    );
    const nearing = await twice('2021-05-27T01:00:00Z');
    expect(nearing.map((m) => m.parsed.subject)).toEqual([
      '【黄色督办单】议定事项20210402-1推进滞后（区农水局）',
    ]);
    expect((await run('dry', '2021-05-27T01:00:00Z')).mails).toEqual([]);
    // Item 2 was yellow; past its time limit (05-31) it turns red and that is sent too.
    const later = await twice('2021-06-01T01:00:00Z');
    expect(later.map((m) => m.parsed.subject)).toEqual([
      '【红色督办单】议定事项20210316-2已逾期未办结（区交通运输局）',
    ]);
    const red2 = later.find((m) => m.parsed.subject?.startsWith('【红色')) as SentMail;
    expect(rcpt(red2, 'to')).toEqual(['jiaotong-head@example.cn', 'jiaotong@example.cn']);
    expect(rcpt(red2, 'cc')).toEqual(['convenor-3@example.cn', 'supervision@example.cn']);
    const notices = (await rows()).filter((r) => r.startsWith('notice:'));
    expect(notices).toEqual([
      'notice:20210316-1:blue:caizheng sent',
      'notice:20210316-1:blue:jiaoyu sent',
      'notice:20210316-1:red:caizheng sent',
      'notice:20210316-1:red:jiaoyu sent',
      'notice:20210316-2:red:jiaotong sent',
      'notice:20210316-2:yellow:jiaotong sent',
      'notice:20210402-1:yellow:nongshui sent',
    ]);
  });

  it('a corrected list that changes a unit’s items sends it a new 交办; an unchanged one nothing', async () => {
    const count = async () => (await rows()).filter((r) => r.startsWith('assignment:')).length;
    const before = await count();
    await store.recordItems(
      ITEMS,
      { by: 'cli', rawMessageId: null },
      new Date('2021-06-01T02:00:00Z'),
    );
    expect(await twice('2021-06-02T01:00:00Z')).toEqual([]);
    const corrected = ITEMS.map((i) =>
      i.id === '20210316-2' ? { ...i, text: '完成高铁站前广场征地拆迁扫尾及场地移交' } : i,
    );
    await store.recordItems(
      corrected,
      { by: 'cli', rawMessageId: null },
      new Date('2021-06-02T02:00:00Z'),
    );
    const mails = await twice('2021-06-03T01:00:00Z');
    expect(mails.map((m) => rcpt(m, 'to'))).toEqual([['jiaotong@example.cn']]);
    expect(mails[0]?.parsed.subject).toBe(
      '【交办】区重点项目联合会议第3次会议（2021年3月16日）议定事项（更新）',
    );
    expect(mails[0]?.parsed.text).toContain('本通知替代此前向你单位发送的交办通知');
    expect(mails[0]?.parsed.text).toContain('完成高铁站前广场征地拆迁扫尾及场地移交');
    expect(await count()).toBe(before + 1);
  });

  it('two workers running at the same moment send one 交办 between them', async () => {
    await store.recordItems(
      [
        {
          ...listItem(1, {}),
          id: '20210603-1',
          meeting: { date: '2021-06-03', name: '' },
          projectId: 'p2',
          text: '完成病房大楼竣工验收准备',
          responsibleUnits: ['caizheng'],
          due: '2021-09-30',
        },
      ],
      { by: 'cli', rawMessageId: null },
      new Date('2021-06-03T08:00:00Z'),
    );
    const other = await t.open();
    const before = new Set((await h.sent()).map((m) => m.file));
    const at = new Date('2021-06-04T01:00:00Z');
    const reports = await Promise.all([
      runFollowUp(deps('worker-a'), at),
      runFollowUp(
        followUpDepsOver({
          db: other,
          schedule,
          transport: h.transport,
          logger,
          dailyCap: 1000,
          from: 'duban-inbox@example.cn',
          workerName: 'worker-b',
          decisions: store,
        }),
        at,
      ),
    ]);
    const sent = (await h.sent()).filter((m) => !before.has(m.file));
    expect(sent.map((m) => m.parsed.subject)).toEqual(['【交办】2021年6月3日会议议定事项']);
    expect(reports.flatMap((r) => r.mails.map((m) => m.outcome)).sort()).toContain('sent');
    expect((await rows()).filter((r) => r.startsWith('assignment:20210603:'))).toHaveLength(1);
  });

  it('a send-back asked twice sends one mail; the item is open again and followed up', async () => {
    await store.recordReports(
      [
        {
          itemId: '20210603-1',
          unitId: 'caizheng',
          week: '2021-06-07',
          progress: '已完成验收准备',
          status: '已办结',
          reportedAt: new Date('2021-06-07T02:00:00Z'),
          submissionId: 300,
          rawMessageId: null,
        },
      ],
      new Date('2021-06-07T02:00:00Z'),
    );
    const at = new Date('2021-06-08T02:00:00Z');
    const request = { by: 'cli', note: '缺少验收报告，请补充后再报办结。' };
    await sendBackItem(deps('office'), '20210603-1', request, at);
    await expect(sendBackItem(deps('office'), '20210603-1', request, at)).rejects.toMatchObject({
      code: 'ITEM_STATE_CONFLICT',
    });
    const sendbacks = await t.db.kysely
      .selectFrom('outgoing_mails')
      .select(['mail_key', 'status'])
      .where('mail_key', 'like', 'sendback:%')
      .execute();
    expect(sendbacks).toEqual([{ mail_key: 'sendback:20210603-1:1', status: 'sent' }]);
    expect((await store.item('20210603-1'))?.state).toBe('open');
    // Open again: the follow-up run treats it as any open item (no colour yet, nothing new).
    expect(await twice('2021-06-09T01:00:00Z')).toEqual([]);
  });

  it('a send-back whose process died before its mail was queued is mailed by the next follow-up run, once', async () => {
    await store.recordReports(
      [
        {
          itemId: '20210603-1',
          unitId: 'caizheng',
          week: '2021-06-14',
          progress: '验收报告已补充',
          status: '已办结',
          reportedAt: new Date('2021-06-14T02:00:00Z'),
          submissionId: 301,
          rawMessageId: null,
        },
      ],
      new Date('2021-06-14T02:00:00Z'),
    );
    // The state change committed; the process died before sendBackItem queued the mail.
    await store.changeState(
      '20210603-1',
      'open',
      { kind: 'sent_back', by: 'cli', note: '验收报告未盖章。' },
      new Date('2021-06-15T02:00:00Z'),
    );
    const sendbacks = () =>
      t.db.kysely
        .selectFrom('outgoing_mails')
        .select(['mail_key', 'status'])
        .where('mail_key', 'like', 'sendback:%')
        .orderBy('mail_key')
        .execute();
    expect(await sendbacks()).toEqual([{ mail_key: 'sendback:20210603-1:1', status: 'sent' }]);
    const first = await run('worker-a', '2021-06-16T01:00:00Z');
    const second = await run('worker-b', '2021-06-16T01:00:00Z');
    expect(first.mails.map((m) => `${m.key} ${m.outcome}`)).toEqual(['sendback:20210603-1:2 sent']);
    expect(second.mails).toEqual([]);
    expect(await sendbacks()).toEqual([
      { mail_key: 'sendback:20210603-1:1', status: 'sent' },
      { mail_key: 'sendback:20210603-1:2', status: 'sent' },
    ]);
  });
});
