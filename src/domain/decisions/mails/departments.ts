/**
 * The departments' weekly mail: to each schedule unit named as 问题责任部门 in the week's current
 * sheets, the open problems naming it across projects (project, category, text, since which week
 * it has stood, the lead unit to contact). Once per week and unit (key departments:<week>:<unit>).
 *
 * The problems are the digest's (projectSections: the same report per project, the same
 * new / changed / unchanged marks); department names are matched to units with matchUnit, and
 * names matching no unit are returned so the office can see them. A project's own lead unit is
 * not sent its own problems (it wrote them).
 */
import type { Schedule } from '../../../config/schedule';
import { projectSections } from '../../digest/projects';
import type { ProjectSection, ReportedSheet, WeekReports } from '../../digest/types';
import { departmentsKey } from '../../mail-key';
import { closingBlocks, renderHtml, renderText, type Block } from '../../mail-body';
import { projectById, unitById, unitName } from '../../programme';
import { matchUnitNames } from '../../unit-names';
import { addDays } from '../../week';
import { formatDateZh, weekLabelZh } from '../../zh/dates';
import { onceEach, unitRecipients, type ComposedItemMail } from './item-mail';

export interface DepartmentProblem {
  projectId: string;
  projectName: string;
  /** Lead units' names: whom to contact. */
  leadUnits: string[];
  /** "资金概算" … */
  category: string;
  text: string;
  /** The reporting week (Monday) since which it has stood as written. */
  since: string;
  /** The count reached the digest's look-back: "at least since". */
  atLeast: boolean;
}

export interface DepartmentList {
  unitId: string;
  problems: DepartmentProblem[];
}

export interface DepartmentListsInput {
  schedule: Schedule;
  week: string;
  /** The week's current usable sheets. */
  current: readonly ReportedSheet[];
  /** The earlier weeks' current sheets, newest first (for "since when"). */
  previous: readonly WeekReports[];
}

/** Each named unit's open problems of the week (units in schedule order), and unmatched names. */
export function departmentLists(
  input: DepartmentListsInput,
  /** The week's project sections when the caller has them already (the console's page). */
  sections: readonly ProjectSection[] = projectSections(input),
): {
  lists: DepartmentList[];
  unmatched: string[];
} {
  const { schedule, week } = input;
  const byUnit = new Map<string, DepartmentProblem[]>();
  const unmatched: string[] = [];
  for (const section of sections) {
    if (!section.reported || section.problems.length === 0) continue;
    const leads = projectById(schedule, section.projectId)?.leadUnits ?? [];
    const ids: string[] = [];
    for (const written of section.departments) {
      const m = matchUnitNames(schedule.units, written);
      for (const id of m.ids) if (!ids.includes(id)) ids.push(id);
      for (const n of m.unmatched) if (!unmatched.includes(n)) unmatched.push(n);
    }
    for (const unitId of ids) {
      if (leads.includes(unitId)) continue;
      const list = byUnit.get(unitId) ?? [];
      for (const p of section.problems) {
        list.push({
          projectId: section.projectId,
          projectName: section.name,
          leadUnits: section.leadUnits,
          category: p.label,
          text: p.text,
          since: p.mark === 'unchanged' ? addDays(week, -7 * (p.weeks - 1)) : week,
          atLeast: p.atLeast,
        });
      }
      byUnit.set(unitId, list);
    }
  }
  const lists = schedule.units
    .filter((u) => byUnit.has(u.id))
    .map((u) => ({ unitId: u.id, problems: byUnit.get(u.id) ?? [] }));
  return { lists, unmatched };
}

export interface DepartmentsMailInput {
  schedule: Schedule;
  now: Date;
  week: string;
  list: DepartmentList;
}

export function composeDepartments(input: DepartmentsMailInput): ComposedItemMail {
  const { schedule, now, week, list } = input;
  const name = unitName(schedule, list.unitId);
  const weekLabel = weekLabelZh(week);
  const subject = `【问题协调】${weekLabel}涉及${name}的重点项目问题（${list.problems.length}项）`;
  const blocks: Block[] = [
    { type: 'para', lines: [`${name}：`] },
    {
      type: 'para',
      lines: [
        `${weekLabel}各牵头单位报送的问题清单中，以下${list.problems.length}项问题将你单位列为问题责任部门，请主动对接项目牵头单位，协调解决。`,
      ],
    },
    ...list.problems.map((p, i): Block => ({
      type: 'fields',
      title: `${i + 1}. ${p.projectName}`,
      fields: [
        ['问题类别', p.category],
        ['存在问题', p.text],
        [
          '提出时间',
          p.since === week
            ? `${weekLabel}（本周新提出或有变化）`
            : `${p.atLeast ? '至少自' : '自'}${formatDateZh(p.since)}当周起持续报送`,
        ],
        ['联系牵头单位', p.leadUnits.join('、')],
      ],
    })),
    {
      type: 'para',
      lines: ['问题解决进展请告知项目牵头单位，由其在每周问题清单中如实反映。'],
    },
    ...closingBlocks(schedule.programme, now, true),
  ];
  const unit = unitById(schedule, list.unitId);
  const own = unit ? unitRecipients(unit) : { to: [], cc: [] };
  const { to, cc } = onceEach(own.to, own.cc);
  return {
    key: departmentsKey(week, list.unitId),
    kind: 'departments',
    unitId: list.unitId,
    itemIds: [],
    colour: null,
    to,
    cc,
    subject,
    text: renderText(blocks),
    html: renderHtml(subject, blocks),
  };
}
