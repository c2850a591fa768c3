/** How a meeting is named wherever an item's source is shown (mails, ledger, console). */
import { formatDateZh } from '../zh/dates';
import type { Meeting } from './types';

/** "区重点项目联合会议第3次会议（2021年3月16日）", or "2021年3月16日会议" without a name. */
export function meetingLabel(meeting: Meeting): string {
  const date = formatDateZh(meeting.date);
  return meeting.name.trim() ? `${meeting.name.trim()}（${date}）` : `${date}会议`;
}
