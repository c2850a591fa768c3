/**
 * The daily follow-up run (the scheduler's `follow-up` job, `duban follow-up`): 交办 notices of
 * newly recorded items, the supervision notices (督办单) whose colour is due, and, when the
 * programme turns it on, the departments' weekly lists. Exactly once by their mail keys.
 *
 * - 交办: for each meeting and each responsible unit of an item still open or awaiting
 *   confirmation, one notice listing the unit's items of that meeting (all of them, whatever
 *   their state, so an item closing later does not change the list). Its key carries a hash of
 *   the ids, texts and time limits listed: a corrected list that changes them sends a new one
 *   (saying it replaces the earlier), an unchanged one nothing.
 * - 督办单: for each open item with a colour at `now` (followUpOf, the one rule), one notice per
 *   responsible unit and colour; a colour sent once is never sent again, and one weaker than the
 *   colour in force (colourInForce) is not sent (a red after a yellow is; a blue after it not).
 * - The departments' list: once per week and unit, after the week's digest is due.
 * - 退回: the mail of each sending back not queued yet (the office's action sends it at once).
 * Mails go out on working days only, unless calendar.remindOnNonWorkingDays: what is due on a
 * holiday goes out on the next working day's run (the colours persist; blue counts working days).
 *
 * Each mail is sent once by its key (src/app/decisions/send-item-mail.ts).
 */
import { createHash } from 'node:crypto';
import { digestDueOf, isWorkingDay, wallClock, weekContaining } from '../../domain/calendar';
import { colourInForce, followUpOf } from '../../domain/decisions/colour';
import {
  assignmentListing,
  compareItemIds,
  composeAssignment,
} from '../../domain/decisions/mails/assignment';
import { composeDepartments, departmentLists } from '../../domain/decisions/mails/departments';
import type { ComposedItemMail } from '../../domain/decisions/mails/item-mail';
import { composeSendBackMail } from '../../domain/decisions/mails/send-back';
import { composeSupervision } from '../../domain/decisions/mails/supervision';
import type {
  AgreedItem,
  ItemEvent,
  ItemFollowUp,
  ItemNoticeRecord,
  NoticeColour,
} from '../../domain/decisions/types';
import { lookbackWeeks } from '../../domain/digest';
import { assignmentKey, parseMailKey } from '../../domain/mail-key';
import { addDays } from '../../domain/week';
import { isExpectedWeek } from '../../domain/week-status';
import type { FollowUpDeps } from './deps';
import { sendItemMail, type ItemMailReport } from './send-item-mail';

export type FollowUpMailReport = ItemMailReport;

export interface FollowUpReport {
  mails: FollowUpMailReport[];
  /** 问题责任部门 names in the week's sheets that match no schedule unit (departments' mail). */
  unmatchedDepartments: string[];
}

/** The first 8 hex of the SHA-256 of the items a 交办 notice lists. */
export function assignmentHash(items: readonly AgreedItem[]): string {
  return createHash('sha256').update(assignmentListing(items), 'utf8').digest('hex').slice(0, 8);
}

/** Every 交办 notice the items call for (not yet looking at what was queued). */
export function plannedAssignments(
  deps: Pick<FollowUpDeps, 'schedule'>,
  all: readonly AgreedItem[],
  notices: readonly ItemNoticeRecord[],
  now: Date,
): ComposedItemMail[] {
  const groups = new Map<string, { meeting: AgreedItem['meeting']; unitId: string }>();
  for (const item of all) {
    if (item.state === 'closed') continue;
    for (const unitId of item.responsibleUnits) {
      groups.set(`${item.meeting.date}|${unitId}`, { meeting: item.meeting, unitId });
    }
  }
  if (groups.size === 0) return [];
  const earlier = notices.filter((n) => n.kind === 'assignment');
  const mails: ComposedItemMail[] = [];
  for (const { meeting, unitId } of groups.values()) {
    const items = all
      .filter((i) => i.meeting.date === meeting.date && i.responsibleUnits.includes(unitId))
      .sort((a, b) => compareItemIds(a.id, b.id));
    const hash = assignmentHash(items);
    const key = assignmentKey(meeting.date.replaceAll('-', ''), unitId, hash);
    // An earlier 交办 of this meeting to this unit listed other items: this one replaces it.
    const replaces = earlier.some((n) => {
      const k = parseMailKey(n.key);
      return (
        k?.kind === 'assignment' &&
        k.unitId === unitId &&
        k.meeting === meeting.date.replaceAll('-', '') &&
        n.key !== key
      );
    });
    mails.push(
      composeAssignment({ schedule: deps.schedule, now, unitId, meeting, items, hash, replaces }),
    );
  }
  return mails;
}

/**
 * Every 督办单 the colours at `now` call for, one per item, colour and responsible unit. A colour
 * weaker than the one in force (the strongest already issued: colourInForce) is not issued: an
 * item told it is behind (yellow) is not then told its time limit is near (blue); red always is.
 */
export function plannedNotices(
  deps: Pick<FollowUpDeps, 'schedule'>,
  followUps: readonly ItemFollowUp[],
  notices: readonly ItemNoticeRecord[],
  now: Date,
): ComposedItemMail[] {
  const mails: ComposedItemMail[] = [];
  for (const f of followUps) {
    if (f.colour === null || f.item.state !== 'open') continue;
    const inForce = colourInForce(f.item, notices, now);
    if (inForce !== null && RANK[f.colour] < RANK[inForce]) continue;
    const followUp = f as ItemFollowUp & { colour: NoticeColour };
    for (const unitId of f.item.responsibleUnits) {
      mails.push(composeSupervision({ schedule: deps.schedule, now, unitId, followUp }));
    }
  }
  return mails;
}

const RANK: Record<NoticeColour, number> = { blue: 1, yellow: 2, red: 3 };

/**
 * The week whose departments' list is due at `now`: the newest expected week whose digest is
 * due (digestDueOf), or null.
 */
/**
 * The mail of every sending back (sendback:<id>:<n>, n-th 'sent_back' event of the item). The
 * office's action mails it at once; planned here too so that one whose process died between the
 * state change and the queue still goes out (the key makes it once).
 */
export function plannedSendBacks(
  deps: Pick<FollowUpDeps, 'schedule'>,
  items: readonly AgreedItem[],
  events: readonly ItemEvent[],
): ComposedItemMail[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const counted = new Map<string, number>();
  const mails: ComposedItemMail[] = [];
  for (const e of events) {
    if (e.kind !== 'sent_back') continue;
    const item = byId.get(e.itemId);
    const n = (counted.get(e.itemId) ?? 0) + 1;
    counted.set(e.itemId, n);
    if (!item) continue;
    mails.push(
      composeSendBackMail({ item, note: e.note ?? '', n, schedule: deps.schedule, at: e.at }),
    );
  }
  return mails;
}

export function departmentsWeekAt(now: Date, schedule: FollowUpDeps['schedule']): string | null {
  const here = weekContaining(now, schedule);
  for (const week of [here, addDays(here, -7), addDays(here, -14)]) {
    if (digestDueOf(week, schedule).getTime() > now.getTime()) continue;
    return isExpectedWeek(week, schedule) ? week : null;
  }
  return null;
}

export async function runFollowUp(
  deps: FollowUpDeps,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<FollowUpReport> {
  const { decisions, schedule, logger } = deps;
  const report: FollowUpReport = { mails: [], unmatchedDepartments: [] };
  const today = wallClock(now, schedule.programme.timezone).date;
  if (!schedule.calendar.remindOnNonWorkingDays && !isWorkingDay(today, schedule)) {
    logger.info({ day: today }, 'follow-up: not a working day, nothing sent');
    return report;
  }
  const outbox = deps.outboxAt(now);

  const all = await decisions.items();
  const live = all.filter((i) => i.state !== 'closed');
  const reports = await decisions.reports(live.map((i) => i.id));
  const followUps = followUpOf(live, reports, now, schedule);

  const notices = await decisions.notices();
  const planned = [
    ...plannedAssignments(deps, all, notices, now),
    ...plannedNotices(deps, followUps, notices, now),
    ...plannedSendBacks(deps, all, await decisions.events()),
  ];

  if (schedule.followUp.departmentMail) {
    const week = departmentsWeekAt(now, schedule);
    if (week !== null) {
      const [current, ...previous] = await deps.reads.currentSheets([week, ...lookbackWeeks(week)]);
      const { lists, unmatched } = departmentLists({
        schedule,
        week,
        current: current?.sheets ?? [],
        previous,
      });
      report.unmatchedDepartments = unmatched;
      if (unmatched.length > 0) {
        logger.warn({ week, names: unmatched }, 'follow-up: department names matching no unit');
      }
      for (const list of lists) planned.push(composeDepartments({ schedule, now, week, list }));
    }
  }

  for (const mail of planned) {
    const entry = await sendItemMail(deps, outbox, mail, options.dryRun === true);
    if (entry) report.mails.push(entry);
  }
  return report;
}
