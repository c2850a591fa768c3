/**
 * The DecisionStore port over SQLite and PostgreSQL (migration 0013): a meeting's items recorded
 * once and updated (never duplicated) by a corrected list, reports recorded once per sheet, the
 * state machine, the notices read back from the outbox, and the units expected to report.
 */
import { StorageDecisionStore } from '../../src/adapters/storage';
import { recordItemList } from '../../src/app/decisions/record-list';
import type { ItemToRecord, ReportToRecord } from '../../src/app/ports/decision-store';
import type { Schedule } from '../../src/config/schedule';
import type { ItemListReading } from '../../src/domain/decisions/types';
import { DubanError } from '../../src/errors';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { exampleSchedule } from '../helpers/sheets';

const MEETING = { date: '2021-03-16', name: '区重点项目联合会议第3次会议' };
const T0 = new Date('2021-03-17T02:00:00.000Z');
const T1 = new Date('2021-03-18T02:00:00.000Z');
const T2 = new Date('2021-03-23T02:00:00.000Z');
const T3 = new Date('2021-03-24T02:00:00.000Z');

function item(n: number, over: Partial<ItemToRecord> = {}): ItemToRecord {
  return {
    id: `20210316-${n}`,
    meeting: MEETING,
    projectId: 'p1',
    projectAsWritten: '锦川实验小学项目',
    text: `议定事项${n}`,
    responsibleUnits: ['jiaoyu'],
    cooperatingUnits: ['weijian'],
    unmatchedUnits: [],
    due: '2021-04-30',
    note: null,
    ...over,
  };
}

function report(over: Partial<ReportToRecord> = {}): ReportToRecord {
  return {
    itemId: '20210316-2',
    unitId: 'jiaoyu',
    week: '2021-03-22',
    progress: '已完成方案编制',
    status: '推进中',
    reportedAt: T2,
    submissionId: null,
    rawMessageId: 7,
    ...over,
  };
}

function expectCode(code: string) {
  return expect.objectContaining({ name: 'DubanError', code }) as unknown as DubanError;
}

describe.each(TEST_DIALECTS)('the decision store on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let store: StorageDecisionStore;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    store = new StorageDecisionStore(t.db, schedule);
  });

  it('records a list, then updates the items a corrected list changes without duplicating', async () => {
    const first = await store.recordItems(
      [item(10), item(2)],
      { by: 'cli', rawMessageId: null },
      T0,
    );
    expect(first).toEqual({ created: ['20210316-10', '20210316-2'], updated: [], unchanged: [] });
    // Id order: meeting date, then 序号 as a number.
    expect((await store.items()).map((i) => i.id)).toEqual(['20210316-2', '20210316-10']);
    expect(await store.item('20210316-2')).toEqual({
      ...item(2),
      state: 'open',
      recordedAt: T0,
      stateSince: T0,
      closedAt: null,
    });

    const corrected = [
      item(2),
      item(10, { text: '议定事项10（修改）', responsibleUnits: ['jiaoyu', 'jiaotong'] }),
    ];
    const second = await store.recordItems(
      corrected,
      { by: 'office:office@example.cn', rawMessageId: null },
      T1,
    );
    expect(second).toEqual({ created: [], updated: ['20210316-10'], unchanged: ['20210316-2'] });
    const items = await store.items();
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      text: '议定事项10（修改）',
      responsibleUnits: ['jiaoyu', 'jiaotong'],
      recordedAt: T0,
      state: 'open',
    });
    const events = await store.events(['20210316-10']);
    expect(events.map((e) => e.kind)).toEqual(['recorded', 'updated']);
    expect(events[1]).toMatchObject({
      by: 'office:office@example.cn',
      changes: {
        text: ['议定事项10', '议定事项10（修改）'],
        responsibleUnits: [['jiaoyu'], ['jiaoyu', 'jiaotong']],
      },
    });
  });

  it('filters items by unit, role and state', async () => {
    expect((await store.items({ unitId: 'jiaotong' })).map((i) => i.id)).toEqual(['20210316-10']);
    expect(await store.items({ unitId: 'weijian' })).toEqual([]);
    expect((await store.items({ unitId: 'weijian', cooperating: true })).length).toBe(2);
    expect(await store.items({ states: ['closed'] })).toEqual([]);
    expect((await store.items({ ids: ['20210316-2'] })).map((i) => i.id)).toEqual(['20210316-2']);
    expect(await store.item('20210316-99')).toBeNull();
  });

  it('records a sheet’s reports once, however often the job runs', async () => {
    await store.recordReports(
      [report(), report({ unitId: 'jiaotong', itemId: '20210316-10' })],
      T2,
    );
    await store.recordReports([report({ progress: 'changed on a rerun' })], T2);
    const reports = await store.reports(['20210316-2']);
    expect(reports).toEqual([
      {
        itemId: '20210316-2',
        unitId: 'jiaoyu',
        week: '2021-03-22',
        progress: '已完成方案编制',
        status: '推进中',
        reportedAt: T2,
        submissionId: null,
        rawMessageId: 7,
      },
    ]);
    // A report on no item is not kept.
    await store.recordReports([report({ itemId: '20210316-99' })], T2);
    expect(await store.reports()).toHaveLength(2);
  });

  it('moves an open item reported 已办结 to awaiting confirmation, once', async () => {
    const done = report({ status: '已办结', progress: '已办结', rawMessageId: 8, reportedAt: T3 });
    await store.recordReports([done], T3);
    await store.recordReports([done], T3);
    expect(await store.item('20210316-2')).toMatchObject({
      state: 'awaiting_confirmation',
      stateSince: T3,
    });
    const kinds = (await store.events(['20210316-2'])).map((e) => `${e.kind} ${e.by}`);
    expect(kinds).toEqual(['recorded cli', 'reported_done unit:jiaoyu']);
  });

  it('confirms, refuses a change to the same state or of an unknown item, and reopens', async () => {
    const closed = await store.changeState(
      '20210316-2',
      'closed',
      { kind: 'confirmed', by: 'cli', note: null },
      T3,
    );
    expect(closed).toMatchObject({ state: 'closed', closedAt: T3, stateSince: T3 });
    await expect(
      store.changeState('20210316-2', 'closed', { kind: 'confirmed', by: 'cli', note: null }, T3),
    ).rejects.toEqual(expectCode('ITEM_STATE_CONFLICT'));
    await expect(
      store.changeState('20210316-99', 'closed', { kind: 'confirmed', by: 'cli', note: null }, T3),
    ).rejects.toEqual(expectCode('ITEM_NOT_FOUND'));
    const reopened = await store.changeState(
      '20210316-2',
      'open',
      { kind: 'reopened', by: 'cli', note: '复核发现未完成' },
      T3,
    );
    expect(reopened).toMatchObject({ state: 'open', closedAt: null });
    expect((await store.events(['20210316-2'])).at(-1)).toEqual({
      itemId: '20210316-2',
      at: T3,
      kind: 'reopened',
      by: 'cli',
      note: '复核发现未完成',
    });
  });

  it('reads the notices about items back from the outbox by their keys', async () => {
    const row = (key: string, subject: string, at: string, sent: string | null) => ({
      mail_key: key,
      kind: 'item-notice',
      recipients_json: '[]',
      subject,
      status: sent ? ('sent' as const) : ('failed' as const),
      message_id: null,
      eml: null,
      claimed_at: null,
      claimed_by: null,
      sent_at: sent,
      attempts: 1,
      smtp_response: null,
      error: null,
      raw_message_id: null,
      submission_id: null,
      unit_id: null,
      reporting_week: null,
      created_at: at,
      updated_at: at,
    });
    await t.db.kysely
      .insertInto('outgoing_mails')
      .values([
        row(
          'assignment:20210316:jiaotong:0123abcd',
          '交办',
          '2021-03-17T03:00:00.000Z',
          '2021-03-17T03:00:01.000Z',
        ),
        row('notice:20210316-10:red:jiaoyu', '督办单', '2021-03-18T03:00:00.000Z', null),
        row('sendback:20210316-10:1', '退回', '2021-03-19T03:00:00.000Z', null),
        row('reminder:2021-03-15:jiaoyu:morning', '提醒', '2021-03-15T01:00:00.000Z', null),
      ])
      .execute();
    const notices = await store.notices();
    expect(notices.map((n) => `${n.kind} ${n.itemId} ${n.unitId} ${n.colour ?? '-'}`)).toEqual([
      'assignment 20210316-10 jiaotong -',
      'notice 20210316-10 jiaoyu red',
      'sendback 20210316-10 jiaoyu -',
      'sendback 20210316-10 jiaotong -',
    ]);
    expect(notices[0]).toEqual({
      itemId: '20210316-10',
      unitId: 'jiaotong',
      kind: 'assignment',
      colour: null,
      key: 'assignment:20210316:jiaotong:0123abcd',
      subject: '交办',
      status: 'sent',
      queuedAt: new Date('2021-03-17T03:00:00.000Z'),
      sentAt: new Date('2021-03-17T03:00:01.000Z'),
    });
    expect(await store.notices(['20210316-2'])).toEqual([]);
  });

  it('lists the responsible units of items open during a week', async () => {
    // The meeting (03-16) falls after the deadline day of the week of 03-08.
    expect(await store.unitsWithOpenItems('2021-03-08')).toEqual([]);
    expect(await store.unitsWithOpenItems('2021-03-22')).toEqual(['jiaotong', 'jiaoyu']);
    await store.changeState(
      '20210316-10',
      'closed',
      { kind: 'confirmed', by: 'cli', note: null },
      T3,
    );
    await store.changeState(
      '20210316-2',
      'closed',
      { kind: 'confirmed', by: 'cli', note: null },
      T3,
    );
    // Closed during the week of 03-22: still expected that week, no longer the week after.
    expect(await store.unitsWithOpenItems('2021-03-22')).toEqual(['jiaotong', 'jiaoyu']);
    expect(await store.unitsWithOpenItems('2021-03-29')).toEqual([]);
  });
});

describe.each(TEST_DIALECTS)('recording a list of agreed items on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('records a hand-read list, then a corrected one updates its items', async () => {
    const schedule = await exampleSchedule();
    const deps = { decisions: new StorageDecisionStore(t.db, schedule), schedule };
    const row = (n: number, text: string) => ({
      n,
      cell: `C${n + 4}`,
      project: '锦川实验小学',
      text,
      responsible: ['教育局', '区档案馆'],
      cooperating: ['区卫健局'],
      due: '2021-04-30',
      dueText: null,
      note: null,
    });
    const reading = (texts: string[]): ItemListReading => ({
      meeting: { name: '第3次联合会议', date: '2021-03-16' },
      rows: texts.map((text, i) => row(i + 1, text)),
      issues: [],
    });
    const source = { by: 'cli', rawMessageId: null };
    const first = await recordItemList(deps, reading(['事项一', '事项二']), source, T0);
    expect(first.recorded.created).toEqual(['20210316-1', '20210316-2']);
    expect(first.items[0]).toMatchObject({
      projectId: 'p1',
      responsibleUnits: ['jiaoyu'],
      cooperatingUnits: ['weijian'],
      unmatchedUnits: ['区档案馆'],
    });
    expect(first.issues.map((i) => i.code)).toEqual(['ITEM_UNIT_UNMATCHED', 'ITEM_UNIT_UNMATCHED']);
    const second = await recordItemList(
      deps,
      reading(['事项一', '事项二（修改）', '事项三']),
      source,
      T1,
    );
    expect(second.recorded).toEqual({
      created: ['20210316-3'],
      updated: ['20210316-2'],
      unchanged: ['20210316-1'],
    });
    expect(second.items.map((i) => i.text)).toEqual(['事项一', '事项二（修改）', '事项三']);
  });
});
