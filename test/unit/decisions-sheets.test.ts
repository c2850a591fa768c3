import { dateInText, meetingNameOf, readItemList } from '../../src/domain/decisions/item-list';
import { itemProgressOf, readItemReports } from '../../src/domain/decisions/item-report';
import type { CellValue, Grid, GridCell, GridSheet, MergeRange } from '../../src/domain/sheet/grid';
import { parseIssueSheet } from '../../src/domain/sheet/parse';

const REF = '2021-03-15';

type Cell = string | number | { date: string } | null;

/** A sheet from rows of cells (null / '' empty), with merges. */
function sheet(name: string, rows: Cell[][], merges: MergeRange[] = []): GridSheet {
  const cells: GridCell[] = [];
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      if (v === null || v === '') return;
      const value: CellValue =
        typeof v === 'string'
          ? { kind: 'text', text: v }
          : typeof v === 'number'
            ? { kind: 'number', value: v }
            : { kind: 'date', iso: v.date };
      cells.push({ row: i + 1, col: j + 1, value });
    }),
  );
  // Slave cells of a merge are absent.
  const kept = cells.filter(
    (c) =>
      !merges.some(
        (m) =>
          c.row >= m.top &&
          c.row <= m.bottom &&
          c.col >= m.left &&
          c.col <= m.right &&
          (c.row !== m.top || c.col !== m.left),
      ),
  );
  return { name, hidden: false, cells: kept, merges };
}

const grid = (...sheets: GridSheet[]): Grid => ({ sheets, date1904: false });
const m = (top: number, left: number, bottom: number, right: number): MergeRange => ({
  top,
  left,
  bottom,
  right,
});

const LIST_HEADER = ['序号', '所属项目', '议定事项', '责任单位', '配合单位', '办结时限', '备注'];

describe('a meeting’s list of agreed items', () => {
  test('reads the title, the labelled date and every row', () => {
    const g = grid(
      sheet(
        'Sheet1',
        [
          ['区重点项目联合会议第三次会议议定事项'],
          ['会议时间：2021年3月16日'],
          LIST_HEADER,
          [
            1,
            '区人民医院迁建项目',
            '尽快完成用地报批',
            '区自然资源局',
            '区住建局、区财政局',
            '3月19日前',
            null,
          ],
          [
            2,
            '区人民医院迁建项目',
            '落实建设资金\n（首期2000万元）',
            '区财政局',
            null,
            '2021.3.31',
            '分两期',
          ],
          [
            null,
            '城南污水处理厂',
            '协调施工用电',
            '区发改委；供电公司',
            '',
            { date: '2021-04-15' },
            null,
          ],
          ['备注：请各责任单位按时限办结。'],
        ],
        [m(1, 1, 1, 7), m(2, 1, 2, 7), m(7, 1, 7, 7)],
      ),
    );
    const reading = readItemList(g, { referenceDate: REF });
    expect(reading).toEqual({
      meeting: { name: '区重点项目联合会议第三次会议', date: '2021-03-16' },
      rows: [
        {
          n: 1,
          cell: 'C4',
          project: '区人民医院迁建项目',
          text: '尽快完成用地报批',
          responsible: ['区自然资源局'],
          cooperating: ['区住建局', '区财政局'],
          due: '2021-03-19',
          dueText: null,
          note: null,
        },
        {
          n: 2,
          cell: 'C5',
          project: '区人民医院迁建项目',
          text: '落实建设资金\n（首期2000万元）',
          responsible: ['区财政局'],
          cooperating: [],
          due: '2021-03-31',
          dueText: null,
          note: '分两期',
        },
        {
          n: 3,
          cell: 'C6',
          project: '城南污水处理厂',
          text: '协调施工用电',
          responsible: ['区发改委', '供电公司'],
          cooperating: [],
          due: '2021-04-15',
          dueText: null,
          note: null,
        },
      ],
      issues: [],
    });
  });

  test('takes the date from the title, header synonyms, merged project cells and an item over two rows', () => {
    const g = grid(
      sheet(
        '议定事项',
        [
          ['附件'],
          ['区重点项目联合会议第4次会议议定事项（2021年4月6日）'],
          ['编号', '项目名称', '会议议定事项', '牵头单位', '协办单位', '完成时限'],
          ['一', '区人民医院迁建项目', '完成征迁扫尾', '区住建局', '街道办', '4月30日'],
          ['二', null, '办理施工许可', '区住建局', null, '月底'],
          ['三', '城南污水处理厂', '完成管网接入', '区水务局', null, '5月10日'],
          [null, null, null, '区城管局', null, null],
        ],
        [m(2, 1, 2, 6), m(4, 2, 5, 2), m(6, 3, 7, 3), m(6, 1, 7, 1)],
      ),
    );
    const reading = readItemList(g, { referenceDate: REF });
    expect(reading?.meeting).toEqual({ name: '区重点项目联合会议第4次会议', date: '2021-04-06' });
    expect(reading?.rows.map((r) => [r.n, r.project, r.responsible, r.due, r.dueText])).toEqual([
      [1, '区人民医院迁建项目', ['区住建局'], '2021-04-30', null],
      [2, '区人民医院迁建项目', ['区住建局'], null, '月底'],
      [3, '城南污水处理厂', ['区水务局', '区城管局'], '2021-05-10', null],
    ]);
    expect(reading?.issues).toEqual([
      expect.objectContaining({
        code: 'ITEM_LIST_ROW_INCOMPLETE',
        cell: 'F5',
        severity: 'warning',
      }),
    ]);
    expect(reading?.issues[0]?.message).toContain('“月底”无法识别为日期');
  });

  test('reads 序号 left empty as the position and a row without 议定事项 as an issue', () => {
    const g = grid(
      sheet('S', [
        ['会议日期', { date: '2021-03-16' }],
        ['序号', '议定内容', '责任部门', '时限要求'],
        [null, '事项甲', '区财政局', '3月19日'],
        [null, '事项乙', null, '3月20日'],
        [5, null, '区财政局', '3月21日'],
      ]),
    );
    const reading = readItemList(g, { referenceDate: '2020-01-01' });
    expect(reading?.meeting).toEqual({ name: null, date: '2021-03-16' });
    expect(reading?.rows.map((r) => [r.n, r.text, r.due])).toEqual([
      [1, '事项甲', '2021-03-19'],
      [2, '事项乙', '2021-03-20'],
    ]);
    expect(reading?.issues.map((i) => i.cell)).toEqual(['B5', 'B4']);
  });

  test('reads a 会议时间 without its year, and units with their role written after them', () => {
    const g = grid(
      sheet('S', [
        ['第五次会议议定事项'],
        ['会议时间：', '12月28日上午'],
        ['序号', '议定事项', '责任单位', '配合单位', '办结时限'],
        [1, '事项甲', '区财政局（牵头）、区住建局', '区教育局(配合)', '1月15日'],
      ]),
    );
    const reading = readItemList(g, { referenceDate: '2022-01-03' });
    expect(reading?.meeting).toEqual({ name: '第五次会议', date: '2021-12-28' });
    expect(reading?.rows[0]).toMatchObject({
      responsible: ['区财政局', '区住建局'],
      cooperating: ['区教育局'],
      due: '2022-01-15',
    });
  });

  test('is null for an issue sheet or a list without a time-limit column', () => {
    expect(
      readItemList(
        grid(
          sheet('S', [
            ['序号', '议定事项', '责任单位', '备注'],
            [1, '甲', '乙', null],
          ]),
        ),
        { referenceDate: REF },
      ),
    ).toBeNull();
    expect(
      readItemList(
        grid(
          sheet('S', [
            [
              '序',
              '项目名称',
              '项目总牵头单位',
              '攻坚目标',
              '完成时限',
              '存在问题',
              '问题责任部门',
            ],
          ]),
        ),
        { referenceDate: REF },
      ),
    ).toBeNull();
  });

  test('finds dates in titles, in figures or in Chinese numerals', () => {
    expect(dateInText('第三次会议（2021年3月16日）')).toBe('2021-03-16');
    expect(dateInText('二〇二一年三月十六日')).toBe('2021-03-16');
    expect(dateInText('2021.3.16会议')).toBe('2021-03-16');
    expect(dateInText('第三次会议')).toBeNull();
    expect(meetingNameOf('区重点项目联合会议第三次会议议定事项清单')).toBe(
      '区重点项目联合会议第三次会议',
    );
  });

  test('reads as an item list through the issue-sheet parser, never NO_HEADER', () => {
    const g = grid(
      sheet('S', [
        ['区重点项目联合会议第三次会议议定事项'],
        ['会议时间：2021年3月16日'],
        ['序号', '项目名称', '议定事项', '牵头单位', '责任单位', '完成时限'],
        [1, '区人民医院迁建项目', '事项甲', '区财政局', '区住建局', '3月19日'],
      ]),
    );
    const parsed = parseIssueSheet(g, { catalog: [], referenceDate: REF });
    expect(parsed).toMatchObject({ ok: true, projects: [], issues: [], sheet: 'S' });
    expect(parsed.itemList?.rows).toHaveLength(1);
    expect(parsed.itemReports).toBeUndefined();
  });
});

const REPORT_HEADER = ['编号', '议定事项', '办结时限', '落实情况', '是否办结'];

describe('the section 议定事项落实情况', () => {
  test.each([
    ['已办结', '已办结'],
    ['办结', '已办结'],
    ['已完成', '已办结'],
    ['推进中', '推进中'],
    ['正在推进', '推进中'],
    ['未启动', '未启动'],
    ['未开始', '未启动'],
    [' 已办结。', '已办结'],
    ['基本完成', null],
  ])('reads 是否办结 %s as %s', (text, status) => {
    expect(itemProgressOf(text)).toBe(status);
  });

  test('a sheet with only the section is usable: no projects, the reports, the unit', () => {
    const g = grid(
      sheet(
        '议定事项落实情况',
        [
          ['议定事项落实情况'],
          ['填报单位：区财政局'],
          ['填报时间：2021年3月22日'],
          REPORT_HEADER,
          ['20210316-2', '落实建设资金', '2021年3月31日', '已拨付首期资金。', '已办结'],
          ['20210316－5', '协调施工用电', '2021年4月15日', null, '基本完成'],
          ['20210316-6', '某事项', '2021年4月15日', null, null],
        ],
        [m(1, 1, 1, 5)],
      ),
    );
    expect(readItemReports(g)).toEqual([
      {
        itemId: '20210316-2',
        idText: '20210316-2',
        cell: 'A5',
        progress: '已拨付首期资金。',
        status: '已办结',
      },
      {
        itemId: '20210316-5',
        idText: '20210316－5',
        cell: 'A6',
        progress: null,
        status: null,
        statusText: '基本完成',
      },
      { itemId: '20210316-6', idText: '20210316-6', cell: 'A7', progress: null, status: null },
    ]);
    const parsed = parseIssueSheet(g, { catalog: [], referenceDate: REF });
    expect(parsed).toMatchObject({
      ok: true,
      projects: [],
      unit: '区财政局',
      filledOn: '2021-03-22',
      sheet: '议定事项落实情况',
    });
    expect(parsed.itemReports).toHaveLength(3);
    expect(parsed.issues).toEqual([
      expect.objectContaining({ code: 'ITEM_REPORT_STATUS_UNREADABLE', cell: 'A6' }),
    ]);
  });

  test('below the issue table, the title row ends the table', () => {
    const g = grid(
      sheet(
        '问题清单',
        [
          ['填报单位：区教育局'],
          [
            '序',
            '项目名称',
            '项目总牵头单位',
            '攻坚目标',
            '完成时限',
            '存在问题',
            '问题责任部门',
            '协调推进情况',
            '下阶段工作对策建议',
          ],
          [
            1,
            '区实验学校',
            '区教育局',
            '完成主体',
            '3月31日',
            '资金缺口',
            '区财政局',
            '已协调',
            '加快拨付',
          ],
          [],
          ['议定事项落实情况'],
          REPORT_HEADER,
          ['20210316-1', '落实资金', '2021-03-31', '推进中的说明', '正在推进'],
        ],
        [m(5, 1, 5, 9)],
      ),
    );
    const parsed = parseIssueSheet(g, { catalog: [], referenceDate: REF });
    expect(parsed.ok).toBe(true);
    expect(parsed.projects.map((p) => p.name)).toEqual(['区实验学校']);
    expect(parsed.itemReports).toEqual([
      {
        itemId: '20210316-1',
        idText: '20210316-1',
        cell: 'A7',
        progress: '推进中的说明',
        status: '推进中',
      },
    ]);
  });

  test('the header alone (no title row) ends the issue table too', () => {
    const g = grid(
      sheet('问题清单', [
        [
          '序',
          '项目名称',
          '项目总牵头单位',
          '攻坚目标',
          '完成时限',
          '存在问题',
          '问题责任部门',
          '协调推进情况',
          '下阶段工作对策建议',
        ],
        [
          1,
          '区实验学校',
          '区教育局',
          '完成主体',
          '3月31日',
          '资金缺口',
          '区财政局',
          '已协调',
          '加快拨付',
        ],
        REPORT_HEADER,
        ['20210316-1', '落实资金', '2021-03-31', '说明', '未开始'],
      ]),
    );
    const parsed = parseIssueSheet(g, { catalog: [], referenceDate: REF });
    expect(parsed.projects).toHaveLength(1);
    expect(parsed.itemReports?.[0]?.status).toBe('未启动');
  });

  test('is absent from an issue sheet without the section, and null from readItemReports', () => {
    const g = grid(
      sheet('问题清单', [
        [
          '序',
          '项目名称',
          '项目总牵头单位',
          '攻坚目标',
          '完成时限',
          '存在问题',
          '问题责任部门',
          '协调推进情况',
          '下阶段工作对策建议',
        ],
        [
          1,
          '区实验学校',
          '区教育局',
          '完成主体',
          '3月31日',
          '资金缺口',
          '区财政局',
          '已协调',
          '加快拨付',
        ],
      ]),
    );
    expect(readItemReports(g)).toBeNull();
    expect('itemReports' in parseIssueSheet(g, { catalog: [], referenceDate: REF })).toBe(false);
  });
});
