/**
 * A unit's page (/units/<id>): its state week by week (most recent first), every version of its
 * sheet with what was read and the issues found, and every mail sent to it with its text.
 */
import { mailStatusLabel } from '../../domain/mail/status-labels';
import type { Schedule } from '../../config/schedule';
import { weekContaining } from '../../domain/calendar';
import { PROBLEM_KEYS, problemLabel } from '../../domain/digest';
import { stateDetails, stateLabel, type Tone } from '../../domain/digest/format';
import { submissionLines } from '../../domain/digest/submissions';
import { providerZh } from '../../domain/intake/cloud-link-issue';
import { unitById } from '../../domain/programme';
import { rejectionZh } from '../../domain/reminder/compose';
import { TARGET_STATUS_LABELS } from '../../domain/sheet/layout';
import { addDays } from '../../domain/week';
import { deadlineOf } from '../../domain/calendar';
import { weekStatus, type UnitState } from '../../domain/week-status';
import { weekLabelZh } from '../../domain/zh/dates';
import { dateTimeZh } from '../../domain/zh/times';
import type { BoardReads, SheetFile, UnitMailRecord } from '../ports/board-reads';
import { problemText } from '../../domain/digest/reports';

/** How many weeks a unit's page goes back. */
export const UNIT_WEEKS = 26;
/** How many mails a unit's page lists. */
export const UNIT_MAILS = 200;

export interface UnitWeekRow {
  week: string;
  weekLabel: string;
  state: UnitState;
  stateLabel: string;
  tone: Tone;
  details: string[];
}

export interface VersionView {
  submissionId: number;
  week: string;
  weekLabel: string;
  arrivedAt: string;
  /** "已采用" / "已采用（有提示）" / "未能使用：…" */
  statusLabel: string;
  late: boolean;
  isCurrent: boolean;
  file: SheetFile | null;
  issues: Array<{ severity: string; code: string; cell: string | null; message: string }>;
  cloudLinks: Array<{ providerLabel: string; filename: string | null; url: string }>;
  projects: Array<{
    name: string;
    projectId: string | null;
    problems: Array<{ label: string; text: string }>;
    departments: string[];
    progress: string | null;
    nextSteps: string | null;
    targets: Array<{ text: string; due: string; status: string | null }>;
  }>;
}

export interface MailView {
  id: number;
  kindLabel: string;
  subject: string;
  statusLabel: string;
  at: string;
  to: string[];
  text: string | null;
}

export interface UnitPageView {
  unitId: string;
  unitName: string;
  addresses: string[];
  weeks: UnitWeekRow[];
  versions: VersionView[];
  mails: MailView[];
}

const KIND_LABELS: Record<string, string> = {
  receipt: '回执',
  correction_request: '更正通知',
  unknown_sender: '来信答复',
  too_large: '来信答复（邮件过大）',
  unreadable: '来信答复（文件无法读取）',
  item_list_refused: '来信答复（议定事项清单）',
  reminder: '催报',
  digest: '周报',
};

export async function unitPage(
  reads: BoardReads,
  schedule: Schedule,
  unitId: string,
  now: Date,
  /** The newest week shown (a Monday); default: the week of `now`. */
  endWeek?: string,
): Promise<UnitPageView | null> {
  const unit = unitById(schedule, unitId);
  if (!unit) return null;
  const latest = endWeek ?? weekContaining(now, schedule);
  const weeks = Array.from({ length: UNIT_WEEKS }, (_, i) => addDays(latest, -7 * i));
  const perWeek = await Promise.all(
    weeks.map(async (week) => ({
      week,
      facts: await reads.submissionFacts(week),
      digestSentAt: await reads.digestSentAt(week),
      itemUnits: await reads.unitsWithOpenItems(week),
      reminders: (await reads.remindersSent(week)).filter((r) => r.unitId === unitId),
    })),
  );
  const [versions, mails] = await Promise.all([
    reads.unitVersions(unitId, weeks),
    reads.mailsToUnit(unitId, UNIT_MAILS),
  ]);
  const tz = schedule.programme.timezone;
  const weekRows: UnitWeekRow[] = perWeek.flatMap(
    ({ week, facts, digestSentAt, itemUnits, reminders }) => {
      const status = weekStatus(schedule, week, facts, digestSentAt, itemUnits).find(
        (s) => s.unit === unitId,
      );
      if (!status) return [];
      const passed = now.getTime() > deadlineOf(week, schedule).at.getTime();
      const [line] = submissionLines({ schedule, week, current: [], reminders }, [status], passed);
      if (!line) return [];
      const label = stateLabel(line);
      return [
        {
          week,
          weekLabel: weekLabelZh(week),
          state: status.state,
          stateLabel: label.label,
          tone: label.tone,
          details: stateDetails(line).filter((d) => !d.includes('第五部分')),
        },
      ];
    },
  );
  return {
    unitId,
    unitName: unit.name,
    addresses: unit.addresses,
    weeks: weekRows,
    versions: versions.map((v) => ({
      submissionId: v.submissionId,
      week: v.week,
      weekLabel: weekLabelZh(v.week),
      arrivedAt: dateTimeZh(v.arrivedAt, tz),
      statusLabel:
        v.status === 'accepted'
          ? '已采用'
          : v.status === 'accepted_with_warnings'
            ? '已采用（有提示）'
            : `未能使用：${rejectionZh(v.reason ? [v.reason] : [])}`,
      late: v.late,
      isCurrent: v.isCurrent,
      file: v.file,
      issues: v.issues,
      cloudLinks: v.cloudLinks.map((l) => ({
        providerLabel: providerZh(l.provider),
        filename: l.filename,
        url: l.url,
      })),
      projects: v.projects.map((p) => ({
        name: p.nameAsWritten,
        projectId: p.projectId,
        problems: PROBLEM_KEYS.flatMap((key) => {
          const text = problemText(p, key);
          return text === null ? [] : [{ label: problemLabel(key), text }];
        }),
        departments: p.responsibleDepartments,
        progress: p.progress,
        nextSteps: p.nextSteps,
        targets: p.targets.map((t) => ({
          text: t.text,
          due: t.dueText ?? t.due ?? '',
          status: t.status ? TARGET_STATUS_LABELS[t.status] : null,
        })),
      })),
    })),
    mails: mails.map((m) => mailView(m, tz)),
  };
}

function mailView(m: UnitMailRecord, tz: string): MailView {
  return {
    id: m.id,
    kindLabel: KIND_LABELS[m.kind] ?? m.kind,
    subject: m.subject,
    statusLabel: mailStatusLabel(m.status),
    at: dateTimeZh(m.sentAt ?? m.createdAt, tz),
    to: m.to,
    text: m.text,
  };
}
