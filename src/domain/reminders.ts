/**
 * The reminder ladder (提醒 → 逾期 → 督办) for lead units whose weekly sheet has not arrived:
 * when each stage is due, who is due for it now, to whom it goes, and what it says. Pure: the
 * schedule, the week's unit states (week-status.ts), the stages already sent and `now` come
 * in; plans and mail texts go out. Sending is src/app/reminders/.
 *
 * The rules (documented in the README, "Reminders and escalation"):
 *
 * - A stage's day is the week's deadline day (after the holiday rule) plus `offsetDays`, counted
 *   in working days when `workingDays` is true; its moment is that day at `time` in the
 *   programme's zone (converted through the zone, never by adding hours to UTC).
 * - Unless `calendar.remindOnNonWorkingDays`, no stage goes out on a non-working day. A stage
 *   whose day is one is **moved**, not dropped, so that an escalation is never lost to a
 *   weekend: a stage after the deadline day moves to the next working day, a stage before it to
 *   the previous working day (it stays before the deadline), at the same time. A moved stage
 *   that would then go out at or after a later stage of the ladder (at or before an earlier one,
 *   when moved back) is **overtaken** and skipped that week: the later stage says everything
 *   it would have said.
 * - A unit is due for a stage when its state is `missing` or `invalid` (a unit that sent a
 *   usable sheet, or whose projects a co-lead unit reported, is never reminded), the stage is
 *   the latest one of the ladder whose moment has come, `moment ≤ now < moment + 24 h` (a
 *   service that was down does not send stale reminders), and it was not sent already.
 *   Sending only the latest stage reached means that a reminder that could not go out in time
 *   is replaced by the next one, never sent after it ("please send by 18:00 today" at 18:30).
 * - The tone follows from the stage, whatever its id: addressed to the unit (or its head) and
 *   to no leader, it is a reminder before the deadline (【提醒】) and an overdue notice after it
 *   (【逾期】); addressed to anyone else, it reports the unit (【督办】).
 */
export * from './reminder/ladder';
export * from './reminder/recipients';
export * from './reminder/plan';
export * from './reminder/compose';
export { projectsOfUnit } from './programme';
