/**
 * The five problem categories in columns of their own: one header row naming them, or a two-row
 * header with 存在问题 merged over them. Grids are built directly (cells covered by a merge are
 * absent, as every reader produces them).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import type { Grid, GridCell, MergeRange } from '../../src/domain/sheet/grid';
import { headerCategory } from '../../src/domain/sheet/headers';
import { parseIssueSheet, type ParsedSheet } from '../../src/domain/sheet/parse';
import { readCategoryCell } from '../../src/domain/sheet/problems';
import { exampleSchedule, SHEETS_DIR } from '../helpers/sheets';

const OPTS = {
  catalog: [
    { id: 'p1', names: ['锦川实验小学项目'] },
    { id: 'p3', names: ['泉港高铁站前广场及配套工程'] },
  ],
  referenceDate: '2021-03-15',
};

function t(row: number, col: number, text: string): GridCell {
  return { row, col, value: { kind: 'text', text } };
}

function down(top: number, bottom: number, ...cols: number[]): MergeRange[] {
  return cols.map((c) => ({ top, left: c, bottom, right: c }));
}

function across(row: number, left: number, right: number): MergeRange {
  return { top: row, left, bottom: row, right };
}

function grid(cells: GridCell[], merges: MergeRange[] = []): Grid {
  return { date1904: false, sheets: [{ name: '问题清单', hidden: false, cells, merges }] };
}

/** Drop every cell a merge covers (only the top-left one holds the value). */
function covered(cells: GridCell[], merges: MergeRange[]): GridCell[] {
  return cells.filter(
    (c) =>
      !merges.some(
        (m) =>
          c.row >= m.top &&
          c.row <= m.bottom &&
          c.col >= m.left &&
          c.col <= m.right &&
          !(c.row === m.top && c.col === m.left),
      ),
  );
}

const CATEGORY_HEADERS = ['项目审批', '资金概算', '规划用地', '工程施工', '群众工作'];
const BEFORE = ['序号', '项目名称', '项目总牵头单位', '攻坚目标', '完成时限'];
const AFTER = ['问题责任部门', '协调推进情况', '下阶段工作对策建议'];

/**
 * Project 1 over rows `first` and `first + 1` (name, lead unit, departments, progress and next
 * steps merged down; the category cells per row), columns 1–13 as in the two layouts.
 */
function projectOne(first: number): { cells: GridCell[]; merges: MergeRange[] } {
  const second = first + 1;
  return {
    merges: down(first, second, 1, 2, 3, 10, 11, 12, 13),
    cells: [
      t(first, 1, '1'),
      t(first, 2, '锦川实验小学项目'),
      t(first, 3, '教育局'),
      t(first, 4, '完成重新招投标'),
      t(first, 5, '3月30日'),
      t(second, 4, '项目重新开工'),
      t(second, 5, '3月31日'),
      t(first, 6, '待发改局核准'),
      t(second, 6, '施工许可待办理'),
      t(first, 7, '无'),
      t(second, 9, '塔吊未移交'),
      t(first, 10, '暂无'),
      t(first, 11, '区财政局、区自然资源局'),
      t(first, 12, '已完成清算'),
      t(first, 13, '加快招标'),
    ],
  };
}

const PROJECT_ONE_PROBLEMS = {
  approval: '待发改局核准\n施工许可待办理',
  funding: null,
  land: null,
  construction: '塔吊未移交',
  community: null,
};

/** The two-row header at rows 3–4: 存在问题 merged over columns 6–10, the rest merged down. */
function twoRowHeader(row: number, opts: { mergedDown?: boolean } = {}) {
  const mergedDown = opts.mergedDown ?? true;
  return {
    merges: [
      ...(mergedDown ? down(row, row + 1, 1, 2, 3, 4, 5, 11, 12, 13) : []),
      across(row, 6, 10),
    ],
    cells: [
      ...BEFORE.map((h, i) => t(row, i + 1, h)),
      t(row, 6, '存在问题（需协调事项）'),
      ...AFTER.map((h, i) => t(row, 11 + i, h)),
      ...CATEGORY_HEADERS.map((h, i) => t(row + 1, 6 + i, h)),
    ],
  };
}

function codes(r: ParsedSheet): string[] {
  return r.issues.map((i) => `${i.code}@${i.cell ?? ''}`);
}

describe('category columns under a two-row header', () => {
  const header = twoRowHeader(3);
  const project = projectOne(5);
  const merges = [...header.merges, ...project.merges];
  const r = parseIssueSheet(
    grid(
      covered(
        [
          t(1, 1, '填报单位：区教育局   填报时间：2021年3月15日'),
          ...header.cells,
          ...project.cells,
        ],
        merges,
      ),
      merges,
    ),
    OPTS,
  );

  test('reads each category from its own column, rows of one project appended', () => {
    expect(r.ok).toBe(true);
    expect(r.unit).toBe('区教育局');
    expect(r.projects).toHaveLength(1);
    const p = r.projects[0];
    expect(p?.problems).toEqual(PROJECT_ONE_PROBLEMS);
    expect(p?.uncategorizedProblems).toBeNull();
    expect(p?.responsibleDepartments).toEqual(['区财政局', '区自然资源局']);
    expect(p?.progress).toBe('已完成清算');
    expect(p?.nextSteps).toBe('加快招标');
  });

  test('starts the data below the second header row, with cell references where the cells are', () => {
    const p = r.projects[0];
    expect(p?.cell).toBe('B5');
    expect(p?.projectId).toBe('p1');
    expect(p?.targets.map((x) => [x.text, x.due, x.cell])).toEqual([
      ['完成重新招投标', '2021-03-30', 'E5'],
      ['项目重新开工', '2021-03-31', 'E6'],
    ]);
    expect(r.issues).toEqual([]);
  });

  test('gives the same projects as the five prompts in one 存在问题 cell', () => {
    const header9 = [...BEFORE, '存在问题（需协调事项）', ...AFTER];
    const m = down(5, 6, 1, 2, 3, 7, 8, 9);
    const single = parseIssueSheet(
      grid(
        covered(
          [
            t(1, 1, '填报单位：区教育局   填报时间：2021年3月15日'),
            ...header9.map((h, i) => t(3, i + 1, h)),
            t(5, 1, '1'),
            t(5, 2, '锦川实验小学项目'),
            t(5, 3, '教育局'),
            t(5, 4, '完成重新招投标'),
            t(5, 5, '3月30日'),
            t(6, 4, '项目重新开工'),
            t(6, 5, '3月31日'),
            t(
              5,
              6,
              '项目审批方面：待发改局核准\n资金概算方面：无\n规划用地方面：\n群众工作方面：暂无',
            ),
            t(6, 6, '项目审批方面：施工许可待办理\n工程施工方面：塔吊未移交'),
            t(5, 7, '区财政局、区自然资源局'),
            t(5, 8, '已完成清算'),
            t(5, 9, '加快招标'),
          ],
          m,
        ),
        m,
      ),
      { ...OPTS },
    );
    expect(single.ok).toBe(true);
    const strip = (x: ParsedSheet) => x.projects.map((p) => ({ ...p, targets: p.targets.length }));
    expect(strip(r)).toEqual(strip(single));
    expect(single.issues).toEqual(r.issues);
  });

  test('reads the sheet the same when the other headers are not merged down', () => {
    const h = twoRowHeader(3, { mergedDown: false });
    const all = [...h.merges, ...project.merges];
    const r2 = parseIssueSheet(grid(covered([...h.cells, ...project.cells], all), all), OPTS);
    expect(r2.projects.map((p) => [p.cell, p.problems])).toEqual([['B5', PROJECT_ONE_PROBLEMS]]);
    expect(r2.projects[0]?.targets.map((x) => x.cell)).toEqual(['E5', 'E6']);
  });

  test('skips the two-row header repeated on page 2, merged down or not', () => {
    for (const mergedDown of [true, false]) {
      const again = twoRowHeader(7, { mergedDown });
      const m = [
        ...header.merges,
        ...project.merges,
        ...again.merges,
        ...down(9, 10, 2, 11, 12, 13),
      ];
      const cells = [
        ...header.cells,
        ...project.cells,
        ...again.cells,
        t(9, 2, '泉港高铁站前广场及配套工程'),
        t(9, 4, '完成征迁'),
        t(9, 5, '4月15日'),
        t(10, 4, '开工建设'),
        t(10, 5, '4月30日'),
        t(9, 8, '用地指标待下达'),
        t(10, 10, '两户未签约'),
        t(9, 11, '区自然资源局'),
        t(9, 12, '已对接'),
        t(9, 13, '加快报批'),
      ];
      const res = parseIssueSheet(grid(covered(cells, m), m), OPTS);
      expect(res.projects.map((p) => p.name)).toEqual([
        '锦川实验小学项目',
        '泉港高铁站前广场及配套工程',
      ]);
      expect(res.projects[1]?.problems).toEqual({
        approval: null,
        funding: null,
        land: '用地指标待下达',
        construction: null,
        community: '两户未签约',
      });
      expect(res.projects[1]?.targets.map((x) => x.cell)).toEqual(['E9', 'E10']);
      expect(res.issues).toEqual([]);
    }
  });
});

describe('category columns named in one header row', () => {
  const headers = [
    ...BEFORE,
    '项目审批问题',
    '资金（概算）',
    '规划及用地',
    '施工',
    '群众',
    ...AFTER,
  ];

  test('reads the columns by meaning, whatever their exact names', () => {
    const project = projectOne(4);
    const r = parseIssueSheet(
      grid(
        covered([...headers.map((h, i) => t(3, i + 1, h)), ...project.cells], project.merges),
        project.merges,
      ),
      OPTS,
    );
    expect(r.ok).toBe(true);
    expect(r.projects[0]?.problems).toEqual(PROJECT_ONE_PROBLEMS);
    expect(r.projects[0]?.targets.map((x) => x.cell)).toEqual(['E4', 'E5']);
    expect(r.issues).toEqual([]);
  });

  test('a sheet whose category cells are all empty is not filled', () => {
    const r = parseIssueSheet(
      grid([
        ...headers.map((h, i) => t(3, i + 1, h)),
        t(4, 2, '锦川实验小学项目'),
        t(4, 4, '完成重新招投标'),
        t(4, 5, '3月30日'),
        t(4, 6, '无'),
      ]),
      OPTS,
    );
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['NOT_FILLED@B4']);
  });

  test('a category cell repeating its own prompt keeps only what follows it', () => {
    const r = parseIssueSheet(
      grid([
        ...headers.map((h, i) => t(3, i + 1, h)),
        t(4, 2, '锦川实验小学项目'),
        t(4, 4, '完成重新招投标'),
        t(4, 5, '3月30日'),
        t(4, 6, '项目审批方面：待核准'),
        t(4, 9, '施工：塔吊未移交'),
      ]),
      OPTS,
    );
    expect(r.projects[0]?.problems).toMatchObject({
      approval: '待核准',
      construction: '塔吊未移交',
    });
  });

  test('a cell merged across category columns is read like a 存在问题 cell', () => {
    const m = [across(4, 6, 10), across(5, 6, 10)];
    const r = parseIssueSheet(
      grid(
        covered(
          [
            ...headers.map((h, i) => t(3, i + 1, h)),
            t(4, 2, '锦川实验小学项目'),
            t(4, 4, '完成重新招投标'),
            t(4, 5, '3月30日'),
            t(4, 6, '资金概算方面：缺口200万元'),
            t(5, 2, '泉港高铁站前广场及配套工程'),
            t(5, 4, '完成征迁'),
            t(5, 5, '4月15日'),
            t(5, 6, '征迁扫尾仍有两户未签约'),
          ],
          m,
        ),
        m,
      ),
      OPTS,
    );
    expect(r.projects[0]?.problems.funding).toBe('缺口200万元');
    expect(r.projects[0]?.problems.approval).toBeNull();
    expect(r.projects[1]?.uncategorizedProblems).toBe('征迁扫尾仍有两户未签约');
    expect(codes(r)).toEqual(['PROBLEMS_UNCATEGORIZED@F5']);
  });
});

describe('a header split over two rows', () => {
  test('攻坚目标及时限 merged over two columns with 完成时限 below the second', () => {
    const headers = [
      '序',
      '项目名称',
      '项目总牵头单位',
      '攻坚目标及时限',
      '',
      '存在问题（需协调事项）',
    ];
    const m = [...down(3, 4, 1, 2, 3, 6, 7, 8, 9), across(3, 4, 5)];
    const r = parseIssueSheet(
      grid(
        covered(
          [
            ...headers
              .map((h, i) => t(3, i + 1, h))
              .filter((c) => c.value.kind !== 'text' || c.value.text),
            ...AFTER.map((h, i) => t(3, 7 + i, h)),
            t(4, 5, '完成时限'),
            t(5, 2, '锦川实验小学项目'),
            t(5, 4, '完成重新招投标'),
            t(5, 5, '3月30日'),
            t(5, 6, '项目审批方面：待核准'),
          ],
          m,
        ),
        m,
      ),
      OPTS,
    );
    expect(r.ok).toBe(true);
    expect(r.projects[0]?.targets).toEqual([
      { text: '完成重新招投标', due: '2021-03-30', dueText: '3月30日', cell: 'E5', status: null },
    ]);
    expect(r.projects[0]?.problems.approval).toBe('待核准');
  });

  test('title lines merged across the table above a one-row header are not taken for a header', () => {
    const header9 = [...BEFORE, '存在问题（需协调事项）', ...AFTER];
    const m = [across(1, 1, 9), across(2, 1, 5), across(2, 6, 9)];
    const r = parseIssueSheet(
      grid(
        covered(
          [
            t(1, 1, '第一批重点项目突破攻坚问题清单'),
            t(2, 1, '填报单位：区教育局'),
            t(2, 6, '填报时间：2021年3月15日'),
            ...header9.map((h, i) => t(3, i + 1, h)),
            t(4, 2, '锦川实验小学项目'),
            t(4, 4, '完成重新招投标'),
            t(4, 5, '3月30日'),
            t(4, 6, '项目审批方面：待核准'),
          ],
          m,
        ),
        m,
      ),
      OPTS,
    );
    expect(r.unit).toBe('区教育局');
    expect(r.filledOn).toBe('2021-03-15');
    expect(r.projects.map((p) => p.cell)).toEqual(['B4']);
  });
});

describe('category headers and cells', () => {
  test.each([
    ['项目审批', 'approval'],
    ['项目审批问题', 'approval'],
    ['审批', 'approval'],
    ['资金概算', 'funding'],
    ['资金（概算）', 'funding'],
    ['资金', 'funding'],
    ['规划用地', 'land'],
    ['规划及用地', 'land'],
    ['工程施工', 'construction'],
    ['施工方面', 'construction'],
    ['群众工作', 'community'],
    ['群众', 'community'],
    ['1.项目审批', 'approval'],
  ])('%s names the %s column', (text, key) => {
    expect(headerCategory(text)).toBe(key);
  });

  test.each(['存在问题（需协调事项）', '问题责任部门', '施工进展', '项目名称', '攻坚目标'])(
    '%s is no category',
    (text) => {
      expect(headerCategory(text)).toBeNull();
    },
  );

  test('a category cell saying nothing is no problem', () => {
    expect(
      ['', '无', '暂无。', '没有', '项目审批方面：无'].map((x) => readCategoryCell('approval', x)),
    ).toEqual([null, null, null, null, null]);
    expect(readCategoryCell('funding', '资金：缺口200万元；')).toBe('缺口200万元');
    expect(readCategoryCell('funding', '审批：未办')).toBe('审批：未办');
  });
});

describe('a two-row header written by LibreOffice', () => {
  test('is read through the .xlsx reader with every category where it was written', async () => {
    // libreoffice_two_row_header.xlsx: made by make_two_row_header.py beside it; its full
    // expectation is checked in sheet-fixtures.test.ts.
    const bytes = fs.readFileSync(path.join(SHEETS_DIR, 'libreoffice_two_row_header.xlsx'));
    const r = await readIssueSheet(bytes, {
      catalog: catalogOf(await exampleSchedule()),
      referenceDate: '2021-03-15',
    });
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    expect(r.projects.map((p) => [p.projectId, p.cell])).toEqual([
      ['p1', 'B6'],
      ['p2', 'B9'],
      ['p3', 'B14'],
    ]);
    expect(r.projects[0]?.problems.approval).toBe(
      '重新招标方案需报区发改局核准。\n招标控制价须经区财政局评审后方可挂网。',
    );
    expect(r.projects[2]?.problems).toEqual({
      approval: null,
      funding: null,
      land: '征地拆迁尚有两户未签约。',
      construction: null,
      community: '因施工震动引起群众阻工，需镇政府协调。\n夜间施工噪声投诉较多。',
    });
    expect(r.projects.every((p) => p.uncategorizedProblems === null)).toBe(true);
  });
});
