/**
 * What the intake does with agreed items (议定事项): recognising an office member's mail, telling
 * a meeting's list of items from a unit's sheet, recording a list (and answering its sender),
 * and checking a unit's reports on its items against its open items before they are recorded
 * with its submission.
 */
import type { OfficeMember, Schedule } from '../../config/schedule';
import type { ItemReportRow } from '../../domain/decisions/types';
import {
  composeItemListConfirmation,
  type ComposedReply,
  type ReadSheet,
  type ReplyContext,
} from '../../domain/intake/replies';
import { issue } from '../../errors';
import { recordItemList } from '../decisions/record-list';
import type { DecisionStore, ReportToRecord } from '../ports/decision-store';
import type { IntakeWrites } from './deps';

/** A sheet that is a meeting's list of agreed items (not a unit's weekly sheet). */
export function isItemList(s: ReadSheet): boolean {
  return s.parsed.ok && s.parsed.itemList !== undefined;
}

/** What recording an office list came to, for the outcome. */
export interface RecordedOfficeList {
  reply: ComposedReply;
  created: string[];
  updated: string[];
  unchanged: string[];
}

/**
 * Records the list of agreed items in `sheet` (in the caller's unit of work) and composes the
 * confirmation to the office member who sent it: each new item with its id, units and time
 * limit, each changed item with what changed, how many stayed as they were, every issue with its
 * cell and the unit names that matched no unit.
 */
export async function recordOfficeList(
  tx: Pick<IntakeWrites, 'decisions'>,
  input: {
    schedule: Schedule;
    sheet: ReadSheet;
    sender: OfficeMember;
    rawMessageId: number;
    ctx: ReplyContext;
  },
  now: Date,
): Promise<RecordedOfficeList> {
  const reading = input.sheet.parsed.itemList;
  if (!reading) throw new Error('recordOfficeList: the sheet is not a list of agreed items');
  const imported = await recordItemList(
    { decisions: tx.decisions, schedule: input.schedule },
    reading,
    { by: `office:${input.sender.email}`, rawMessageId: input.rawMessageId },
    now,
  );
  const { created, updated, unchanged } = imported.recorded;
  // What changed, from the 'updated' events this recording wrote (the newest per item).
  const changes = new Map<string, Record<string, [unknown, unknown]>>();
  if (updated.length > 0) {
    for (const e of await tx.decisions.events(updated)) {
      if (e.kind === 'updated' && e.changes) changes.set(e.itemId, e.changes);
    }
  }
  const reply = composeItemListConfirmation(
    input.ctx,
    {
      senderTitle: input.sender.title,
      filename: input.sheet.filename,
      meeting: imported.meeting,
      items: imported.items,
      created,
      updated: updated.map((id) => ({ id, changes: changes.get(id) ?? {} })),
      unchanged,
      issues: [...input.sheet.parsed.issues, ...imported.issues],
    },
    now,
  );
  return { reply, created: [...created], updated: [...updated], unchanged: [...unchanged] };
}

/**
 * Checks the rows of each sheet's section 议定事项落实情况 against the unit's open items: a row
 * whose 编号 is not one of them is left out with an ITEM_REPORT_UNKNOWN warning (added to the
 * sheet's issues, so the receipt names its cell); a 是否办结 that is none of the three answers is
 * recorded without a status, with ITEM_REPORT_STATUS_UNREADABLE (unless the reader said so
 * already). Returns the rows to record, per sheet; reads the store only when a sheet has rows.
 */
export async function checkItemReports(
  decisions: Pick<DecisionStore, 'items'>,
  unitId: string,
  sheets: readonly ReadSheet[],
): Promise<Map<ReadSheet, ItemReportRow[]>> {
  const out = new Map<ReadSheet, ItemReportRow[]>();
  if (!sheets.some((s) => (s.parsed.itemReports ?? []).length > 0)) return out;
  const open = new Set(
    (await decisions.items({ unitId, states: ['open', 'awaiting_confirmation'] })).map((i) => i.id),
  );
  for (const s of sheets) {
    const rows = s.parsed.itemReports ?? [];
    if (rows.length === 0) continue;
    const issues = [...(s.issues ?? [])];
    const kept: ItemReportRow[] = [];
    for (const row of rows) {
      if (row.itemId === null || !open.has(row.itemId)) {
        issues.push(issue('ITEM_REPORT_UNKNOWN', unknownMessage(row), row.cell));
        continue;
      }
      const { statusText } = row;
      const said = [...s.parsed.issues, ...issues].some(
        (i) => i.code === 'ITEM_REPORT_STATUS_UNREADABLE' && i.cell === row.cell,
      );
      if (row.status === null && statusText !== undefined && !said) {
        issues.push(
          issue(
            'ITEM_REPORT_STATUS_UNREADABLE',
            `议定事项“${row.itemId}”的是否办结填写为“${statusText}”，请从“已办结”“推进中”“未启动”中选择。`,
            row.cell,
          ),
        );
      }
      kept.push(row);
    }
    s.issues = issues;
    out.set(s, kept);
  }
  return out;
}

function unknownMessage(row: ItemReportRow): string {
  const id = row.idText.trim();
  if (!id) return '议定事项落实情况中有一行未填写编号，该行未记录；请填写交办通知所列的事项编号。';
  if (row.itemId === null) {
    return `编号“${id}”格式不正确（应为会议日期和序号，如“20210316-2”），该行未记录。`;
  }
  return `编号“${id}”不是本单位承担的未办结议定事项，该行未记录；请以交办通知所列编号为准。`;
}

/** The rows kept for these sheets as reports to record (a later sheet's row for an item wins). */
export function reportsToRecord(
  rows: ReadonlyMap<ReadSheet, ItemReportRow[]>,
  sheets: readonly ReadSheet[],
  fields: Omit<ReportToRecord, 'itemId' | 'progress' | 'status'>,
): ReportToRecord[] {
  const byItem = new Map<string, ReportToRecord>();
  for (const s of sheets) {
    for (const row of rows.get(s) ?? []) {
      if (row.itemId === null) continue;
      byItem.set(row.itemId, {
        ...fields,
        itemId: row.itemId,
        progress: row.progress,
        status: row.status,
      });
    }
  }
  return [...byItem.values()];
}
