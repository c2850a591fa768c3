/**
 * Recognising the header row by meaning. Headers are compared after removing whitespace, line
 * breaks and punctuation of either width, so "存在问题（需协调事项）", "存在问题(需协调事项)" and
 * "存在\n问题" all read the same. The rules are tried in order; the first that matches wins, which
 * is why "问题责任部门" is tested before "存在问题" and "协调推进情况" before "需协调事项".
 */
import type { ColumnField } from './layout';
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

export function headerField(text: string): ColumnField | null {
  // Headers are short; a long cell is content (and normalising it would cost for nothing).
  if (text.length > 60) return null;
  const t = letters(text);
  if (!t || t.length > 30) return null;
  for (const rule of RULES) if (rule.re.test(t)) return rule.field;
  return null;
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

/**
 * The columns of a header row, or null when the row is not the header: it must name the project
 * and at least three more of the core fields.
 */
export function readHeaderRow(
  cells: ReadonlyArray<{ col: number; text: string }>,
): ColumnMap | null {
  const map: ColumnMap = {};
  for (const { col, text } of cells) {
    const field = headerField(text);
    // The first column claiming a field keeps it; a repeated header text is ignored.
    if (field && map[field] === undefined) map[field] = col;
  }
  const core = CORE_FIELDS.filter((f) => map[f] !== undefined).length;
  if (map.projectName === undefined || core < 4) return null;
  return map;
}
