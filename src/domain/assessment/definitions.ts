/**
 * Each fact of the assessment record (考评) with its column head and its definition, in zh-CN:
 * the workbook's notes sheet (指标说明), the console page and the score's formula read them.
 * One sentence each; they say exactly what compute.ts counts.
 */
import { ASSESSMENT_FACT_NAMES } from './fact-names';
import type { AssessmentFactName } from './types';

export interface FactDefinition {
  name: AssessmentFactName;
  /** The column head (short). */
  label: string;
  /** What is counted, in one sentence. */
  definition: string;
}

/** Every fact's head and definition (a fact without one fails to compile). */
const DEFINED: Record<AssessmentFactName, Omit<FactDefinition, 'name'>> = {
  weeksExpected: {
    label: '应报周数',
    definition:
      '报送截止日（含节假日顺延）在统计期内且截止时间已过、该单位应当报送问题清单的周数。',
  },
  onTime: {
    label: '按时报送',
    definition: '应报周中，该单位第一份可用的问题清单在截止时间前收到的周数。',
  },
  late: {
    label: '逾期报送',
    definition: '应报周中，该单位第一份可用的问题清单在截止时间后、补报期限内收到的周数。',
  },
  missing: {
    label: '未报送',
    definition: '应报周中，没有可用的问题清单计入的周数（含“已收到但无法使用”的周）。',
  },
  notUsable: {
    label: '报送无法使用',
    definition:
      '未报送的周中，收到该单位来信但所附材料无法使用（如格式错误、仅发送云附件链接）的周数。',
  },
  correctionsRequested: {
    label: '退回修改',
    definition: '统计期内向该单位发出的请其修改或以附件形式重新发送问题清单的回复封数。',
  },
  reminders: {
    label: '催报',
    definition: '统计期内仅发给该单位本身的催报提醒封数。',
  },
  escalations: {
    label: '升级催报',
    definition: '统计期内发给或抄送该单位以外人员（单位负责人、项目负责领导等）的催报封数。',
  },
  targetsDue: {
    label: '到期攻坚目标',
    definition: '该单位牵头项目中完成时限在统计期内的攻坚目标个数。',
  },
  targetsMetOnTime: {
    label: '按期完成目标',
    definition:
      '到期攻坚目标中，完成时限当日结束前收到的可用问题清单已将其完成情况填报为“已完成”的个数。',
  },
  targetsOverdue: {
    label: '逾期未完成目标',
    definition: '到期攻坚目标中，完成时限已过而此前收到的问题清单均未填报“已完成”的个数。',
  },
  itemsAssigned: {
    label: '交办议定事项',
    definition: '会议日期在统计期内、该单位为责任单位的议定事项条数。',
  },
  itemsClosedOnTime: {
    label: '按时办结',
    definition:
      '该单位为责任单位、统计期内经办公室确认办结且确认日期不晚于办结时限的议定事项条数。',
  },
  itemsClosedLate: {
    label: '超时办结',
    definition: '该单位为责任单位、统计期内经办公室确认办结但确认日期晚于办结时限的议定事项条数。',
  },
  itemsOpen: {
    label: '未办结事项',
    definition: '统计期末该单位为责任单位、尚未经办公室确认办结的议定事项条数（含待确认）。',
  },
  itemsOverdue: {
    label: '逾期未办结',
    definition: '未办结事项中，统计期末办结时限已过的条数。',
  },
  noticesBlue: {
    label: '蓝色督办单',
    definition: '统计期内向该单位发出的蓝色督办单（临近时限）份数。',
  },
  noticesYellow: {
    label: '黄色督办单',
    definition: '统计期内向该单位发出的黄色督办单（进展滞后）份数。',
  },
  noticesRed: {
    label: '红色督办单',
    definition: '统计期内向该单位发出的红色督办单（逾期未办结）份数。',
  },
};

/** The facts with their heads and definitions, in the record's order (ASSESSMENT_FACT_NAMES). */
export const FACT_DEFINITIONS: readonly FactDefinition[] = ASSESSMENT_FACT_NAMES.map((name) => ({
  name,
  ...DEFINED[name],
}));

export function factLabel(name: AssessmentFactName): string {
  return DEFINED[name].label;
}

/** The definition of the score, for the notes: shown only when the schedule defines weights. */
export const SCORE_DEFINITION =
  '得分 = Σ 权重 × 指标值，权重由配置文件 assessment.weights 规定；各单位的计算式列于考评记录。';
