/**
 * Recognising the header row by meaning. Headers are compared after removing whitespace, line
 * breaks and punctuation of either width, so "存在问题（需协调事项）", "存在问题(需协调事项)" and
 * "存在\n问题" all read the same. The rules are tried in order; the first that matches wins, which
 * is why "问题责任部门" is tested before "存在问题" and "协调推进情况" before "需协调事项".
 *
 * The five problem categories may have columns of their own (项目审批 | 资金概算 | 规划用地 |
 * 工程施工 | 群众工作, or 项目审批问题, 资金（概算）, 规划及用地, 施工, 群众 …); such a header names
 * the category and nothing else, and is tested before the rules, so "项目审批问题" is a category
 * column and not a second 存在问题 column.
 */
import type { ColumnField, ProblemCategory } from './layout';
import { letters } from './text';

const RULES: ReadonlyArray<{ field: ColumnField; re: RegExp }> = [
  { field: 'seq', re: /^(?:序|序号|编号|no|number)$/iu },
  { field: 'nextSteps', re: /对策|建议|下步|下一步|下阶段/u },
  { field: 'departments', re: /责任部门|责任单位|配合部门|协调部门|问题责任/u },
  { field: 'leadUnits', re: /牵头/u },
  { field: 'progress', re: /推进情况|进展情况|协调情况|工作进展|推进进度|进展$/u },
  { field: 'status', re: /完成情况|完成状态|进展状态|是否完成|^状态$/u },
  { field: 'problems', re: /存在问题|协调事项|问题/u },
  { field: 'due', re: /时限|完成时间|截止|完成日期|完成期限|时间节点|计划完成/u },
  { field: 'target', re: /目标|攻坚任务|任务/u },
  { field: 'projectName', re: /^项目(?:名称|名)?$|项目名称/u },
  { field: 'remarks', re: /^(?:备注|说明|附注)/u },
];

/** A category column's header: the category's words, optionally numbered, 方面 and 问题 around. */
const CATEGORY_WORDS: ReadonlyArray<{ key: ProblemCategory; words: string }> = [
  { key: 'approval', words: '(?:项目)?(?:立项)?审批(?:手续)?' },
  { key: 'funding', words: '资金(?:[及和与]?概算)?|概算(?:资金)?' },
  { key: 'land', words: '规划(?:[及和与]?用地)?|用地(?:[及和与]?规划)?' },
  { key: 'construction', words: '(?:工程)?施工' },
  { key: 'community', words: '群众(?:工作)?' },
];

const CATEGORY_RULES = CATEGORY_WORDS.map(({ key, words }) => ({
  key,
  re: new RegExp(
    `^(?:[0-9]{1,2}|[一二三四五])?(?:${words})(?:方面)?(?:存在)?(?:的)?(?:问题|事项)?$`,
    'u',
  ),
}));

function normalisedHeader(text: string): string | null {
  // Headers are short; a long cell is content (and normalising it would cost for nothing).
  if (text.length > 60) return null;
  const t = letters(text);
  if (!t || t.length > 30) return null;
  return t;
}

export function headerField(text: string): ColumnField | null {
  const t = normalisedHeader(text);
  if (!t) return null;
  for (const rule of RULES) if (rule.re.test(t)) return rule.field;
  return null;
}

/** Every field a header could mean, in rule order ("攻坚目标及时限": due, then target). */
export function headerFields(text: string): ColumnField[] {
  const t = normalisedHeader(text);
  if (!t) return [];
  return RULES.filter((rule) => rule.re.test(t)).map((rule) => rule.field);
}

/** The problem category a column is named after ("资金（概算）" → funding), or null. */
export function headerCategory(text: string): ProblemCategory | null {
  const t = normalisedHeader(text);
  if (!t) return null;
  return CATEGORY_RULES.find((rule) => rule.re.test(t))?.key ?? null;
}

/** Whether a text is a header label at all: a field or a category. */
export function isHeaderLabel(text: string): boolean {
  return headerCategory(text) !== null || headerField(text) !== null;
}

/** Fields whose presence makes a row the issue sheet's header. */
export const CORE_FIELDS: ReadonlyArray<ColumnField> = [
  'projectName',
  'target',
  'due',
  'problems',
  'departments',
  'progress',
  'nextSteps',
  'leadUnits',
];

export type ColumnMap = Partial<Record<ColumnField, number>>;

/** The columns holding the problem categories, when the sheet gives each its own. */
export type CategoryColumns = Partial<Record<ProblemCategory, number>>;

export interface HeaderColumns {
  columns: ColumnMap;
  categories: CategoryColumns;
}

export interface HeaderCell {
  col: number;
  text: string;
  /**
   * Fields this cell may not take because the sub-headers beside it name them (a column left
   * unnamed under 攻坚目标及时限, next to 完成时限, is the target): the cell then takes the first
   * other field its text means. Without it, a cell takes only the first.
   */
  taken?: ReadonlySet<ColumnField>;
}

/**
 * The columns of a header row, or null when the row is not the header: it must name the project
 * and at least three more of the core fields (category columns count as 存在问题).
 */
export function readHeaderRow(cells: ReadonlyArray<HeaderCell>): HeaderColumns | null {
  const columns: ColumnMap = {};
  const categories: CategoryColumns = {};
  for (const { col, text, taken } of cells) {
    const category = headerCategory(text);
    if (category) {
      if (categories[category] === undefined) categories[category] = col;
      continue;
    }
    const field = taken
      ? (headerFields(text).find((f) => !taken.has(f)) ?? null)
      : headerField(text);
    // The first column claiming a field keeps it; a repeated header text is ignored.
    if (field && columns[field] === undefined) columns[field] = col;
  }
  let core = CORE_FIELDS.filter((f) => columns[f] !== undefined).length;
  if (columns.problems === undefined && Object.keys(categories).length > 0) core++;
  if (columns.projectName === undefined || core < 4) return null;
  return { columns, categories };
}
