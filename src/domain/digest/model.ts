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
import type { Project, Schedule, Unit } from '../../config/schedule';
import { deadlineOf, wallClock } from '../calendar';
import { PROBLEM_CATEGORIES, type ProblemCategory } from '../sheet/layout';
import type { TargetStatus } from '../sheet/parse';
import { compact } from '../sheet/text';
import { addDays, formatDateZh, formatMonthDayZh, weekdayZh } from '../week';
import { weekStatus, type SubmissionFact, type UnitState } from '../week-status';

/** How many earlier weeks are looked at for the marks and the "unchanged for" count. */
export const LOOKBACK_WEEKS = 12;
/** Targets due within this many days from today are listed as due soon. */
export const DUE_SOON_DAYS = 7;
/** A problem unchanged for this many weeks (this one included) is counted as stuck. */
export const STUCK_WEEKS = 3;

// ---------------------------------------------------------------------------------------------
// Input

export interface ReportedTarget {
  text: string;
  due: string | null;
  dueText: string | null;
  status: TargetStatus | null;
}

/** A project block of a stored sheet. */
export interface ReportedProject {
  projectId: string | null;
  nameAsWritten: string;
  leadUnits: string[];
  problems: Record<ProblemCategory, string | null>;
  uncategorizedProblems: string | null;
  responsibleDepartments: string[];
  progress: string | null;
  nextSteps: string | null;
  targets: ReportedTarget[];
}

export interface SheetIssueFact {
  severity: string;
  code: string;
  cell: string | null;
  message: string;
}

/** The current version of a unit's sheet for a week, with its content. */
export interface ReportedSheet {
  submissionId: number;
  unitId: string;
  arrivedAt: Date;
  /** 'accepted' | 'accepted_with_warnings' */
  status: string;
  issues: SheetIssueFact[];
  projects: ReportedProject[];
}

export interface WeekReports {
  week: string;
  sheets: ReportedSheet[];
}

export interface QuarantinedFact {
  receivedAt: Date;
  from: string | null;
  subject: string | null;
  reason: string | null;
}

export interface UnsentMailFact {
  kind: string;
  /** Addresses it was for. */
  to: string[];
  subject: string;
  /** 'failed' (refused for good), 'capped' (over the daily cap), 'retrying' (waiting to retry). */
  status: 'failed' | 'capped' | 'retrying';
  error: string | null;
  at: Date;
}

export interface OfficeFacts {
  quarantined: QuarantinedFact[];
  unsentMails: UnsentMailFact[];
  /** Stored messages not processed yet (waiting for the intake for a while). */
  unprocessed: number;
}

export interface DigestEdition {
  /** 1 for the first digest of the week. */
  version: number;
  /** When an earlier version of this week's digest went out (null: none did). */
  previousSentAt: Date | null;
}

export interface DigestInput {
  schedule: Schedule;
  week: string;
  now: Date;
  /** Every version of every unit's sheet for the week (weekSubmissionFacts). */
  facts: readonly SubmissionFact[];
  /** When the week's first digest went out, if it did. */
  digestSentAt: Date | null;
  /** Reminder stages already sent (remindersSent). */
  reminders: ReadonlyArray<{ unitId: string; stage: string }>;
  /** The current usable sheets of the week, with content. */
  current: readonly ReportedSheet[];
  /** The earlier weeks' current sheets, newest first (the previous week first). */
  previous: readonly WeekReports[];
  office: OfficeFacts;
  edition: DigestEdition;
}

// ---------------------------------------------------------------------------------------------
// Output

export type ProblemKey = ProblemCategory | 'uncategorized';
export type ProblemMark = 'new' | 'changed' | 'unchanged';

export interface SubmissionLine {
  unitId: string;
  unitName: string;
  state: UnitState;
  /** Missing while the deadline has not passed yet. */
  pending: boolean;
  /** Late, and after the week's first digest went out. */
  afterDigest: boolean;
  /** "3月15日 10:02", or null. */
  submittedAt: string | null;
  /** The co-lead unit whose sheet covered this unit's projects. */
  coveredBy: string | null;
  /** Reminder stage ids already sent, in the ladder's order. */
  reminders: string[];
  /** A stage sent went to the responsible leader or the chief convenor (督办). */
  escalated: boolean;
  projects: string[];
  /** Titles of the projects' responsible leaders (for missing and invalid units). */
  leaders: string[];
  /** Warnings on the current sheet. */
  warnings: number;
}

export interface TargetLine {
  projectSeq: number;
  projectName: string;
  text: string;
  due: string;
  /** "3月18日" */
  dueLabel: string;
  kind: 'overdue' | 'due_soon';
  /** Days overdue, or days until due (0 = today). */
  days: number;
  status: TargetStatus | null;
  /** The week whose report gave the status, when it is not this week's. */
  statusWeek: string | null;
  leader: string;
}

export interface ProblemItem {
  key: ProblemKey;
  /** "项目审批" */
  label: string;
  text: string;
  mark: ProblemMark;
  /** For unchanged: the weeks it has stood, this one included (≥ 2). */
  weeks: number;
  /** The count reached the look-back limit: "at least". */
  atLeast: boolean;
}

export interface ProjectTargetRow {
  text: string;
  /** As the sheet prints it: "3月25日", or the text written. */
  dueLabel: string;
  /** 完成情况 as reported this week (null: not reported, or the project was not). */
  status: TargetStatus | null;
}

export interface ProjectSection {
  seq: number;
  projectId: string;
  name: string;
  leadUnits: string[];
  /** Short forms for the sheet's 项目总牵头单位 column ("教育局"). */
  leadUnitLabels: string[];
  leader: string;
  reported: boolean;
  /** The unit whose sheet this is, and when it arrived. */
  reportedBy: string | null;
  submittedAt: string | null;
  /** Week (its Monday) of the last earlier report when not reported this week. */
  lastReportedWeek: string | null;
  problems: ProblemItem[];
  /** Categories reported at the previous report and not any more. */
  cleared: Array<{ key: ProblemKey; label: string }>;
  departments: string[];
  progress: string | null;
  nextSteps: string | null;
  /** The targets for the consolidated sheet: as reported, else the schedule's. */
  targets: ProjectTargetRow[];
}

export interface DepartmentItem {
  projectSeq: number;
  projectName: string;
  key: ProblemKey;
  label: string;
  text: string;
  mark: ProblemMark;
  weeks: number;
  atLeast: boolean;
}

export interface DepartmentSection {
  name: string;
  items: DepartmentItem[];
}

export interface OfficeSection {
  quarantined: Array<{ at: string; from: string; subject: string; reason: string }>;
  unsentMails: Array<{ at: string; kind: string; to: string; subject: string; why: string }>;
  unprocessed: number;
  warnings: Array<{
    unitName: string;
    issues: Array<{ code: string; cell: string | null; message: string }>;
  }>;
}

export interface DigestSummary {
  expectedUnits: number;
  onTime: number;
  late: number;
  missing: number;
  invalid: number;
  pending: number;
  overdueTargets: number;
  dueSoonTargets: number;
  openProblems: number;
  newProblems: number;
  changedProblems: number;
  stuckProblems: number;
  officeItems: number;
}

export interface DigestModel {
  week: string;
  /** "2021年3月15日" */
  weekLabel: string;
  programme: string;
  signature: string;
  version: number;
  /** True when an earlier version went out: the subject and the opening say so. */
  isUpdate: boolean;
  previousSentAt: string | null;
  subject: string;
  title: string;
  /** "2021年3月16日（星期二）08:00" */
  generatedAt: string;
  today: string;
  deadline: { label: string; shifted: boolean; passed: boolean };
  /** False outside the programme's active period: no sheets were expected. */
  expected: boolean;
  summary: DigestSummary;
  submissions: SubmissionLine[];
  targets: TargetLine[];
  projects: ProjectSection[];
  departments: DepartmentSection[];
  office: OfficeSection;
  attachmentName: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const CATEGORY_LABELS: Record<ProblemKey, string> = {
  approval: '项目审批',
  funding: '资金概算',
  land: '规划用地',
  construction: '工程施工',
  community: '群众工作',
  uncategorized: '其他（未分类）',
};

export const PROBLEM_KEYS: readonly ProblemKey[] = [
  ...PROBLEM_CATEGORIES.map((c) => c.key),
  'uncategorized',
];

export function problemLabel(key: ProblemKey): string {
  return CATEGORY_LABELS[key];
}

/**
 * Text compared for the marks: full-width folded (NFKC), without whitespace, and without
 * punctuation except between digits (so 200万元。 equals 200万元 but 2.5 differs from 25).
 */
export function normalizeProblem(text: string): string {
  return compact(text).replace(/(?<!\d)[\p{P}\p{S}]|[\p{P}\p{S}](?!\d)/gu, '');
}

export function sameText(a: string, b: string): boolean {
  return normalizeProblem(a) === normalizeProblem(b);
}

function problemText(p: ReportedProject, key: ProblemKey): string | null {
  const text = key === 'uncategorized' ? p.uncategorizedProblems : p.problems[key];
  return text !== null && text.trim() !== '' ? text.trim() : null;
}

/** The sheet reporting a project in a week: a lead unit's, the latest to arrive. */
export function reportOf(
  sheets: readonly ReportedSheet[],
  project: Pick<Project, 'id' | 'leadUnits'>,
): { sheet: ReportedSheet; project: ReportedProject } | null {
  let best: { sheet: ReportedSheet; project: ReportedProject } | null = null;
  for (const sheet of sheets) {
    if (!project.leadUnits.includes(sheet.unitId)) continue;
    const p = sheet.projects.find((x) => x.projectId === project.id);
    if (!p) continue;
    if (!best || sheet.arrivedAt.getTime() > best.sheet.arrivedAt.getTime()) {
      best = { sheet, project: p };
    }
  }
  return best;
}

function weeksBetween(earlier: string, later: string): number {
  return Math.round(
    (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / 604_800_000,
  );
}

function daysBetween(earlier: string, later: string): number {
  return Math.round(
    (Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / 86_400_000,
  );
}

/** "3月15日 10:02" (with the year when it differs from the reference's). */
function instantLabel(at: Date, tz: string, referenceYear: string): string {
  const { date, time } = wallClock(at, tz);
  const day = date.slice(0, 4) === referenceYear ? formatMonthDayZh(date) : formatDateZh(date);
  return `${day} ${time.slice(0, 5)}`;
}

function longInstantLabel(at: Date, tz: string): string {
  const { date, time } = wallClock(at, tz);
  return `${formatDateZh(date)}（${weekdayZh(date)}）${time.slice(0, 5)}`;
}

function dueLabelOf(due: string, week: string): string {
  return due.slice(0, 4) === week.slice(0, 4) ? formatMonthDayZh(due) : formatDateZh(due);
}

/** Flattened to one line (for mail subjects and list lines), capped. */
function oneLine(text: string, max = 200): string {
  const flat = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function digestSubject(
  week: string,
  edition: { version: number; isUpdate: boolean },
): string {
  const base = `【督办周报】${formatDateZh(week)}当周重点项目问题清单汇总`;
  return edition.isUpdate ? `${base}（更新版，第${edition.version}版）` : base;
}

export function digestAttachmentName(week: string, version: number): string {
  return version > 1 ? `问题清单汇总-${week}-第${version}版.xlsx` : `问题清单汇总-${week}.xlsx`;
}

function departmentKey(name: string): string {
  return compact(name).replace(/^区(?=..)/u, '');
}

/**
 * Department names as one key per department (区财政局 and 财政局 are one), shown by the
 * schedule unit's name when it is one, else by the fullest spelling seen (区财政局 over 财政局)
 * in this week's or earlier weeks' sheets.
 */
function departmentNamer(
  units: readonly Unit[],
  spellings: readonly string[],
): (name: string) => { key: string; name: string } {
  const display = new Map<string, string>();
  for (const n of spellings) {
    const k = departmentKey(n);
    const seen = display.get(k);
    if (seen === undefined || (!seen.startsWith('区') && n.trim().startsWith('区'))) {
      display.set(k, n.trim());
    }
  }
  for (const u of units) {
    for (const n of [u.name, ...u.aliases]) display.set(departmentKey(n), u.name);
  }
  return (name) => {
    const key = departmentKey(name);
    return { key, name: display.get(key) ?? name.trim() };
  };
}

/** Index of the reported target matching a schedule target: same text, else the same position. */
function matchTarget(
  targets: readonly ReportedTarget[],
  text: string,
  index: number,
  scheduleCount: number,
): ReportedTarget | null {
  const key = normalizeProblem(text);
  const exact = targets.find((t) => normalizeProblem(t.text) === key);
  if (exact) return exact;
  const near = targets.filter((t) => {
    const k = normalizeProblem(t.text);
    return k !== '' && (k.includes(key) || key.includes(k));
  });
  if (near.length === 1 && near[0]) return near[0];
  if (targets.length === scheduleCount) return targets[index] ?? null;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The model

export function buildDigestModel(input: DigestInput): DigestModel {
  const { schedule, week, now } = input;
  const tz = schedule.programme.timezone;
  const year = week.slice(0, 4);
  const today = wallClock(now, tz).date;
  const unitName = (id: string): string => schedule.units.find((u) => u.id === id)?.name ?? id;
  const unitLabel = (id: string): string => {
    const u = schedule.units.find((x) => x.id === id);
    return u ? (u.aliases[0] ?? u.name) : id;
  };
  const leaderTitle = (id: string): string =>
    schedule.people.convenors.find((c) => c.id === id)?.title ??
    (schedule.people.chiefConvenor.id === id ? schedule.people.chiefConvenor.title : id);
  const deadline = deadlineOf(week, schedule);
  const deadlinePassed = now.getTime() > deadline.at.getTime();

  // 1. Submissions.
  const statuses = weekStatus(schedule, week, input.facts, input.digestSentAt);
  const stageOrder = schedule.cycle.reminders.map((r) => r.id);
  const submissions: SubmissionLine[] = statuses.map((s) => {
    const projects = schedule.projects.filter((p) => p.leadUnits.includes(s.unit));
    const sheet = input.current.find((c) => c.submissionId === s.submissionId);
    const stages = input.reminders.filter((r) => r.unitId === s.unit).map((r) => r.stage);
    const reminders = [...new Set(stages)].sort(
      (a, b) => rank(stageOrder, a) - rank(stageOrder, b) || a.localeCompare(b),
    );
    return {
      unitId: s.unit,
      unitName: unitName(s.unit),
      state: s.state,
      pending: s.state === 'missing' && !deadlinePassed,
      afterDigest: s.afterDigest,
      submittedAt: s.submittedAt ? instantLabel(s.submittedAt, tz, year) : null,
      coveredBy: s.coveredBy ? unitName(s.coveredBy) : null,
      reminders,
      escalated: schedule.cycle.reminders.some(
        (r) =>
          reminders.includes(r.id) &&
          [...r.to, ...r.cc].some((a) => a === 'responsible_leader' || a === 'chief_convenor'),
      ),
      projects: projects.map((p) => p.name),
      leaders: [...new Set(projects.map((p) => leaderTitle(p.responsibleLeader)))],
      warnings:
        s.coveredBy === null && sheet
          ? sheet.issues.filter((i) => i.severity === 'warning').length
          : 0,
    };
  });

  // 2 and 3. Projects, their problems and targets.
  const projects: ProjectSection[] = schedule.projects.map((project, index) =>
    projectSection(project, index + 1),
  );

  function projectSection(project: Project, seq: number): ProjectSection {
    const current = reportOf(input.current, project);
    const earlier: Array<{ week: string; project: ReportedProject }> = [];
    for (const w of input.previous) {
      const report = reportOf(w.sheets, project);
      if (report) earlier.push({ week: w.week, project: report.project });
    }
    const base = {
      seq,
      projectId: project.id,
      name: project.name,
      leadUnits: project.leadUnits.map(unitName),
      leadUnitLabels: project.leadUnits.map(unitLabel),
      leader: leaderTitle(project.responsibleLeader),
    };
    if (!current) {
      return {
        ...base,
        reported: false,
        reportedBy: null,
        submittedAt: null,
        lastReportedWeek: earlier[0]?.week ?? null,
        problems: [],
        cleared: [],
        departments: [],
        progress: null,
        nextSteps: null,
        targets: project.targets.map((t) => ({
          text: t.text,
          dueLabel: dueLabelOf(t.due, week),
          status: null,
        })),
      };
    }
    const p = current.project;
    const problems: ProblemItem[] = [];
    const cleared: Array<{ key: ProblemKey; label: string }> = [];
    for (const key of PROBLEM_KEYS) {
      const text = problemText(p, key);
      if (text === null) {
        const before = earlier[0] ? problemText(earlier[0].project, key) : null;
        if (before !== null) cleared.push({ key, label: problemLabel(key) });
        continue;
      }
      problems.push({ key, label: problemLabel(key), text, ...markOf(text, key, earlier) });
    }
    const targets: ProjectTargetRow[] =
      p.targets.length > 0
        ? p.targets.map((t) => ({
            text: t.text,
            dueLabel: t.due ? dueLabelOf(t.due, week) : (t.dueText ?? ''),
            status: t.status,
          }))
        : project.targets.map((t) => ({
            text: t.text,
            dueLabel: dueLabelOf(t.due, week),
            status: null,
          }));
    return {
      ...base,
      reported: true,
      reportedBy: unitName(current.sheet.unitId),
      submittedAt: instantLabel(current.sheet.arrivedAt, tz, year),
      lastReportedWeek: week,
      problems,
      cleared,
      departments: p.responsibleDepartments,
      progress: p.progress?.trim() || null,
      nextSteps: p.nextSteps?.trim() || null,
      targets,
    };
  }

  function markOf(
    text: string,
    key: ProblemKey,
    earlier: ReadonlyArray<{ week: string; project: ReportedProject }>,
  ): { mark: ProblemMark; weeks: number; atLeast: boolean } {
    const first = earlier[0];
    const before = first ? problemText(first.project, key) : null;
    if (!first || before === null) return { mark: 'new', weeks: 1, atLeast: false };
    if (!sameText(before, text)) return { mark: 'changed', weeks: 1, atLeast: false };
    let since = first.week;
    let unbroken = true;
    for (const e of earlier.slice(1)) {
      const t = problemText(e.project, key);
      if (t === null || !sameText(t, text)) {
        unbroken = false;
        break;
      }
      since = e.week;
    }
    const oldest = input.previous[input.previous.length - 1]?.week;
    return {
      mark: 'unchanged',
      weeks: weeksBetween(since, week) + 1,
      atLeast: unbroken && input.previous.length >= LOOKBACK_WEEKS && since === oldest,
    };
  }

  const targets: TargetLine[] = [];
  schedule.projects.forEach((project, index) => {
    const reports: Array<{ week: string; project: ReportedProject }> = [];
    for (const w of [{ week, sheets: input.current }, ...input.previous]) {
      const r = reportOf(w.sheets, project);
      if (r) reports.push({ week: w.week, project: r.project });
    }
    // The latest report decides whether a target is done.
    const latest = reports[0];
    project.targets.forEach((target, ti) => {
      const reported = latest
        ? matchTarget(latest.project.targets, target.text, ti, project.targets.length)
        : null;
      const status = reported?.status ?? null;
      if (status === 'done') return;
      const days = daysBetween(today, target.due);
      const kind = days < 0 ? 'overdue' : days <= DUE_SOON_DAYS ? 'due_soon' : null;
      if (kind === null) return;
      targets.push({
        projectSeq: index + 1,
        projectName: project.name,
        text: target.text,
        due: target.due,
        dueLabel: dueLabelOf(target.due, week),
        kind,
        days: Math.abs(days),
        status,
        statusWeek: latest && latest.week !== week ? latest.week : null,
        leader: leaderTitle(project.responsibleLeader),
      });
    });
  });
  targets.sort(
    (a, b) =>
      (a.kind === 'overdue' ? 0 : 1) - (b.kind === 'overdue' ? 0 : 1) ||
      a.due.localeCompare(b.due) ||
      a.projectSeq - b.projectSeq,
  );

  // 4. By responsible department.
  const namer = departmentNamer(
    schedule.units,
    [input.current, ...input.previous.map((w) => w.sheets)].flatMap((sheets) =>
      sheets.flatMap((sh) => sh.projects.flatMap((p) => p.responsibleDepartments)),
    ),
  );
  const departments = new Map<string, DepartmentSection & { order: number }>();
  for (const project of projects) {
    if (project.problems.length === 0) continue;
    for (const written of project.departments) {
      const { key, name } = namer(written);
      if (key === '') continue;
      let d = departments.get(key);
      if (!d) {
        d = { name, items: [], order: departments.size };
        departments.set(key, d);
      }
      for (const problem of project.problems) {
        if (d.items.some((i) => i.projectSeq === project.seq && i.key === problem.key)) continue;
        d.items.push({
          projectSeq: project.seq,
          projectName: project.name,
          key: problem.key,
          label: problem.label,
          text: problem.text,
          mark: problem.mark,
          weeks: problem.weeks,
          atLeast: problem.atLeast,
        });
      }
    }
  }
  const departmentList = [...departments.values()]
    .sort((a, b) => b.items.length - a.items.length || a.order - b.order)
    .map(({ name, items }) => ({ name, items }));

  // 5. For the office.
  const office: OfficeSection = {
    quarantined: input.office.quarantined.map((q) => ({
      at: instantLabel(q.receivedAt, tz, year),
      from: oneLine(q.from ?? '（发件人不明）', 80),
      subject: oneLine(q.subject ?? '', 80) || '（无主题）',
      reason: q.reason === 'UNKNOWN_SENDER' ? '发件地址未登记' : '发件人身份验证未通过',
    })),
    unsentMails: input.office.unsentMails.map((m) => ({
      at: instantLabel(m.at, tz, year),
      kind: mailKindLabel(m.kind),
      to: m.to.join('、') || '（无收件人）',
      subject: oneLine(m.subject, 80),
      why:
        m.status === 'capped'
          ? '超过每日自动回复上限，未发送'
          : m.status === 'retrying'
            ? '发送暂时失败，等待重试'
            : '发送失败（邮件服务器拒收或地址无效）',
    })),
    unprocessed: input.office.unprocessed,
    warnings: input.current
      .filter((s) => s.issues.some((i) => i.severity === 'warning'))
      .sort((a, b) => unitOrder(a.unitId) - unitOrder(b.unitId))
      .map((s) => ({
        unitName: unitName(s.unitId),
        issues: s.issues
          .filter((i) => i.severity === 'warning')
          .map((i) => ({ code: i.code, cell: i.cell, message: oneLine(i.message, 300) })),
      })),
  };
  function unitOrder(id: string): number {
    const i = schedule.units.findIndex((u) => u.id === id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  }

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
      office.warnings.length,
  };

  const { version, previousSentAt } = input.edition;
  const isUpdate = version > 1 && previousSentAt !== null;
  return {
    week,
    weekLabel: formatDateZh(week),
    programme: schedule.programme.name,
    signature: schedule.programme.signature,
    version,
    isUpdate,
    previousSentAt: previousSentAt ? longInstantLabel(previousSentAt, tz) : null,
    subject: digestSubject(week, { version, isUpdate }),
    title: `${formatDateZh(week)}当周重点项目问题清单汇总`,
    generatedAt: longInstantLabel(now, tz),
    today,
    deadline: {
      label: longInstantLabel(deadline.at, tz),
      shifted: deadline.shifted,
      passed: deadlinePassed,
    },
    expected,
    summary,
    submissions,
    targets,
    projects,
    departments: departmentList,
    office,
    attachmentName: digestAttachmentName(week, version),
  };
}

function rank(order: readonly string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

function mailKindLabel(kind: string): string {
  switch (kind) {
    case 'receipt':
      return '回执';
    case 'correction_request':
      return '修改通知';
    case 'unknown_sender':
      return '未登记地址答复';
    case 'too_large':
      return '超限答复';
    case 'reminder':
      return '催报提醒';
    case 'digest':
      return '督办周报';
    default:
      return kind;
  }
}

/** The earlier weeks the model looks at, newest first. */
export function lookbackWeeks(week: string, count = LOOKBACK_WEEKS): string[] {
  return Array.from({ length: count }, (_, i) => addDays(week, -7 * (i + 1)));
}
