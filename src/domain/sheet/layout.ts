/**
 * The official layout of the weekly issue sheet (附件: 第一批“难硬重新”重点项目突破攻坚问题清单),
 * shared by the template writer and the parser.
 */
export type ProblemCategory = 'approval' | 'funding' | 'land' | 'construction' | 'community';

/** The five categories, in the order the sheet prints them, with their printed prompts. */
export const PROBLEM_CATEGORIES: ReadonlyArray<{ key: ProblemCategory; prompt: string }> = [
  { key: 'approval', prompt: '项目审批方面：' },
  { key: 'funding', prompt: '资金概算方面：' },
  { key: 'land', prompt: '规划用地方面：' },
  { key: 'construction', prompt: '工程施工方面：' },
  { key: 'community', prompt: '群众工作方面：' },
];

/** The fields a column can hold. `status` and `remarks` are optional extra columns. */
export type ColumnField =
  | 'seq'
  | 'projectName'
  | 'leadUnits'
  | 'target'
  | 'due'
  | 'status'
  | 'problems'
  | 'departments'
  | 'progress'
  | 'nextSteps'
  | 'remarks';

/** The nine official header labels, in order. */
export const OFFICIAL_HEADER: ReadonlyArray<{ field: ColumnField; label: string }> = [
  { field: 'seq', label: '序' },
  { field: 'projectName', label: '项目名称' },
  { field: 'leadUnits', label: '项目总牵头单位' },
  { field: 'target', label: '攻坚目标' },
  { field: 'due', label: '完成时限' },
  { field: 'problems', label: '存在问题（需协调事项）' },
  { field: 'departments', label: '问题责任部门' },
  { field: 'progress', label: '协调推进情况' },
  { field: 'nextSteps', label: '下阶段工作对策建议' },
];

export const SHEET_TITLE = '第一批“难硬重新”重点项目突破攻坚问题清单';
export const ATTACHMENT_LINE = '附件';
export const UNIT_LINE_LABEL = '填报单位：';
export const FILLED_ON_LINE_LABEL = '填报时间：';
export const FILLING_NOTE =
  '填表说明：请各牵头单位每周一填报项目推进存在问题、涉及责任部门、协调解决问题情况及下阶段对策建议，经项目负责领导审阅后，电子版发送至联合会议办公室邮箱。';

/** The 存在问题 cell as printed before the unit fills it: one prompt per line. */
export const EMPTY_PROBLEMS_CELL = PROBLEM_CATEGORIES.map((c) => c.prompt).join('\n');

/** A category as lists name it: the prompt without 方面： ("项目审批"). */
export function categoryLabel(key: ProblemCategory): string {
  const prompt = PROBLEM_CATEGORIES.find((c) => c.key === key)?.prompt ?? '';
  return prompt.replace(/方面：$/u, '');
}

/** A target's 完成情况. */
export type TargetStatus = 'done' | 'in_progress' | 'not_started';

/** 完成情况 as the sheet's drop-down offers it, and as every mail and list writes it. */
export const TARGET_STATUS_LABELS: Readonly<Record<TargetStatus, string>> = {
  done: '已完成',
  in_progress: '推进中',
  not_started: '未启动',
};
