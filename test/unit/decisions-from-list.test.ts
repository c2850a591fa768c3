/**
 * A meeting's list of agreed items turned into items to record (src/domain/decisions/from-list.ts):
 * ids from the meeting's date and 序号, projects and units matched tolerantly, names matching no
 * unit kept and reported, incomplete rows left out with the reason.
 */
import type { Schedule } from '../../src/config/schedule';
import { itemFromRow, itemsFromList } from '../../src/domain/decisions/from-list';
import type { ItemListRow } from '../../src/domain/decisions/types';
import { exampleSchedule } from '../helpers/sheets';

const MEETING = { date: '2021-03-16', name: '区重点项目联合会议第3次会议' };

function row(over: Partial<ItemListRow> = {}): ItemListRow {
  return {
    n: 1,
    cell: 'C5',
    project: '锦川实验小学项目',
    text: '加快推进校舍主体工程',
    responsible: ['区教育局'],
    cooperating: ['卫健局'],
    due: '2021-04-30',
    dueText: null,
    note: null,
    ...over,
  };
}

let schedule: Schedule;
beforeAll(async () => {
  schedule = await exampleSchedule();
});

describe('a row of a list of agreed items', () => {
  it('becomes an item with the id of its meeting date and 序号, matched to units and a project', () => {
    const { item, issues } = itemFromRow(row({ n: 3, note: ' 月底前 ' }), MEETING, schedule);
    expect(issues).toEqual([]);
    expect(item).toEqual({
      id: '20210316-3',
      meeting: MEETING,
      projectId: 'p1',
      projectAsWritten: '锦川实验小学项目',
      text: '加快推进校舍主体工程',
      responsibleUnits: ['jiaoyu'],
      cooperatingUnits: ['weijian'],
      unmatchedUnits: [],
      due: '2021-04-30',
      note: '月底前',
    });
  });

  it('matches names written loosely and keeps a project name that matches none', () => {
    const { item } = itemFromRow(
      row({ project: '某新建项目', responsible: ['教育局', '区 交通运输局'], cooperating: [] }),
      MEETING,
      schedule,
    );
    expect(item).toMatchObject({
      projectId: null,
      projectAsWritten: '某新建项目',
      responsibleUnits: ['jiaoyu', 'jiaotong'],
    });
  });

  it('keeps a unit name that matches no unit and warns with the cell and the name', () => {
    const { item, issues } = itemFromRow(
      row({ responsible: ['区教育局', '区档案馆'], cooperating: ['区气象局'] }),
      MEETING,
      schedule,
    );
    expect(item).toMatchObject({
      responsibleUnits: ['jiaoyu'],
      cooperatingUnits: [],
      unmatchedUnits: ['区档案馆', '区气象局'],
    });
    expect(issues.map((i) => [i.code, i.severity, i.cell])).toEqual([
      ['ITEM_UNIT_UNMATCHED', 'warning', 'C5'],
      ['ITEM_UNIT_UNMATCHED', 'warning', 'C5'],
    ]);
    expect(issues[0]?.message).toContain('第5行');
    expect(issues[0]?.message).toContain('“区档案馆”');
    expect(issues[1]?.message).toContain('配合单位');
  });

  it('is not recorded without 议定事项, 责任单位 or a readable 办结时限, and says what is missing', () => {
    const { item, issues } = itemFromRow(
      row({ text: ' ', responsible: [], due: null, dueText: '尽快' }),
      MEETING,
      schedule,
    );
    expect(item).toBeNull();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'ITEM_LIST_ROW_INCOMPLETE', cell: 'C5' });
    expect(issues[0]?.message).toBe(
      '第5行（序号1）缺少议定事项、责任单位、可识别的办结时限（现填“尽快”），该事项未记录，请补充后重新发送。',
    );
  });
});

describe('a list of agreed items', () => {
  it('gives the complete rows as items and the issues of the others, in order', () => {
    const out = itemsFromList(
      [row({ n: 1 }), row({ n: 2, cell: 'C6', due: null }), row({ n: 3, cell: 'C7' })],
      MEETING,
      schedule,
    );
    expect(out.items.map((i) => i.id)).toEqual(['20210316-1', '20210316-3']);
    expect(out.issues.map((i) => `${i.code} ${i.cell ?? ''}`)).toEqual([
      'ITEM_LIST_ROW_INCOMPLETE C6',
    ]);
  });

  it('records the first of two rows with one 序号 and tells the office about the second', () => {
    const out = itemsFromList(
      [row({ n: 1 }), row({ n: 1, cell: 'C6', text: '另一事项' }), row({ n: 2, cell: 'C7' })],
      MEETING,
      schedule,
    );
    expect(out.items.map((i) => [i.id, i.text])).toEqual([
      ['20210316-1', '加快推进校舍主体工程'],
      ['20210316-2', '加快推进校舍主体工程'],
    ]);
    expect(out.issues).toEqual([
      {
        severity: 'warning',
        code: 'ITEM_LIST_DUPLICATE_NUMBER',
        cell: 'C6',
        message: '第6行的序号1与第5行重复，该行未记录，请改正序号后重新发送。',
      },
    ]);
  });
});
