/**
 * The Monday digest as data: what the convenors need to read first (who has not submitted, which
 * targets are overdue or due soon, which problems are new or stuck), then every project's
 * problems, the same problems by responsible department, and what the office must look at.
 *
 * Pure: the week's facts and sheet contents (and the previous weeks' contents, for the new /
 * changed / unchanged marks) come in with `now`; the model goes out, with every date and time
 * already written the way the renderers print it (in the programme's time zone).
 *
 * Rules (documented in the README, "The digest"):
 * - A project's report for a week is the sheet of one of its lead units that reports it (the one
 *   that arrived last, when both lead units of a co-led project sent one).
 * - A problem (project + category) is 新增 when the project's previous report had nothing in that
 *   category (or there was no previous report within LOOKBACK_WEEKS), 有变化 when the text
 *   differs once normalised (see sameText), 未变化 otherwise, with the number of weeks it has
 *   stood unchanged (this week included; weeks in which the project was not reported are
 *   skipped, not counted as a change).
 * - A target is overdue when its due date (the schedule's) is before today and the latest report
 *   of the project does not mark it done (完成情况: 已完成); due soon when due within
 *   DUE_SOON_DAYS from today.
 */
import { deadlineOf, wallClock } from '../calendar';
import { weekStatus } from '../week-status';
import { addDays } from '../week';
import { formatDateZh, weekLabelZh } from '../zh/dates';
import { dateTimeZh } from '../zh/times';
import { departmentSections } from './departments';
import { itemsSection } from './items';
import { officeSection } from './office';
import { projectSections } from './projects';
import { LOOKBACK_WEEKS, STUCK_WEEKS } from './reports';
import { submissionLines } from './submissions';
import { targetLines } from './targets';
import type { DigestInput, DigestModel, DigestSummary } from './types';

export * from './types';
export { CLOSED_WINDOW_DAYS, latestLine } from './items';

/**
 * Above this many projects (a province's programme) the mail body is compact: what needs the
 * convenors first, every list bounded; the full detail goes to the attached workbook and the
 * attached full HTML file. A district programme keeps the full body.
 */
export const FULL_BODY_MAX_PROJECTS = 20;
/** The attached full HTML file of a compact digest. */
export const FULL_HTML_NAME = '全部项目明细.html';
export {
  DUE_SOON_DAYS,
  LOOKBACK_WEEKS,
  normalizeProblem,
  PROBLEM_KEYS,
  problemLabel,
  reportOf,
  sameText,
  STUCK_WEEKS,
} from './reports';

export function buildDigestModel(input: DigestInput): DigestModel {
  const { schedule, week, now } = input;
  const tz = schedule.programme.timezone;
  const today = wallClock(now, tz).date;
  const deadline = deadlineOf(week, schedule);
  const deadlinePassed = now.getTime() > deadline.at.getTime();

  const statuses = weekStatus(
    schedule,
    week,
    input.facts,
    input.digestSentAt,
    input.itemUnits ?? [],
  );
  const submissions = submissionLines(input, statuses, deadlinePassed);
  const projects = projectSections(input);
  const targets = targetLines(input, today);
  const departments = departmentSections(input, projects);
  const office = officeSection(input);

  const expected = statuses.some((s) => s.state !== 'not_expected');
  const allProblems = projects.flatMap((p) => p.problems);
  const summary: DigestSummary = {
    expectedUnits: expected ? statuses.length : 0,
    onTime: statuses.filter((s) => s.state === 'on_time').length,
    late: statuses.filter((s) => s.state === 'late').length,
    missing: submissions.filter((s) => s.state === 'missing' && !s.pending).length,
    invalid: statuses.filter((s) => s.state === 'invalid').length,
    pending: submissions.filter((s) => s.pending).length,
    overdueTargets: targets.filter((t) => t.kind === 'overdue').length,
    dueSoonTargets: targets.filter((t) => t.kind === 'due_soon').length,
    openProblems: allProblems.length,
    newProblems: allProblems.filter((p) => p.mark === 'new').length,
    changedProblems: allProblems.filter((p) => p.mark === 'changed').length,
    stuckProblems: allProblems.filter((p) => p.mark === 'unchanged' && p.weeks >= STUCK_WEEKS)
      .length,
    officeItems:
      office.quarantined.length +
      office.unsentMails.length +
      office.unprocessed +
      office.cloudLinks.length +
      office.warnings.length,
  };

  const items = input.decisions ? itemsSection(schedule, input.decisions, now) : null;

  const { version, previousSentAt } = input.edition;
  const isUpdate = version > 1 && previousSentAt !== null;
  return {
    week,
    weekLabel: formatDateZh(week),
    programme: schedule.programme.name,
    signature: schedule.programme.signature,
    version,
    isUpdate,
    previousSentAt: previousSentAt ? dateTimeZh(previousSentAt, tz) : null,
    subject: digestSubject(week, { version, isUpdate }),
    title: `${weekLabelZh(week)}重点项目问题清单汇总`,
    generatedAt: dateTimeZh(now, tz),
    today,
    deadline: {
      label: dateTimeZh(deadline.at, tz),
      shifted: deadline.shifted,
      passed: deadlinePassed,
    },
    expected,
    summary,
    submissions,
    targets,
    projects,
    departments,
    office,
    attachmentName: digestAttachmentName(week, version),
    items,
    compact: schedule.projects.length > FULL_BODY_MAX_PROJECTS,
    fullHtmlName: FULL_HTML_NAME,
    consoleUrl: input.consoleUrl ?? null,
  };
}

export function digestSubject(
  week: string,
  edition: { version: number; isUpdate: boolean },
): string {
  const base = `【督办周报】${weekLabelZh(week)}重点项目问题清单汇总`;
  return edition.isUpdate ? `${base}（更新版，第${edition.version}版）` : base;
}

export function digestAttachmentName(week: string, version: number): string {
  return version > 1 ? `问题清单汇总-${week}-第${version}版.xlsx` : `问题清单汇总-${week}.xlsx`;
}

/** The earlier weeks the model looks at, newest first. */
export function lookbackWeeks(week: string, count = LOOKBACK_WEEKS): string[] {
  return Array.from({ length: count }, (_, i) => addDays(week, -7 * (i + 1)));
}
