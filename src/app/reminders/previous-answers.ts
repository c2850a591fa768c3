/** Last week's answers of a unit, to pre-fill the template its reminder (or `duban template`) attaches. */
import type { Schedule } from '../../config/schedule';
import { projectsOfUnit } from '../../domain/reminders';
import type { ReportedSheet } from '../../domain/digest';
import type { PreviousAnswers, PreviousProject } from '../../domain/sheet/previous-answers';
import { addDays } from '../../domain/week';
import type { WeekReads } from '../ports/week-reads';

/**
 * Last week's answers for a unit's template: for each project it leads, the project block of
 * the unit's current (latest usable) sheet of the previous week, or else of a co-lead unit's.
 * Null when there is none.
 */
export async function loadPreviousAnswers(
  reads: Pick<WeekReads, 'currentSheetOf'>,
  schedule: Schedule,
  unitId: string,
  week: string,
): Promise<PreviousAnswers | null> {
  const previousWeek = addDays(week, -7);
  const projects = projectsOfUnit(schedule, unitId);
  const candidates = [unitId, ...new Set(projects.flatMap((p) => p.leadUnits))].filter(
    (u, i, all) => all.indexOf(u) === i,
  );
  const sheets = new Map<string, ReportedSheet>();
  for (const candidate of candidates) {
    const sheet = await reads.currentSheetOf(candidate, previousWeek);
    if (sheet) sheets.set(candidate, sheet);
  }
  const answers: PreviousProject[] = [];
  for (const project of projects) {
    const block = candidates
      .filter((u) => u === unitId || project.leadUnits.includes(u))
      .map((u) => sheets.get(u)?.projects.find((p) => p.projectId === project.id))
      .find((b) => b !== undefined);
    if (!block) continue;
    answers.push({
      projectId: project.id,
      problems: { ...block.problems },
      uncategorizedProblems: block.uncategorizedProblems,
      responsibleDepartments: block.responsibleDepartments,
      progress: block.progress,
      nextSteps: block.nextSteps,
      targets: block.targets.map((t) => ({ text: t.text, status: t.status })),
    });
  }
  return answers.length ? { week: previousWeek, projects: answers } : null;
}
