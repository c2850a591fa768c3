/**
 * The DecisionStore port over the database (SQLite and PostgreSQL).
 * TODO(store): implement (migration 0013); this stub only lets the other parts compile.
 */
import type {
  DecisionStore,
  ItemFilter,
  ItemToRecord,
  RecordedList,
  ReportToRecord,
} from '../../app/ports/decision-store';
import type {
  AgreedItem,
  ItemEvent,
  ItemNoticeRecord,
  ItemReport,
  ItemState,
} from '../../domain/decisions/types';
import type { Db } from './connection';

function notYet(): never {
  throw new Error('StorageDecisionStore is not implemented yet');
}

export class StorageDecisionStore implements DecisionStore {
  constructor(readonly db: Db) {}
  recordItems(
    _items: readonly ItemToRecord[],
    _source: { by: string; rawMessageId: number | null },
    _now: Date,
  ): Promise<RecordedList> {
    return notYet();
  }
  items(_filter?: ItemFilter): Promise<AgreedItem[]> {
    return notYet();
  }
  item(_id: string): Promise<AgreedItem | null> {
    return notYet();
  }
  recordReports(_reports: readonly ReportToRecord[], _now: Date): Promise<void> {
    return notYet();
  }
  reports(_itemIds?: readonly string[]): Promise<ItemReport[]> {
    return notYet();
  }
  changeState(
    _id: string,
    _to: ItemState,
    _event: { kind: ItemEvent['kind']; by: string; note: string | null },
    _now: Date,
  ): Promise<AgreedItem> {
    return notYet();
  }
  events(_itemIds?: readonly string[]): Promise<ItemEvent[]> {
    return notYet();
  }
  notices(_itemIds?: readonly string[]): Promise<ItemNoticeRecord[]> {
    return notYet();
  }
  unitsWithOpenItems(_week: string): Promise<string[]> {
    return notYet();
  }
}
