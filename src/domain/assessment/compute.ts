/**
 * The assessment record (考评) computed from facts: per unit, in the schedule's order, the counts
 * that src/domain/assessment/types.ts and definitions.ts define. Pure: the use case
 * (src/app/assessment/build.ts) reads the facts, this counts them.
 *
 * The period is [from, to], whole days in the programme's time zone. What lies after `now`
 * has not happened yet: a week counts only once its deadline has passed, a target or an item is
 * overdue only once its due day is over, and "the end of the period" is `now` when the period
 * reaches into the future.
 */
import type { Schedule } from '../../config/schedule';
import { deadlineOf, mondayOf, wallClock, zonedInstant } from '../calendar';
import type { AgreedItem, ItemEvent, ItemNoticeRecord, ItemState } from '../decisions/types';
import { matchTarget } from '../digest/targets';
import type { ReportedTarget } from '../digest/types';
import { parseMailKey } from '../mail-key';
import { addDays } from '../week';
import { isExpectedWeek, weekStatus, type SubmissionFact } from '../week-status';
import { scoreOf } from './score';
import type { AssessmentFacts, AssessmentRecord } from './types';

/** The outgoing-mail kinds that ask a unit to correct or resend its sheet (cloud links too). */
export const CORRECTION_KINDS: readonly string[] = ['correction_request'];
export const REMINDER_KIND = 'reminder';

/** A mail that went out to a unit (outgoing_mails: sent, with its unit). */
export interface SentMailFact {
  kind: string;
  unitId: string;
  key: string;
  sentAt: Date;
}

/** A usable sheet (any version) with the targets it reported, for the targets' facts. */
export interface TargetReportSheet {
  unitId: string;
  arrivedAt: Date;
  projects: Array<{ projectId: string | null; targets: ReportedTarget[] }>;
}

/** One reporting week's facts. */
export interface AssessmentWeek {
  week: string;
  facts: readonly SubmissionFact[];
  digestSentAt: Date | null;
  /** Units with an open agreed item that week (DecisionStore.unitsWithOpenItems). */
  itemUnits: readonly string[];
}

export interface AssessmentInput {
  schedule: Schedule;
  from: string;
  to: string;
  now: Date;
  /** The weeks periodWeeks() names, with their facts. */
  weeks: readonly AssessmentWeek[];
  /** Correction requests and reminders sent (other kinds are ignored). */
  mails: readonly SentMailFact[];
  sheets: readonly TargetReportSheet[];
  items: readonly AgreedItem[];
  events: readonly ItemEvent[];
  notices: readonly ItemNoticeRecord[];
}

/** The period's bounds as instants: [start, end), end being `now` when the period is not over. */
export function periodBounds(
  schedule: Pick<Schedule, 'programme'>,
  from: string,
  to: string,
  now: Date,
): { start: Date; end: Date } {
  const tz = schedule.programme.timezone;
  const start = zonedInstant(from, '00:00', tz);
  const over = zonedInstant(addDays(to, 1), '00:00', tz);
  return { start, end: over.getTime() < now.getTime() ? over : now };
}

/**
 * The reporting weeks (Mondays) whose deadline day lies in [from, to], the programme expects,
 * and whose deadline has passed at `now`. A holiday can move a deadline into the next or the
 * previous calendar week, so the weeks one either side of the period are looked at too.
 */
export function periodWeeks(schedule: Schedule, from: string, to: string, now: Date): string[] {
  const weeks: string[] = [];
  for (let w = addDays(mondayOf(from), -7); w <= addDays(mondayOf(to), 7); w = addDays(w, 7)) {
    const deadline = deadlineOf(w, schedule);
    if (deadline.date < from || deadline.date > to) continue;
    if (!isExpectedWeek(w, schedule)) continue;
    if (deadline.at.getTime() > now.getTime()) continue;
    weeks.push(w);
  }
  return weeks;
}

function within(at: Date | null, start: Date, end: Date): boolean {
  return at !== null && at.getTime() >= start.getTime() && at.getTime() < end.getTime();
}

/** The instant a day is over (the next day's midnight in the zone). */
function dayOver(day: string, tz: string): Date {
  return zonedInstant(addDays(day, 1), '00:00', tz);
}

/** An item's state at an instant, from its history (the item as it is when it has none). */
function stateAt(item: AgreedItem, events: readonly ItemEvent[], at: Date): ItemState {
  let state: ItemState | null = null;
  for (const e of events) {
    if (e.at.getTime() >= at.getTime()) break;
    if (e.kind === 'recorded' || e.kind === 'sent_back' || e.kind === 'reopened') state = 'open';
    else if (e.kind === 'reported_done') state = 'awaiting_confirmation';
    else if (e.kind === 'confirmed') state = 'closed';
  }
  if (state !== null) return state;
  if (events.length > 0) return 'open';
  if (item.closedAt !== null && item.closedAt.getTime() >= at.getTime()) return 'open';
  return item.state;
}

/** Whether a reminder stage was addressed (to or cc) beyond the unit itself. */
function isEscalation(schedule: Schedule, key: string): boolean {
  const k = parseMailKey(key);
  if (k?.kind !== 'reminder') return false;
  const stage = schedule.cycle.reminders.find((s) => s.id === k.stage);
  if (!stage) return false;
  return [...stage.to, ...stage.cc].some((a) => a !== 'unit');
}

/** The units the record lists: lead units and units responsible for items, schedule order. */
function expectedUnits(input: AssessmentInput, end: Date): string[] {
  const leading = new Set(input.schedule.projects.flatMap((p) => p.leadUnits));
  const withItems = new Set([
    ...input.items
      .filter((i) => i.meeting.date <= input.to && i.recordedAt.getTime() < end.getTime())
      .flatMap((i) => i.responsibleUnits),
    ...input.weeks.flatMap((w) => w.itemUnits),
  ]);
  return input.schedule.units
    .filter((u) => leading.has(u.id) || withItems.has(u.id))
    .map((u) => u.id);
}

export function computeAssessment(input: AssessmentInput): AssessmentRecord {
  const { schedule, from, to } = input;
  const tz = schedule.programme.timezone;
  const { start, end } = periodBounds(schedule, from, to, input.now);
  const units = expectedUnits(input, end);

  // Week states per unit.
  const weekStates = new Map<string, string[]>();
  for (const w of input.weeks) {
    for (const s of weekStatus(schedule, w.week, w.facts, w.digestSentAt, w.itemUnits)) {
      if (s.state === 'not_expected') continue;
      const list = weekStates.get(s.unit) ?? [];
      list.push(s.state);
      weekStates.set(s.unit, list);
    }
  }

  const mailsIn = input.mails.filter((m) => within(m.sentAt, start, end));
  const noticesIn = input.notices.filter(
    (n) => n.kind === 'notice' && n.status === 'sent' && within(n.sentAt, start, end),
  );
  const eventsOf = new Map<string, ItemEvent[]>();
  for (const e of [...input.events].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const list = eventsOf.get(e.itemId) ?? [];
    list.push(e);
    eventsOf.set(e.itemId, list);
  }

  const record = units.map((unit): AssessmentFacts => {
    const states = weekStates.get(unit) ?? [];
    const count = (s: string): number => states.filter((x) => x === s).length;
    const mine = mailsIn.filter((m) => m.unitId === unit);
    const reminderMails = mine.filter((m) => m.kind === REMINDER_KIND);
    const escalations = reminderMails.filter((m) => isEscalation(schedule, m.key)).length;

    // Targets of the unit's projects due in the period.
    let targetsDue = 0;
    let targetsMetOnTime = 0;
    let targetsOverdue = 0;
    for (const project of schedule.projects.filter((p) => p.leadUnits.includes(unit))) {
      project.targets.forEach((target, index) => {
        if (target.due < from || target.due > to) return;
        targetsDue++;
        const over = dayOver(target.due, tz);
        const met = input.sheets.some(
          (sheet) =>
            project.leadUnits.includes(sheet.unitId) &&
            sheet.arrivedAt.getTime() < over.getTime() &&
            sheet.projects.some(
              (p) =>
                p.projectId === project.id &&
                matchTarget(p.targets, target.text, index, project.targets.length)?.status ===
                  'done',
            ),
        );
        if (met) targetsMetOnTime++;
        else if (over.getTime() <= end.getTime()) targetsOverdue++;
      });
    }

    // Agreed items with the unit responsible, as they stood at the end of the period.
    const items = input.items.filter(
      (i) => i.responsibleUnits.includes(unit) && i.recordedAt.getTime() < end.getTime(),
    );
    let itemsClosedOnTime = 0;
    let itemsClosedLate = 0;
    let itemsOpen = 0;
    let itemsOverdue = 0;
    for (const item of items) {
      const history = eventsOf.get(item.id) ?? [];
      const state = stateAt(item, history, end);
      if (state === 'closed') {
        const confirmed =
          [...history].reverse().find((e) => e.kind === 'confirmed' && e.at < end)?.at ??
          item.closedAt;
        if (!within(confirmed, start, end) || confirmed === null) continue;
        if (wallClock(confirmed, tz).date <= item.due) itemsClosedOnTime++;
        else itemsClosedLate++;
        continue;
      }
      itemsOpen++;
      if (dayOver(item.due, tz).getTime() <= end.getTime()) itemsOverdue++;
    }
    const myNotices = noticesIn.filter((n) => n.unitId === unit);
    const colour = (c: string): number => myNotices.filter((n) => n.colour === c).length;

    const facts: AssessmentFacts = {
      unit,
      weeksExpected: states.length,
      onTime: count('on_time'),
      late: count('late'),
      missing: count('missing') + count('invalid'),
      notUsable: count('invalid'),
      correctionsRequested: mine.filter((m) => CORRECTION_KINDS.includes(m.kind)).length,
      reminders: reminderMails.length - escalations,
      escalations,
      targetsDue,
      targetsMetOnTime,
      targetsOverdue,
      itemsAssigned: items.filter((i) => i.meeting.date >= from && i.meeting.date <= to).length,
      itemsClosedOnTime,
      itemsClosedLate,
      itemsOpen,
      itemsOverdue,
      noticesBlue: colour('blue'),
      noticesYellow: colour('yellow'),
      noticesRed: colour('red'),
    };
    const weights = schedule.assessment.weights;
    return weights ? { ...facts, score: scoreOf(facts, weights) } : facts;
  });
  return { from, to, units: record };
}
