/**
 * Which supervision colour (督办单) an agreed item shows at a moment. Pure: the item, its reports,
 * `now` and the schedule in; a colour and its reason out. One rule, read by the notices, the
 * digest, `duban decisions list`, the ledger and the console.
 *
 * Only an open item has a colour (an item reported done waits for the office, a closed one is
 * done). The strongest rule wins:
 * - red: the time limit (办结时限) has passed — the due day is over in the programme's time zone;
 * - yellow: the last report still says 未启动 and half the time from the meeting to the time
 *   limit has gone; or no progress was reported for `yellowWeeksWithoutProgress` reporting weeks
 *   in a row (weeks whose deadline passed since the meeting, where no responsible unit reported
 *   a 落实情况 or 是否办结 different from its previous report);
 * - blue: the time limit is at most `blueWorkingDays` working days away (holidays and make-up
 *   working days counted as the calendar says), unless it already was at the meeting (the 交办
 *   notice said so).
 */
import type { FollowUpSpec } from '../../config/schedule';
import { addWorkingDays, deadlineOf, mondayOf, wallClock, type CalendarView } from '../calendar';
import { addDays } from '../week';
import { formatDateZh } from '../zh/dates';
import type { AgreedItem, ItemFollowUp, ItemNoticeRecord, ItemReport, NoticeColour } from './types';

export type FollowUpView = CalendarView & { followUp: FollowUpSpec };

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The newest report (by reporting week, then arrival) among `reports`. */
export function latestReport(reports: readonly ItemReport[]): ItemReport | null {
  let best: ItemReport | null = null;
  for (const r of reports) {
    if (
      !best ||
      r.week > best.week ||
      (r.week === best.week && r.reportedAt.getTime() > best.reportedAt.getTime())
    ) {
      best = r;
    }
  }
  return best;
}

/**
 * The reporting weeks (Mondays, oldest first) whose deadline fell after the meeting and has
 * passed at `now`: the weeks an item's responsible units were asked to report on it.
 */
export function reportingWeeksSince(
  meetingDate: string,
  now: Date,
  schedule: CalendarView,
): string[] {
  const weeks: string[] = [];
  const nowMs = now.getTime();
  for (let week = mondayOf(meetingDate); ; week = addDays(week, 7)) {
    const deadline = deadlineOf(week, schedule);
    if (deadline.at.getTime() > nowMs) break;
    if (deadline.date > meetingDate) weeks.push(week);
    if (weeks.length > 520) break;
  }
  return weeks;
}

/**
 * Whether `week` brought progress: a unit's report that differs from that unit's own previous
 * report (its newest in an earlier week). Compared per unit: two responsible units each
 * repeating their own unchanged answer are no progress.
 */
function progressIn(week: string, mine: readonly ItemReport[]): boolean {
  return mine
    .filter((r) => r.week === week)
    .some((r) => {
      const before = latestReport(mine.filter((x) => x.unitId === r.unitId && x.week < week));
      return (
        (r.progress !== null &&
          r.progress.trim() !== '' &&
          r.progress.trim() !== (before?.progress ?? '').trim()) ||
        (r.status !== null && r.status !== before?.status)
      );
    });
}

export function colourOf(
  item: AgreedItem,
  reports: readonly ItemReport[],
  now: Date,
  schedule: FollowUpView,
): { colour: NoticeColour | null; why: string | null } {
  if (item.state !== 'open') return { colour: null, why: null };
  const today = wallClock(now, schedule.programme.timezone).date;
  const due = formatDateZh(item.due);
  if (today > item.due) return { colour: 'red', why: `办结时限${due}已过，尚未办结` };

  const mine = reports.filter((r) => r.itemId === item.id);
  const last = latestReport(mine);
  const span = daysBetween(item.meeting.date, item.due);
  const half = addDays(item.meeting.date, Math.ceil(span / 2));
  if (last?.status === '未启动' && today >= half) {
    return { colour: 'yellow', why: `已过办结时限的一半，仍报“未启动”` };
  }
  const n = schedule.followUp.yellowWeeksWithoutProgress;
  const weeks = reportingWeeksSince(item.meeting.date, now, schedule);
  if (n > 0 && weeks.length >= n) {
    const moved = weeks.slice(-n).some((week) => progressIn(week, mine));
    if (!moved) return { colour: 'yellow', why: `连续${n}周未报告新的落实进展` };
  }
  const blue = schedule.followUp.blueWorkingDays;
  // An item given a time limit already inside the blue window was told so by its 交办 notice:
  // a blue notice the same week would add nothing.
  const shortFromTheStart = addWorkingDays(item.meeting.date, blue, schedule) >= item.due;
  // blue_working_days: 0 turns blue notices off (not: blue on the due day itself).
  if (blue > 0 && !shortFromTheStart && addWorkingDays(today, blue, schedule) >= item.due) {
    return { colour: 'blue', why: `距办结时限${due}不足${blue}个工作日，尚未报告办结` };
  }
  return { colour: null, why: null };
}

/** The follow-up view of every item at `now`. */
export function followUpOf(
  items: readonly AgreedItem[],
  reports: readonly ItemReport[],
  now: Date,
  schedule: FollowUpView,
): ItemFollowUp[] {
  const byItem = new Map<string, ItemReport[]>();
  for (const r of reports) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  return items.map((item) => {
    const mine = byItem.get(item.id) ?? [];
    const { colour, why } = colourOf(item, mine, now, schedule);
    return { item, colour, why, lastReport: latestReport(mine) };
  });
}

const RANK: Record<NoticeColour, number> = { blue: 1, yellow: 2, red: 3 };

/**
 * The supervision colour in force for an item at `asOf`: the strongest colour of the notices
 * (督办单) issued for it up to then, while it is open. A colour is an administrative act — it is
 * what the unit has been told — so the list, the ledger and the console show this, while
 * `colourOf` decides what the follow-up run issues next (`duban follow-up --dry-run` shows it).
 */
export function colourInForce(
  item: Pick<AgreedItem, 'id' | 'state'>,
  notices: readonly ItemNoticeRecord[],
  asOf: Date,
): NoticeColour | null {
  if (item.state !== 'open') return null;
  let best: NoticeColour | null = null;
  for (const n of notices) {
    if (n.itemId !== item.id || n.kind !== 'notice' || n.colour === null) continue;
    if (n.status === 'failed' || n.queuedAt.getTime() > asOf.getTime()) continue;
    if (best === null || RANK[n.colour] > RANK[best]) best = n.colour;
  }
  return best;
}
