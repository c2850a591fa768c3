import { inferYear, readDueCell, readDueText } from '../../src/domain/sheet/dates';
import { headerField, readHeaderRow } from '../../src/domain/sheet/headers';
import { matchProject } from '../../src/domain/sheet/match';
import { readProblems } from '../../src/domain/sheet/problems';
import { isNothing, splitNames } from '../../src/domain/sheet/text';
import { parseIssueSheet } from '../../src/domain/sheet/parse';
import type { Grid, GridCell } from '../../src/domain/sheet/grid';

const REF = '2021-03-15';

describe('due dates as people write them', () => {
  test.each([
    ['3月25日', '2021-03-25'],
    ['3.25', '2021-03-25'],
    ['3-25', '2021-03-25'],
    ['3/25', '2021-03-25'],
    ['2021年3月25日', '2021-03-25'],
    ['2021/3/25', '2021-03-25'],
    ['2021.3.25', '2021-03-25'],
    ['2021-03-25', '2021-03-25'],
    ['20210325', '2021-03-25'],
    ['３月２５日', '2021-03-25'],
    ['3月25日前', '2021-03-25'],
    [' 3 月 25 日 ', '2021-03-25'],
    ['2月25日', '2021-02-25'],
  ])('reads %s as %s', (text, iso) => {
    expect(readDueText(text, REF)).toMatchObject({ kind: 'date', iso });
  });

  test.each(['月底', '上旬', '3月上旬', '尽快', '3月底'])('keeps %s as unreadable text', (text) => {
    expect(readDueText(text, REF)).toEqual({ kind: 'unreadable', text });
  });

  test.each(['2月30日', '13月1日', '2021年2月29日'])('calls %s an impossible date', (text) => {
    expect(readDueText(text, REF).kind).toBe('invalid');
  });

  test('infers the year nearest to the reference date across a year boundary', () => {
    expect(inferYear(1, 15, '2021-12-20')).toBe(2022);
    expect(inferYear(12, 20, '2022-01-10')).toBe(2021);
    expect(inferYear(3, 25, '2021-03-15')).toBe(2021);
    expect(readDueText('1月15日', '2021-12-20')).toMatchObject({ iso: '2022-01-15' });
  });

  test('reads Excel serials in the 1900 and 1904 systems', () => {
    expect(readDueCell({ kind: 'number', value: 44280 }, REF, false)).toMatchObject({
      iso: '2021-03-25',
    });
    expect(readDueCell({ kind: 'number', value: 44280 - 1462 }, REF, true)).toMatchObject({
      iso: '2021-03-25',
    });
  });

  test('reads 3.25 typed into a General cell (a number) as March 25, and flags 3.3 as ambiguous', () => {
    expect(readDueCell({ kind: 'number', value: 3.25 }, REF, false)).toMatchObject({
      iso: '2021-03-25',
    });
    const r = readDueCell({ kind: 'number', value: 3.3 }, REF, false);
    expect(r).toMatchObject({ kind: 'date', iso: '2021-03-03', ambiguous: '3月30日' });
  });
});

describe('the five problem categories', () => {
  test('reads the printed prompts, one per line', () => {
    const r = readProblems(
      '项目审批方面：待发改局核准\n资金概算方面：无\n规划用地方面：\n工程施工方面：塔吊未移交\n群众工作方面：暂无',
    );
    expect(r.problems).toEqual({
      approval: '待发改局核准',
      funding: null,
      land: null,
      construction: '塔吊未移交',
      community: null,
    });
    expect(r.uncategorized).toBeNull();
  });

  test('reads prompts in another order, with half-width colons, on one line, some missing', () => {
    const r = readProblems('工程施工方面:进度滞后。项目审批方面:已批复；群众工作方面: 有阻工');
    expect(r.problems).toEqual({
      approval: '已批复',
      funding: null,
      land: null,
      construction: '进度滞后。',
      community: '有阻工',
    });
  });

  test('reads numbered and shortened prompts', () => {
    const r = readProblems(
      '1.审批：手续未齐\n2.资金：缺口200万元\n3.用地：无\n4.施工：正常\n5.群众：无',
    );
    expect(r.problems).toMatchObject({
      approval: '手续未齐',
      funding: '缺口200万元',
      land: null,
      construction: '正常',
    });
  });

  test('never takes a word inside a sentence for a prompt', () => {
    const r = readProblems('项目审批方面：施工许可待办理，群众意见较大');
    expect(r.problems.approval).toBe('施工许可待办理，群众意见较大');
    expect(r.problems.construction).toBeNull();
  });

  test('keeps text written without prompts whole, as uncategorised', () => {
    const r = readProblems('征迁扫尾仍有两户未签约，需镇政府协调。');
    expect(r.uncategorized).toBe('征迁扫尾仍有两户未签约，需镇政府协调。');
    expect(Object.values(r.problems).every((v) => v === null)).toBe(true);
  });

  test('treats 无 / 暂无 / 没有 as nothing', () => {
    expect(['无', '暂无', '没有', '无。', ' 暂无 '].every(isNothing)).toBe(true);
    expect(isNothing('无法按期完成')).toBe(false);
  });
});

describe('responsible departments and lead units', () => {
  test('splits on 、，,;；/ and line breaks, trims and removes duplicates', () => {
    expect(
      splitNames(
        '区财政局、区自然资源局，区住建局;区发改局；区财政局/南埔镇政府\n区城管局 , 区住建局',
      ),
    ).toEqual(['区财政局', '区自然资源局', '区住建局', '区发改局', '南埔镇政府', '区城管局']);
  });
});

describe('headers by meaning', () => {
  test.each([
    ['存在问题（需协调事项）', 'problems'],
    ['存在问题(需协调事项)', 'problems'],
    ['问题 责任部门', 'departments'],
    ['协调推进情况', 'progress'],
    ['下步工作建议', 'nextSteps'],
    ['对策建议', 'nextSteps'],
    ['完成\n时限', 'due'],
    ['攻坚 目标', 'target'],
    ['项目总牵头单位', 'leadUnits'],
    ['序号', 'seq'],
    ['完成情况', 'status'],
    ['备注', 'remarks'],
  ])('%s is the %s column', (text, field) => {
    expect(headerField(text)).toBe(field);
  });

  test('a roster is not the header', () => {
    expect(
      readHeaderRow(['序号', '姓名', '性别', '年龄'].map((text, i) => ({ col: i + 1, text }))),
    ).toBeNull();
  });
});

describe('project names', () => {
  const catalog = [
    { id: 'p1', names: ['锦川实验小学项目'] },
    { id: 'p2', names: ['泉港医院病房大楼2#楼及附属配套设施项目'] },
    { id: 'p3', names: ['泉港高铁站前广场及配套工程'] },
    { id: 'p4', names: ['泉港坝头溪流域综合整治项目'] },
  ];
  test.each([
    ['泉港坝头流域综合整治项目', 'p4'],
    ['锦川实验小学', 'p1'],
    ['泉港医院病房大楼2号楼及附属配套设施项目', 'p2'],
    ['泉港高铁站前广场及配套工程 ', 'p3'],
    ['某某道路提升工程', null],
    ['项目', null],
  ])('matches %s to %s', (name, id) => {
    expect(matchProject(name, catalog)).toBe(id);
  });
});

function text(row: number, col: number, t: string): GridCell {
  return { row, col, value: { kind: 'text', text: t } };
}

describe('reading a grid', () => {
  const header = [
    '序',
    '项目名称',
    '项目总牵头单位',
    '攻坚目标',
    '完成时限',
    '存在问题（需协调事项）',
    '问题责任部门',
    '协调推进情况',
    '下阶段工作对策建议',
  ];
  const base: GridCell[] = [
    text(1, 1, '填报单位：区教育局   填报时间：2021年3月15日'),
    ...header.map((h, i) => text(3, i + 1, h)),
  ];
  const opts = {
    catalog: [{ id: 'p1', names: ['锦川实验小学项目'] }],
    referenceDate: '2021-03-15',
  };

  test('applies a merged project value to every row it spans', () => {
    const grid: Grid = {
      date1904: false,
      sheets: [
        {
          name: 'S',
          hidden: false,
          merges: [2, 3, 6, 7, 8, 9].map((c) => ({ top: 4, left: c, bottom: 5, right: c })),
          cells: [
            ...base,
            text(4, 2, '锦川实验小学项目'),
            text(4, 3, '教育局'),
            text(4, 4, '完成重新招投标'),
            text(4, 5, '3月30日'),
            text(5, 4, '项目重新开工'),
            text(5, 5, '3月31日'),
            text(4, 6, '项目审批方面：无'),
            text(4, 7, '区财政局'),
            text(4, 8, '已完成清算'),
            text(4, 9, '加快招标'),
          ],
        },
      ],
    };
    const r = parseIssueSheet(grid, opts);
    expect(r.ok).toBe(true);
    expect(r.unit).toBe('区教育局');
    expect(r.filledOn).toBe('2021-03-15');
    expect(r.projects).toHaveLength(1);
    expect(r.projects[0]?.targets.map((t) => [t.due, t.cell])).toEqual([
      ['2021-03-30', 'E4'],
      ['2021-03-31', 'E5'],
    ]);
    expect(r.projects[0]?.projectId).toBe('p1');
  });

  test('a hidden sheet loses to a visible one holding the same table', () => {
    const sheet = (name: string, hidden: boolean, unit: string) => ({
      name,
      hidden,
      merges: [],
      cells: [
        text(1, 1, `填报单位：${unit}`),
        ...header.map((h, i) => text(3, i + 1, h)),
        text(4, 2, '锦川实验小学项目'),
        text(4, 4, 'x'),
        text(4, 5, '3月1日'),
        text(4, 8, '进展'),
      ],
    });
    const r = parseIssueSheet(
      { date1904: false, sheets: [sheet('old', true, '旧'), sheet('new', false, '新')] },
      opts,
    );
    expect(r.sheet).toBe('new');
  });

  test('a workbook without cells is refused with NO_WORKSHEET', () => {
    const r = parseIssueSheet(
      { date1904: false, sheets: [{ name: 'S', hidden: false, cells: [], merges: [] }] },
      opts,
    );
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(['NO_WORKSHEET']);
  });
});
