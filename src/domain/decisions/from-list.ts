/**
 * A meeting's list of agreed items, as read from a sheet, turned into items to record: each row
 * given its id (the meeting's date and its 序号), its project and units matched to the schedule,
 * names that match no unit kept as written (and listed for the office), and rows that cannot be
 * recorded (no 议定事项, 责任单位 or readable 办结时限) left out with the reason. Pure.
 */
import type { Schedule } from '../../config/schedule';
import { issue, type Issue } from '../../errors';
import { catalogOf } from '../sheet/catalog';
import { matchProject } from '../sheet/match';
import { matchUnitNames } from '../unit-names';
import { itemId, type AgreedItem, type ItemListRow, type Meeting } from './types';

/** An item as a list gives it (the store adds its state and times). */
export type ListedItem = Omit<AgreedItem, 'state' | 'recordedAt' | 'stateSince' | 'closedAt'>;

export interface ListMapping {
  items: ListedItem[];
  /** Rows left out and names matching no unit (zh-CN, with the row's cell). */
  issues: Issue[];
}

/** "C7" → "第7行"; the cell itself when it has no row number. */
function rowLabel(cell: string): string {
  const row = /\d+$/.exec(cell)?.[0];
  return row ? `第${row}行` : `单元格${cell}`;
}

/** What a row lacks to be recorded, in the list's words. */
function missingOf(row: ItemListRow): string[] {
  const missing: string[] = [];
  if (row.text.trim() === '') missing.push('议定事项');
  if (row.responsible.length === 0) missing.push('责任单位');
  if (row.due === null) {
    missing.push(row.dueText ? `可识别的办结时限（现填“${row.dueText}”）` : '办结时限');
  }
  return missing;
}

/** One row as an item to record, or the issue saying why it is not recorded. */
export function itemFromRow(
  row: ItemListRow,
  meeting: Meeting,
  schedule: Schedule,
): { item: ListedItem | null; issues: Issue[] } {
  const where = rowLabel(row.cell);
  const missing = missingOf(row);
  if (missing.length > 0 || row.due === null) {
    return {
      item: null,
      issues: [
        issue(
          'ITEM_LIST_ROW_INCOMPLETE',
          `${where}（序号${row.n}）缺少${missing.join('、')}，该事项未记录，请补充后重新发送。`,
          row.cell,
        ),
      ],
    };
  }
  const issues: Issue[] = [];
  const unmatched: string[] = [];
  const match = (names: readonly string[], role: string): string[] => {
    const { ids, unmatched: unknown } = matchUnitNames(schedule.units, names.join('、'));
    for (const name of unknown) {
      if (!unmatched.includes(name)) unmatched.push(name);
      issues.push(
        issue(
          'ITEM_UNIT_UNMATCHED',
          `${where}（${row.cell}）${role}中的单位“${name}”未在单位名单中，已按原文记录，请核对单位名称。`,
          row.cell,
        ),
      );
    }
    return ids;
  };
  const responsibleUnits = match(row.responsible, '责任单位');
  const cooperatingUnits = match(row.cooperating, '配合单位').filter(
    (id) => !responsibleUnits.includes(id),
  );
  const project = row.project?.trim() || null;
  return {
    item: {
      id: itemId(meeting.date, row.n),
      meeting,
      projectId: project ? matchProject(project, catalogOf(schedule)) : null,
      projectAsWritten: project,
      text: row.text.trim(),
      responsibleUnits,
      cooperatingUnits,
      unmatchedUnits: unmatched,
      due: row.due,
      note: row.note?.trim() || null,
    },
    issues,
  };
}

/** Every row of a meeting's list: the items to record and the issues, in the list's order. */
export function itemsFromList(
  rows: readonly ItemListRow[],
  meeting: Meeting,
  schedule: Schedule,
): ListMapping {
  const items: ListedItem[] = [];
  const issues: Issue[] = [];
  const seen = new Map<number, string>();
  for (const row of rows) {
    // Two rows with one 序号 would be one id: the first is recorded, the second is not (it would
    // silently replace the first).
    const first = seen.get(row.n);
    if (first !== undefined) {
      issues.push(
        issue(
          'ITEM_LIST_DUPLICATE_NUMBER',
          `${rowLabel(row.cell)}的序号${row.n}与${rowLabel(first)}重复，该行未记录，请改正序号后重新发送。`,
          row.cell,
        ),
      );
      continue;
    }
    seen.set(row.n, row.cell);
    const mapped = itemFromRow(row, meeting, schedule);
    if (mapped.item) items.push(mapped.item);
    issues.push(...mapped.issues);
  }
  return { items, issues };
}
