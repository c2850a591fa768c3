/**
 * Recording a meeting's list of agreed items (from a mailed sheet, `duban decisions import` or
 * the console): names matched to units and projects, ids given, the items created or updated
 * (never duplicated), and what could not be read listed for the office.
 * TODO(store): implement.
 */
import type { Issue } from '../../errors';
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
  void deps;
  void reading;
  void source;
  void now;
  throw new Error('recordItemList is not implemented yet');
}
