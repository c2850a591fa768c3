/**
 * The intake and the agreed items (议定事项): a list the office mails is recorded and confirmed
 * (a corrected list updates it, a list from a unit is refused), and a unit's reports in the
 * section 议定事项落实情况 are checked against its open items, recorded with its submission and
 * named in the receipt. Real storage and mail; the sheet reader is replaced by one that returns
 * the ParsedSheet each test sets (the parser of lists and sections is tested on its own).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { excelTemplateWriter } from '../../src/adapters/excel/template';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { templateItemsFor } from '../../src/app/decisions/template-items';
import { StorageWeekReads } from '../../src/adapters/storage';
import type { SheetReader } from '../../src/app/ports/sheet-reader';
import type { TemplateRequest } from '../../src/app/ports/template-writer';
import { composeReminderMail, planWeek } from '../../src/app/reminders';
import { decisionStoreOver } from '../../src/compose/decisions';
import type { Schedule } from '../../src/config/schedule';
import type { ItemListRow, ItemReportRow } from '../../src/domain/decisions/types';
import { reminderLadder } from '../../src/domain/reminder/ladder';
import type { ParsedSheet } from '../../src/domain/sheet/parse';
import { weekStatus } from '../../src/domain/week-status';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate } from '../helpers/sheets';
import { scheduleWithItemsOnlyUnit } from '../helpers/template-items';

const WEDNESDAY = new Date('2021-03-17T02:00:00Z'); // the day after the meeting
const MONDAY_10 = new Date('2021-03-22T02:00:00Z'); // week 2021-03-22, before its deadline

const sheet = (extra: Partial<ParsedSheet>): ParsedSheet => ({
  ok: true,
  format: 'xlsx',
  sheet: 'Sheet1',
  unit: null,
  filledOn: null,
  projects: [],
  issues: [],
  ...extra,
});

const row = (n: number, extra: Partial<ItemListRow> = {}): ItemListRow => ({
  n,
  cell: `C${4 + n}`,
  project: null,
  text: `议定事项${n}：加快推进相关工作`,
  responsible: ['区教育局'],
  cooperating: [],
  due: '2021-03-31',
  dueText: null,
  note: null,
  ...extra,
});

const listSheet = (date: string | null, rows: ItemListRow[]): ParsedSheet =>
  sheet({ itemList: { meeting: { name: '区重点项目联合会议', date }, rows, issues: [] } });

const report = (
  itemId: string,
  status: ItemReportRow['status'],
  cell: string,
  progress = '正在推进。',
): ItemReportRow => ({ itemId, idText: itemId, cell, progress, status });

describe.each(TEST_DIALECTS)('agreed items through the intake on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let h: IntakeHarness;
  let xlsx: Buffer;
  /** What the next sheet read returns. */
  let next: ParsedSheet[] = [];
  const followUps: Date[] = [];
  const reader: SheetReader = {
    identify: sniffFile,
    read: async () => {
      const s = next.shift();
      if (!s) throw new Error('the test set no sheet to read');
      return s;
    },
  };
  beforeAll(async () => {
    const base = await exampleSchedule();
    const jiaoyu = base.units[0]!;
    // 区发改委 leads no project: it reports only on its agreed items.
    const fagai = {
      ...jiaoyu,
      id: 'fagai',
      name: '区发改委',
      aliases: [],
      addresses: ['fagai@example.cn'],
      remind: { to: ['fagai@example.cn'], cc: [] },
      head: null,
    };
    schedule = { ...base, units: [...base.units, fagai] };
    h = createIntakeHarness(() => schedule, {
      sheets: reader,
      afterItemsRecorded: async (now) => {
        followUps.push(now);
      },
    });
    xlsx = await filledTemplate(base, 'jiaoyu', { progress: '无' });
  });
  afterAll(async () => h.close());

  const mail = (from: string, filename = '议定事项清单.xlsx') =>
    buildEml({ from, attachments: [{ filename, content: xlsx }] });
  const decisions = () => decisionStoreOver(t.db);

  it('records an office member’s list and confirms each item to the sender', async () => {
    next = [
      listSheet('2021-03-16', [
        row(1),
        row(2, { responsible: ['区发改委'], cooperating: ['卫健局'], due: '2021-04-30' }),
      ]),
    ];
    const o = await h.ingest(t.db, await mail('office-staff@example.cn'), {
      internalDate: WEDNESDAY,
    });
    expect(o).toMatchObject({ outcome: 'items_recorded', reason: null, unit: null });
    expect(o.items).toEqual({ created: ['20210316-1', '20210316-2'], updated: [], unchanged: [] });
    expect(followUps).toEqual([WEDNESDAY]);
    const items = await decisions().items();
    expect(items.map((i) => [i.id, i.responsibleUnits, i.state])).toEqual([
      ['20210316-1', ['jiaoyu'], 'open'],
      ['20210316-2', ['fagai'], 'open'],
    ]);
    expect(o.mails).toHaveLength(1);
    const confirmation = o.mails[0]!.parsed;
    expect(confirmation.to).toMatchObject({ value: [{ address: 'office-staff@example.cn' }] });
    expect(confirmation.subject).toBe('已记录：2021年3月16日会议议定事项');
    const text = confirmation.text ?? '';
    expect(text).toContain('办公室工作人员：');
    expect(text).toContain('新增2项，更新0项，未变化0项');
    expect(text).toContain('20210316-1：议定事项1');
    expect(text).toContain('责任单位：区发改委；配合单位：区卫健局；办结时限：2021年4月30日');
    expect(text).toContain('交办通知将发送至各责任单位');
    expect(text).not.toContain('请核对以下内容');
  });

  it('names in its confirmation every issue with its cell, and records the rest', async () => {
    next = [
      listSheet('2021-03-20', [
        row(1, { responsible: ['区发改委', '区文旅局'] }),
        row(2, { cell: 'C6', due: null, dueText: '尽快' }),
      ]),
    ];
    const o = await h.ingest(t.db, await mail('office@example.cn'), {
      internalDate: new Date('2021-03-20T02:00:00Z'),
    });
    expect(o.outcome).toBe('items_recorded');
    expect(o.items?.created).toEqual(['20210320-1']);
    const text = o.mails[0]?.parsed.text ?? '';
    expect(text).toContain('请核对以下内容（共2处）');
    expect(text).toContain('区文旅局');
    expect(text).toMatch(/C6：.*办结时限/u);
  });

  it('records nothing from a list without a meeting date, and says why', async () => {
    next = [listSheet(null, [row(1)])];
    const o = await h.ingest(t.db, await mail('office@example.cn'), {
      internalDate: new Date('2021-03-20T03:00:00Z'),
    });
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'ITEM_LIST_NO_MEETING_DATE' });
    expect(o.mails[0]?.parsed.subject).toBe('未记录：议定事项清单');
    expect(o.mails[0]?.parsed.text).toContain('未写明会议日期');
  });

  it('updates the items a corrected list changes, and says what changed', async () => {
    next = [
      listSheet('2021-03-16', [
        row(1),
        row(2, { responsible: ['区发改委'], cooperating: ['卫健局'], due: '2021-05-15' }),
      ]),
    ];
    const o = await h.ingest(t.db, await mail('office@example.cn'), {
      internalDate: new Date('2021-03-17T06:00:00Z'),
    });
    expect(o.items).toEqual({ created: [], updated: ['20210316-2'], unchanged: ['20210316-1'] });
    expect((await decisions().item('20210316-2'))?.due).toBe('2021-05-15');
    const meeting = (await decisions().items()).filter((i) => i.meeting.date === '2021-03-16');
    expect(meeting).toHaveLength(2);
    const text = o.mails[0]?.parsed.text ?? '';
    expect(text).toContain('20210316-2：办结时限由“2021年4月30日”改为“2021年5月15日”');
    expect(text).toContain('另有1项与此前记录一致');
  });

  it('refuses a list sent by a unit, politely, and records nothing', async () => {
    next = [listSheet('2021-03-18', [row(1)])];
    const before = (await decisions().items()).length;
    const o = await h.ingest(t.db, await mail('jiaoyu@example.cn'), {
      internalDate: new Date('2021-03-18T02:00:00Z'),
    });
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'ITEM_LIST_FROM_UNIT', unit: 'jiaoyu' });
    expect(o.submissionId).toBeNull();
    expect(await decisions().items()).toHaveLength(before);
    const answer = o.mails[0]?.parsed;
    expect(answer?.to).toMatchObject({ value: [{ address: 'jiaoyu@example.cn' }] });
    expect(answer?.text).toContain('区教育局：');
    expect(answer?.text).toContain('议定事项由联合会议办公室统一登记并交办，本次未予记录');
  });

  it('holds an office member’s mail without a list as before (unknown sender)', async () => {
    next = [sheet({ ok: false, issues: [] })];
    const o = await h.ingest(t.db, await mail('office@example.cn', '材料.xlsx'), {
      internalDate: new Date('2021-03-18T03:00:00Z'),
    });
    expect(o).toMatchObject({ outcome: 'quarantined', reason: 'UNKNOWN_SENDER' });
    expect(o.attachments).toEqual([]);
  });

  it('expects a unit with an open item and no project, and accepts its section alone', async () => {
    const itemUnits = await new StorageWeekReads(t.db).unitsWithOpenItems('2021-03-22');
    expect(itemUnits).toContain('fagai');
    const before = weekStatus(schedule, '2021-03-22', [], null, itemUnits);
    expect(before.find((s) => s.unit === 'fagai')?.state).toBe('missing');

    next = [sheet({ itemReports: [report('20210316-2', '推进中', 'A4')] })];
    const o = await h.ingest(t.db, await mail('fagai@example.cn', '问题清单.xlsx'), {
      internalDate: MONDAY_10,
    });
    expect(o).toMatchObject({ outcome: 'accepted', unit: 'fagai', week: '2021-03-22' });
    expect(o.itemReports).toEqual(['20210316-2']);
    const reports = await decisions().reports(['20210316-2']);
    expect(reports).toEqual([
      expect.objectContaining({
        unitId: 'fagai',
        week: '2021-03-22',
        status: '推进中',
        progress: '正在推进。',
        submissionId: o.submissionId,
      }),
    ]);
    const receipt = o.mails[0]?.parsed.text ?? '';
    expect(receipt).toContain('议定事项落实情况（共1项，已记录）');
    expect(receipt).toContain('20210316-2：推进中');
    expect(receipt).not.toContain('未读取到项目内容');

    const reads = new StorageWeekReads(t.db);
    const after = weekStatus(
      schedule,
      '2021-03-22',
      await reads.submissionFacts('2021-03-22'),
      null,
      await reads.unitsWithOpenItems('2021-03-22'),
    );
    expect(after.find((s) => s.unit === 'fagai')?.state).toBe('on_time');
  });

  it('records a job run again once', async () => {
    next = [sheet({ itemReports: [report('20210316-2', '推进中', 'A4', '再次推进。')] })];
    const o = await h.ingest(t.db, await mail('fagai@example.cn', '问题清单.xlsx'), {
      internalDate: new Date('2021-03-22T03:00:00Z'),
    });
    const count = (await decisions().reports(['20210316-2'])).length;
    next = [sheet({ itemReports: [report('20210316-2', '推进中', 'A4', '再次推进。')] })];
    const again = await h.reprocess(t.db, o.rawMessageId, {
      now: new Date('2021-03-22T04:00:00Z'),
    });
    expect(again.submissionId).toBe(o.submissionId);
    expect(await decisions().reports(['20210316-2'])).toHaveLength(count);
  });

  it('records an office list sent again by the same job once', async () => {
    next = [listSheet('2021-03-19', [row(1, { responsible: ['区发改委'] })])];
    const o = await h.ingest(t.db, await mail('office@example.cn'), {
      internalDate: new Date('2021-03-19T02:00:00Z'),
    });
    expect(o.items?.created).toEqual(['20210319-1']);
    next = [listSheet('2021-03-19', [row(1, { responsible: ['区发改委'] })])];
    const again = await h.reprocess(t.db, o.rawMessageId, {
      now: new Date('2021-03-19T03:00:00Z'),
    });
    expect(again.items).toEqual({ created: [], updated: [], unchanged: ['20210319-1'] });
    const events = await decisions().events(['20210319-1']);
    expect(events.map((e) => e.kind)).toEqual(['recorded']);
  });

  it('warns of rows whose id is not an open item of the unit, with their cells', async () => {
    next = [
      sheet({
        itemReports: [
          report('20210316-1', '推进中', 'A5'), // 区教育局's item, not 区发改委's
          { itemId: null, idText: '第二项', cell: 'A6', progress: '已推进。', status: '推进中' },
          report('20210319-1', '未启动', 'A7'),
        ],
      }),
    ];
    const o = await h.ingest(t.db, await mail('fagai@example.cn', '问题清单.xlsx'), {
      internalDate: new Date('2021-03-22T05:00:00Z'),
    });
    expect(o).toMatchObject({ outcome: 'accepted_with_warnings', itemReports: ['20210319-1'] });
    const receipt = o.mails[0]?.parsed.text ?? '';
    expect(receipt).toContain('A5：编号“20210316-1”不是本单位承担的未办结议定事项');
    expect(receipt).toContain('A6：编号“第二项”格式不正确');
    expect(receipt).toContain('20210319-1：未启动');
    expect(await decisions().reports(['20210316-1'])).toEqual([]);
  });

  it('moves an item reported 已办结 to awaiting confirmation and says the office will confirm', async () => {
    next = [sheet({ itemReports: [report('20210316-2', '已办结', 'A4', '已全部完成。')] })];
    const o = await h.ingest(t.db, await mail('fagai@example.cn', '问题清单.xlsx'), {
      internalDate: new Date('2021-03-22T06:00:00Z'),
    });
    expect(o.outcome).toBe('accepted');
    expect((await decisions().item('20210316-2'))?.state).toBe('awaiting_confirmation');
    const receipt = o.mails[0]?.parsed.text ?? '';
    expect(receipt).toContain('20210316-2：已办结（待联合会议办公室确认）');
    expect(receipt).toContain('将由联合会议办公室核实后确认办结销号');
  });

  it('reminds a unit with an open item like a lead unit, its template listing its items', async () => {
    const week = '2021-03-29';
    const reads = new StorageWeekReads(t.db);
    const stage = reminderLadder(week, schedule).stages.find(
      (s) => s.skipped === null && [...s.stage.to, ...s.stage.cc].includes('unit'),
    );
    if (!stage) throw new Error('the example schedule has no stage mailing the unit');
    const now = new Date(stage.at.getTime() + 60_000);
    const plan = await planWeek(reads, schedule, week, now);
    const due = plan.due.find((r) => r.unit.id === 'fagai');
    expect(due).toBeDefined();
    const requests: TemplateRequest[] = [];
    const mailed = await composeReminderMail(
      {
        reads,
        schedule,
        from: 'duban-inbox@example.cn',
        decisions: decisions(),
        templates: {
          write: async (req) => {
            requests.push(req);
            return xlsx;
          },
        },
      },
      plan,
      due!,
      now,
    );
    expect(mailed.to.map((a) => a.address)).toContain('fagai@example.cn');
    expect(mailed.text).toContain('需报送落实情况的议定事项：');
    expect(mailed.text).toContain('20210319-1：议定事项1');
    expect(mailed.text).not.toContain('需报送的项目');
    expect(requests[0]?.items?.map((i) => [i.id, i.status])).toEqual([
      ['20210316-2', '已办结'],
      ['20210319-1', '未启动'],
      ['20210320-1', null],
    ]);
  });
});

describe.each(TEST_DIALECTS)('agreed items from real files through the intake on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let h: IntakeHarness;
  beforeAll(async () => {
    schedule = await scheduleWithItemsOnlyUnit();
    h = createIntakeHarness(() => schedule);
  });
  afterAll(async () => h.close());

  it('records the list LibreOffice wrote, and the unit’s template answers sent back', async () => {
    const list = fs.readFileSync(
      path.join(__dirname, '../fixtures/decisions/item-list_libreoffice.xlsx'),
    );
    const recorded = await h.ingest(
      t.db,
      await buildEml({
        from: 'office@example.cn',
        attachments: [{ filename: '第三次会议议定事项.xlsx', content: list }],
      }),
      { internalDate: WEDNESDAY },
    );
    expect(recorded.outcome).toBe('items_recorded');
    expect(recorded.items?.created).toContain('20210316-2');
    const store = decisionStoreOver(t.db);
    expect((await store.item('20210316-2'))?.responsibleUnits).toEqual(['caizheng']);
    expect(recorded.mails[0]?.parsed.text).toContain('20210316-2：落实首期建设资金');

    // The unit answers in the template it is sent (its items, pre-filled with these answers).
    const items = (await templateItemsFor(store, 'caizheng')).map((i) => ({
      ...i,
      progress: '首期资金已拨付。',
      status: '已办结' as const,
    }));
    const sheet = await excelTemplateWriter.write({
      schedule,
      unitId: 'caizheng',
      week: '2021-03-22',
      items,
    });
    const o = await h.ingest(
      t.db,
      await buildEml({
        from: 'caizheng@example.cn',
        attachments: [{ filename: '问题清单.xlsx', content: Buffer.from(sheet) }],
      }),
      { internalDate: MONDAY_10 },
    );
    expect(o).toMatchObject({ outcome: 'accepted', unit: 'caizheng', week: '2021-03-22' });
    expect(o.itemReports).toEqual(['20210316-2']);
    expect((await store.item('20210316-2'))?.state).toBe('awaiting_confirmation');
    const receipt = o.mails[0]?.parsed.text ?? '';
    expect(receipt).toContain('20210316-2：已办结（待联合会议办公室确认）');
    expect(receipt).not.toContain('未读取到项目内容');
  });
});
