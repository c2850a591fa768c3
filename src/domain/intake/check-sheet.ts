/**
 * Checking a sheet that was read against the schedule, for the unit that sent it: its projects
 * are the unit's, none of the unit's projects is missing, due dates agree with the schedule.
 * Warnings carry cells; the only error is a sheet holding none of the unit's projects, which
 * cannot count as the unit's submission.
 */
import type { Schedule } from '../../config/schedule';
import { issue, type Issue } from '../../errors';
import type { ParsedSheet } from '../sheet/parse';
import { projectById, unitName } from '../programme';
import { formatMonthDayZh } from '../zh/dates';

export interface SheetCheck {
  issues: Issue[];
  /** Schedule project ids of the unit found in the sheet. */
  unitProjects: string[];
}

export function checkSheetForUnit(
  sheet: ParsedSheet,
  unitId: string,
  schedule: Schedule,
): SheetCheck {
  const issues: Issue[] = [];
  const own = schedule.projects.filter((p) => p.leadUnits.includes(unitId));
  const ownIds = new Set(own.map((p) => p.id));
  const found = new Set<string>();
  for (const p of sheet.projects) {
    if (!p.projectId) continue;
    const project = projectById(schedule, p.projectId);
    if (!project) continue;
    if (!ownIds.has(project.id)) {
      const leads = project.leadUnits.map((u) => unitName(schedule, u)).join('、');
      issues.push(
        issue(
          'PROJECT_OF_OTHER_UNIT',
          `“${p.name}”的牵头单位为${leads}，不由本单位填报；该项目内容已记录，但以其牵头单位报送的为准。`,
          p.cell,
        ),
      );
      continue;
    }
    found.add(project.id);
    for (const t of p.targets) {
      if (!t.due) continue;
      const planned = project.targets.find((x) => x.text === t.text.trim());
      if (planned && planned.due !== t.due) {
        issues.push(
          issue(
            'DUE_DATE_DIFFERS',
            `攻坚目标“${t.text}”的完成时限填写为${formatMonthDayZh(t.due)}，与通知确定的${formatMonthDayZh(planned.due)}不一致；如需调整时限，请报联合会议办公室。`,
            t.cell,
          ),
        );
      }
    }
  }
  if (found.size === 0 && own.length > 0) {
    issues.unshift(
      issue(
        'NO_PROJECT_OF_UNIT',
        `表中没有本单位牵头的项目（${own.map((p) => p.name).join('、')}）。请使用本单位的问题清单模板填写后重新发送。`,
      ),
    );
  } else {
    for (const p of own) {
      if (found.has(p.id)) continue;
      issues.push(issue('PROJECT_MISSING', `表中缺少本单位牵头的项目“${p.name}”，请补充填写。`));
    }
  }
  return { issues, unitProjects: [...found] };
}
