/** The digest model's data: what comes in (the week's facts and reports) and what goes out. */
import type { Schedule } from '../../config/schedule';
import type { AgreedItem, ItemEvent, ItemReport, NoticeColour } from '../decisions/types';
import type { ProblemCategory } from '../sheet/layout';
import type { TargetStatus } from '../sheet/parse';
import type { SubmissionFact, UnitState } from '../week-status';

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
  /** Units with an open agreed item during the week: expected like the lead units. */
  itemUnits?: readonly string[];
  /** Reminder stages already sent (remindersSent). */
  reminders: ReadonlyArray<{ unitId: string; stage: string }>;
  /** The current usable sheets of the week, with content. */
  current: readonly ReportedSheet[];
  /** The earlier weeks' current sheets, newest first (the previous week first). */
  previous: readonly WeekReports[];
  office: OfficeFacts;
  edition: DigestEdition;
  /** The agreed items (议定事项) with their reports and history; absent: no items section. */
  decisions?: DecisionFacts | null;
  /** The console's address (PUBLIC_URL), for a link in the compact body; absent: no link. */
  consoleUrl?: string | null;
}

/** What the digest reads of the agreed items (through the DecisionStore port). */
export interface DecisionFacts {
  items: readonly AgreedItem[];
  reports: readonly ItemReport[];
  events: readonly ItemEvent[];
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
  /**
   * For an invalid unit: why its mail could not be used, in a few words ("仅含超大附件链接
   * （文件名：…），未附文件本身"); null otherwise.
   */
  unusable: string | null;
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

/** A problem listed under a responsible department, with the project it belongs to. */
export interface DepartmentItem extends ProblemItem {
  projectSeq: number;
  projectName: string;
}

export interface DepartmentSection {
  name: string;
  items: DepartmentItem[];
}

export interface OfficeSection {
  quarantined: Array<{ at: string; from: string; subject: string; reason: string }>;
  unsentMails: Array<{ at: string; kind: string; to: string; subject: string; why: string }>;
  unprocessed: number;
  /** Large-attachment links units sent this week instead of their sheet (not fetched). */
  cloudLinks: Array<{ at: string; unitName: string; filename: string; url: string }>;
  warnings: Array<{
    unitName: string;
    issues: Array<{ code: string; cell: string | null; message: string }>;
  }>;
}

/** Where an agreed item stands in the digest's 议定事项督办 section. */
export type ItemGroup = NoticeColour | 'awaiting' | 'closed';

/** One agreed item as the digest lists it. */
export interface ItemLine {
  /** 编号 ("20210316-2"). */
  id: string;
  group: ItemGroup;
  /** 项目: the schedule project's name, else as written, else "—". */
  project: string;
  /** 事项 (full text; the compact body excerpts it). */
  text: string;
  /** 责任单位, joined with 、. */
  units: string;
  /** 办结时限 ("2021年3月19日"). */
  dueLabel: string;
  due: string;
  /** 最新进展: the newest report ("3月22日当周：推进中；……"), or "尚未报告". */
  latest: string;
  /** Why the colour (from the colour rule), or why it is listed ("3月24日确认办结"). */
  why: string | null;
}

export interface ItemsSection {
  red: ItemLine[];
  yellow: ItemLine[];
  blue: ItemLine[];
  /** Reported 已办结, waiting for the office to confirm. */
  awaiting: ItemLine[];
  /** Confirmed closed (办结销号) within the last CLOSED_WINDOW_DAYS days. */
  closedThisWeek: ItemLine[];
  /** Items being followed: open and awaiting confirmation, plus those closed this week. */
  total: number;
  /** Open items without a colour. */
  onTrack: number;
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
  /** The agreed items; null when the programme has none (or they were not read). */
  items: ItemsSection | null;
  /**
   * True above FULL_BODY_MAX_PROJECTS projects: the mail body leads with what needs the
   * convenors, bounded; the full detail is in the attached workbook and full HTML file.
   */
  compact: boolean;
  /** The attached full HTML file's name (compact digests only). */
  fullHtmlName: string;
  /** The console's address, when known. */
  consoleUrl: string | null;
}
