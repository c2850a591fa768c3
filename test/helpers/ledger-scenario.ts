/**
 * A small history of agreed items for the ledger's tests (unit, workbook, console): one item
 * overdue (red) with a corrected time limit, a 交办 and a red notice; one reported done and
 * confirmed; one reported done and sent back; and, with `hostile`, one whose text is hostile.
 */
import type { ItemToRecord } from '../../src/app/ports/decision-store';
import type { Schedule } from '../../src/config/schedule';
import { MemoryDecisionStore } from './memory-decision-store';

export const LEDGER_MEETING = { date: '2021-03-02', name: '区重点项目联合会议第3次会议' };
/** Friday 2021-03-19, 10:00 in Shanghai. */
export const LEDGER_NOW = new Date('2021-03-19T02:00:00Z');
export const HOSTILE_TEXT = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const at = (iso: string): Date => new Date(iso);

export function ledgerItem(n: number, over: Partial<ItemToRecord> = {}): ItemToRecord {
  return {
    id: `20210302-${n}`,
    meeting: LEDGER_MEETING,
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

export async function ledgerScenario(
  schedule: Schedule,
  options: { hostile?: boolean } = {},
): Promise<MemoryDecisionStore> {
  const store = new MemoryDecisionStore(schedule);
  const office = { by: 'office:office@example.cn', rawMessageId: 1 };
  await store.recordItems(
    [
      ledgerItem(1, { due: '2021-03-10', text: '完成校舍用地清表' }),
      ledgerItem(2, {
        projectId: null,
        projectAsWritten: '未列名项目',
        responsibleUnits: ['jiaotong'],
      }),
      ledgerItem(3),
    ],
    office,
    at('2021-03-02T08:00:00Z'),
  );
  // A corrected list moves item 1's time limit.
  await store.recordItems(
    [ledgerItem(1, { due: '2021-03-12', text: '完成校舍用地清表' })],
    office,
    at('2021-03-03T08:00:00Z'),
  );
  store.noticeList.push(
    {
      itemId: '20210302-1',
      unitId: 'jiaoyu',
      kind: 'assignment',
      colour: null,
      key: 'assignment:20210302-1:jiaoyu',
      subject: '交办',
      status: 'sent',
      queuedAt: at('2021-03-03T01:00:00Z'),
      sentAt: at('2021-03-03T01:00:05Z'),
    },
    {
      itemId: '20210302-1',
      unitId: 'jiaoyu',
      kind: 'notice',
      colour: 'red',
      key: 'notice:20210302-1:red:jiaoyu',
      subject: '红色督办单',
      status: 'queued',
      queuedAt: at('2021-03-15T01:00:00Z'),
      sentAt: null,
    },
  );
  await store.recordReports(
    [
      {
        itemId: '20210302-1',
        unitId: 'jiaoyu',
        week: '2021-03-08',
        progress: '正在清表',
        status: '推进中',
        reportedAt: at('2021-03-08T02:00:00Z'),
        submissionId: 1,
        rawMessageId: 10,
      },
      {
        itemId: '20210302-2',
        unitId: 'jiaotong',
        week: '2021-03-08',
        progress: '已完成',
        status: '已办结',
        reportedAt: at('2021-03-08T03:00:00Z'),
        submissionId: 2,
        rawMessageId: 11,
      },
      {
        itemId: '20210302-3',
        unitId: 'jiaoyu',
        week: '2021-03-08',
        progress: '已完成',
        status: '已办结',
        reportedAt: at('2021-03-08T02:00:00Z'),
        submissionId: 1,
        rawMessageId: 10,
      },
    ],
    at('2021-03-08T04:00:00Z'),
  );
  await store.changeState(
    '20210302-2',
    'closed',
    { kind: 'confirmed', by: 'console:office@example.cn', note: null },
    at('2021-03-09T02:00:00Z'),
  );
  await store.changeState(
    '20210302-3',
    'open',
    { kind: 'sent_back', by: 'cli', note: '请补充验收材料' },
    at('2021-03-09T03:00:00Z'),
  );
  if (options.hostile) {
    await store.recordItems(
      [
        ledgerItem(4, {
          text: HOSTILE_TEXT,
          projectId: null,
          projectAsWritten: HOSTILE_TEXT,
          note: HOSTILE_TEXT,
          due: '2021-03-23',
        }),
      ],
      { by: `office:${HOSTILE_TEXT}`, rawMessageId: 2 },
      at('2021-03-04T08:00:00Z'),
    );
    // No progress reported for two weeks: the follow-up run issued a yellow notice.
    store.noticeList.push({
      itemId: '20210302-4',
      unitId: 'jiaoyu',
      kind: 'notice',
      colour: 'yellow',
      key: 'notice:20210302-4:yellow:jiaoyu',
      subject: '黄色督办单',
      status: 'sent',
      queuedAt: at('2021-03-16T01:00:00Z'),
      sentAt: at('2021-03-16T01:00:05Z'),
    });
  }
  return store;
}
