/**
 * The decision store port: the agreed items (议定事项), the units' reports on them, and their
 * history, in the domain's words. The storage adapter (src/adapters/storage/decision-store.ts)
 * answers it on SQLite and PostgreSQL; use cases never see a table.
 *
 * Notices about items (交办, 督办单, 退回) are outgoing mails like any other: they are queued
 * through the Outbox under their keys (src/domain/mail-key.ts) and read back here by key prefix.
 */
import type {
  AgreedItem,
  ItemEvent,
  ItemNoticeRecord,
  ItemReport,
  ItemState,
  Meeting,
} from '../../domain/decisions/types';

/** An item to record, as a list (after matching names to units and projects) gives it. */
export interface ItemToRecord {
  id: string;
  meeting: Meeting;
  projectId: string | null;
  projectAsWritten: string | null;
  text: string;
  responsibleUnits: string[];
  cooperatingUnits: string[];
  unmatchedUnits: string[];
  due: string;
  note: string | null;
}

/** What recording a list did, item by item (ids). */
export interface RecordedList {
  created: string[];
  /** Items of an earlier list of the same meeting that the new one changed. */
  updated: string[];
  unchanged: string[];
}

export interface ReportToRecord {
  itemId: string;
  unitId: string;
  week: string;
  progress: string | null;
  status: ItemReport['status'];
  reportedAt: Date;
  submissionId: number | null;
  rawMessageId: number | null;
}

export interface ItemFilter {
  /** Items where this unit is responsible (or cooperating, with `cooperating: true`). */
  unitId?: string;
  cooperating?: boolean;
  states?: readonly ItemState[];
  /** Only these ids. */
  ids?: readonly string[];
}

export interface DecisionStore {
  /**
   * Records a meeting's items: new ids are created, existing ones updated when a field differs
   * (an 'updated' event with the changes), never duplicated. The state of an existing item is
   * kept. `by` names the source ("office:<address>", "cli", "console:<address>").
   */
  recordItems(
    items: readonly ItemToRecord[],
    source: { by: string; rawMessageId: number | null },
    now: Date,
  ): Promise<RecordedList>;
  /** Items in id order (meeting date, then 序号), filtered. */
  items(filter?: ItemFilter): Promise<AgreedItem[]>;
  item(id: string): Promise<AgreedItem | null>;
  /**
   * Records reports from one weekly sheet. Idempotent per (item, unit, submission): a job run
   * again records nothing new. A report of 已办结 on an open item moves it to
   * awaiting_confirmation (a 'reported_done' event) in the same unit of work.
   */
  recordReports(reports: readonly ReportToRecord[], now: Date): Promise<void>;
  /** Every report on these items (all items when omitted), oldest first. */
  reports(itemIds?: readonly string[]): Promise<ItemReport[]>;
  /**
   * Moves an item to `state` with an event ('confirmed', 'sent_back', 'reopened'); returns the
   * item as it now is. Throws DubanError ITEM_NOT_FOUND / ITEM_STATE_CONFLICT.
   */
  changeState(
    id: string,
    to: ItemState,
    event: { kind: ItemEvent['kind']; by: string; note: string | null },
    now: Date,
  ): Promise<AgreedItem>;
  /** The history of these items (all when omitted), oldest first. */
  events(itemIds?: readonly string[]): Promise<ItemEvent[]>;
  /** Notices about items queued in the outbox (assignment, notice, sendback keys), oldest first. */
  notices(itemIds?: readonly string[]): Promise<ItemNoticeRecord[]>;
  /** Units that had an open item during the week (responsible units): also expected to report. */
  unitsWithOpenItems(week: string): Promise<string[]>;
}
