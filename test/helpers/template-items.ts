/** Agreed items for templates in tests: their texts, time limits and last answers. */
import type { Schedule } from '../../src/config/schedule';
import type { ItemReportRow, TemplateItem } from '../../src/domain/decisions/types';
import { exampleSchedule } from './sheets';

export const ITEMS: TemplateItem[] = [
  {
    id: '20210316-1',
    text: '尽快完成锦川实验小学项目用地报批，\n报区政府审定。',
    due: '2021-03-19',
    progress: '已上报区自然资源局，待审批。',
    status: '推进中',
  },
  {
    id: '20210316-4',
    text: '落实首期建设资金2000万元。',
    due: '2021-03-31',
    progress: null,
    status: null,
  },
  {
    id: '20210323-2',
    text: '协调施工用电接入',
    due: '2021-04-15',
    progress: '已完成。',
    status: '已办结',
  },
];

/** What reading the template back must give for ITEMS (its rows from row 5). */
export function expectedReports(items: readonly TemplateItem[]): ItemReportRow[] {
  return items.map((item, i) => ({
    itemId: item.id,
    idText: item.id,
    cell: `A${5 + i}`,
    progress: item.progress,
    status: item.status,
  }));
}

/** The example schedule with a unit that leads no project (区财政局). */
export async function scheduleWithItemsOnlyUnit(): Promise<Schedule> {
  const schedule = await exampleSchedule();
  const first = schedule.units[0];
  if (!first) throw new Error('no unit');
  return {
    ...schedule,
    units: [
      ...schedule.units,
      {
        ...first,
        id: 'caizheng',
        name: '区财政局',
        aliases: [],
        addresses: ['caizheng@example.cn'],
      },
    ],
  };
}
