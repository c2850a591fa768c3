/**
 * Recording a meeting's list of agreed items (from a mailed sheet, `duban decisions import` or
 * the console): names matched to units and projects, ids given, the items created or updated
 * (never duplicated), and what could not be read listed for the office.
 */
import { issue, type Issue } from '../../errors';
import { itemsFromList } from '../../domain/decisions/from-list';
import type { AgreedItem, ItemListReading, Meeting } from '../../domain/decisions/types';
import type { RecordedList } from '../ports/decision-store';
import type { DecisionDeps } from './deps';

export interface ItemListImport {
  /** null when the list named no meeting date (nothing recorded: ITEM_LIST_NO_MEETING_DATE). */
  meeting: Meeting | null;
  recorded: RecordedList;
  /** The meeting's items as they now are, in id order. */
  items: AgreedItem[];
  /** What could not be read or matched (zh-CN, with cells), for the office's confirmation. */
  issues: Issue[];
}

export async function recordItemList(
  deps: DecisionDeps,
  reading: ItemListReading,
  source: { by: string; rawMessageId: number | null },
  now: Date,
): Promise<ItemListImport> {
  const date = reading.meeting.date;
  if (date === null) {
    return {
      meeting: null,
      recorded: { created: [], updated: [], unchanged: [] },
      items: [],
      issues: [
        ...reading.issues,
        issue(
          'ITEM_LIST_NO_MEETING_DATE',
          '未找到会议日期，议定事项均未记录。请在表头上方注明会议日期（如“会议时间：2021年3月16日”）后重新发送。',
        ),
      ],
    };
  }
  const meeting: Meeting = { date, name: reading.meeting.name?.trim() ?? '' };
  const mapped = itemsFromList(reading.rows, meeting, deps.schedule);
  const recorded = await deps.decisions.recordItems(mapped.items, source, now);
  const items = (await deps.decisions.items()).filter((i) => i.meeting.date === date);
  return { meeting, recorded, items, issues: [...reading.issues, ...mapped.issues] };
}
