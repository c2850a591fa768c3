/**
 * The joint meeting's agreed items (议定事项) and their follow-up (督办), in the domain's words.
 * Pure types: the storage adapter, the use cases, the mails, the digest, the ledger and the
 * assessment all read these.
 *
 * The life of an item: recorded from the meeting's list (a mailed sheet, `duban decisions import`
 * or the console) → 交办 notice to each responsible unit → weekly reports in the unit's sheet
 * ("议定事项落实情况") → blue / yellow / red supervision notices (督办单) as its time limit nears or
 * passes → the unit reports 已办结 (awaiting the office's confirmation) → the office confirms
 * (办结销号: closed) or sends it back with a note (open again).
 */
import type { Issue } from '../../errors';

/** ISO calendar date ("2021-03-16"). */
export type IsoDate = string;

export type ItemState = 'open' | 'awaiting_confirmation' | 'closed';

/** The three-colour supervision notices (督办单): blue 临近, yellow 滞后, red 逾期. */
export type NoticeColour = 'blue' | 'yellow' | 'red';
export const NOTICE_COLOURS: readonly NoticeColour[] = ['blue', 'yellow', 'red'];

/** The 是否办结 drop-down of the weekly section. */
export type ItemProgress = '已办结' | '推进中' | '未启动';
export const ITEM_PROGRESS_VALUES: readonly ItemProgress[] = ['已办结', '推进中', '未启动'];

/** The meeting an item comes from (会议纪要). */
export interface Meeting {
  /** The meeting's date: the first part of its items' ids. */
  date: IsoDate;
  /** As written above the list ("区重点项目联合会议第3次会议"); "" when the list names none. */
  name: string;
}

/**
 * An item's id: the meeting's date and the item's 序号 on the list ("20210316-2"). Stable: a
 * corrected list of the same meeting updates the item with the same id.
 */
export const ITEM_ID = /^\d{8}-[1-9]\d*$/;
export function itemId(meetingDate: IsoDate, n: number): string {
  return `${meetingDate.replaceAll('-', '')}-${n}`;
}

export interface AgreedItem {
  id: string;
  meeting: Meeting;
  /** The schedule project it belongs to (所属项目), when the list names one that matches. */
  projectId: string | null;
  /** 所属项目 as written (kept when it matched no project). */
  projectAsWritten: string | null;
  /** 议定事项: what was agreed. */
  text: string;
  /** 责任单位: schedule unit ids, in the list's order. */
  responsibleUnits: string[];
  /** 配合单位: schedule unit ids. */
  cooperatingUnits: string[];
  /** Unit names written in the list that match no schedule unit (for `duban config check`). */
  unmatchedUnits: string[];
  /** 办结时限: the time limit. */
  due: IsoDate;
  /** 备注. */
  note: string | null;
  state: ItemState;
  recordedAt: Date;
  /** When the item entered its current state. */
  stateSince: Date;
  /** When the office confirmed it closed (办结销号). */
  closedAt: Date | null;
}

/** One unit's report on one item in one weekly sheet. */
export interface ItemReport {
  itemId: string;
  unitId: string;
  /** The reporting week (Monday) of the sheet it came in. */
  week: IsoDate;
  /** 落实情况 as written (null when left empty). */
  progress: string | null;
  /** 是否办结 (null when left empty or unreadable). */
  status: ItemProgress | null;
  reportedAt: Date;
  submissionId: number | null;
  rawMessageId: number | null;
}

/** What happened to an item, for the ledger (督办台账). Notices are read from the outbox. */
export type ItemEventKind =
  | 'recorded' // first recorded from a list
  | 'updated' // a corrected list changed it
  | 'reported_done' // a unit reported 已办结: awaiting confirmation
  | 'confirmed' // the office confirmed it closed
  | 'sent_back' // the office sent it back (open again), with a note
  | 'reopened'; // the office reopened a closed item

export interface ItemEvent {
  itemId: string;
  at: Date;
  kind: ItemEventKind;
  /** Who: "office:<address>", "cli", "unit:<id>", "console:<address>". */
  by: string;
  note: string | null;
  /** For 'updated': the fields that changed, { field: [before, after] }. */
  changes?: Record<string, [unknown, unknown]>;
}

/** A notice about an item as queued in the outbox (交办, 督办单, 退回). */
export interface ItemNoticeRecord {
  itemId: string;
  unitId: string;
  kind: 'assignment' | 'notice' | 'sendback';
  colour: NoticeColour | null;
  key: string;
  subject: string;
  status: string;
  queuedAt: Date;
  sentAt: Date | null;
}

// ---------------------------------------------------------------------------------------------
// Reading the sheets (src/domain/decisions/item-list.ts, item-report.ts)

/** One row of a meeting's list of agreed items, as written. */
export interface ItemListRow {
  /** 序号 (or the row's position among the items when 序号 is empty): the id's second part. */
  n: number;
  /** A1 reference of the row's 议定事项 cell, for the office's confirmation. */
  cell: string;
  project: string | null;
  text: string;
  /** 责任单位 names as written, split on 、，, ; and line breaks. */
  responsible: string[];
  cooperating: string[];
  due: IsoDate | null;
  /** 办结时限 as written, when it is not a date. */
  dueText: string | null;
  note: string | null;
}

/** A list of agreed items read from a sheet (any format the sheet reader reads). */
export interface ItemListReading {
  meeting: { name: string | null; date: IsoDate | null };
  rows: ItemListRow[];
  /** What could not be read (zh-CN, with cells): a row without 议定事项 or 办结时限 … */
  issues: Issue[];
}

/** One row of the weekly sheet's section 议定事项落实情况. */
export interface ItemReportRow {
  /** 编号 as read, when it has the id form. */
  itemId: string | null;
  /** 编号 as written. */
  idText: string;
  /** A1 reference of the row's 编号 cell. */
  cell: string;
  progress: string | null;
  status: ItemProgress | null;
  /** 是否办结 as written when it is none of the three answers (status is then null). */
  statusText?: string;
}

/** An open item as a unit's template lists it, pre-filled with the unit's last answer. */
export interface TemplateItem {
  id: string;
  text: string;
  due: IsoDate;
  progress: string | null;
  status: ItemProgress | null;
}

// ---------------------------------------------------------------------------------------------
// The follow-up state at a moment (src/domain/decisions/colour.ts)

export interface ItemFollowUp {
  item: AgreedItem;
  /** The colour it shows at `now` (null: none, or no longer open). */
  colour: NoticeColour | null;
  /** Why, in zh-CN ("办结时限2021年3月19日已过，尚未办结"); null without a colour. */
  why: string | null;
  /** The newest report of any responsible unit. */
  lastReport: ItemReport | null;
}
