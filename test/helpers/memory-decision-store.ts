/**
 * An in-memory DecisionStore for unit tests of the use cases, the mails, the digest and the
 * assessment. It follows the port's contract (src/app/ports/decision-store.ts); the SQL adapter
 * is tested against the same expectations on SQLite and PostgreSQL.
 */
import type {
  DecisionStore,
  ItemFilter,
  ItemToRecord,
  RecordedList,
  ReportToRecord,
} from '../../src/app/ports/decision-store';
import { deadlineOf, type CalendarView } from '../../src/domain/calendar';
import type {
  AgreedItem,
  ItemEvent,
  ItemNoticeRecord,
  ItemReport,
  ItemState,
} from '../../src/domain/decisions/types';
import { DubanError } from '../../src/errors';

const FIELDS = [
  'meeting',
  'projectId',
  'projectAsWritten',
  'text',
  'responsibleUnits',
  'cooperatingUnits',
  'unmatchedUnits',
  'due',
  'note',
] as const;

function byId(a: { id: string }, b: { id: string }): number {
  const [ad = '', an = '0'] = a.id.split('-');
  const [bd = '', bn = '0'] = b.id.split('-');
  return ad === bd ? Number(an) - Number(bn) : ad < bd ? -1 : 1;
}

export class MemoryDecisionStore implements DecisionStore {
  readonly itemsById = new Map<string, AgreedItem>();
  readonly reportList: Array<ItemReport & { key: string }> = [];
  readonly eventList: ItemEvent[] = [];
  /** Tests push the notices they pretend were queued. */
  readonly noticeList: ItemNoticeRecord[] = [];

  constructor(private readonly calendar?: CalendarView) {}

  async recordItems(
    items: readonly ItemToRecord[],
    source: { by: string; rawMessageId: number | null },
    now: Date,
  ): Promise<RecordedList> {
    const out: RecordedList = { created: [], updated: [], unchanged: [] };
    for (const it of items) {
      const old = this.itemsById.get(it.id);
      if (!old) {
        this.itemsById.set(it.id, {
          ...it,
          responsibleUnits: [...it.responsibleUnits],
          cooperatingUnits: [...it.cooperatingUnits],
          unmatchedUnits: [...it.unmatchedUnits],
          state: 'open',
          recordedAt: now,
          stateSince: now,
          closedAt: null,
        });
        this.eventList.push({
          itemId: it.id,
          at: now,
          kind: 'recorded',
          by: source.by,
          note: null,
        });
        out.created.push(it.id);
        continue;
      }
      const changes: Record<string, [unknown, unknown]> = {};
      for (const f of FIELDS) {
        if (JSON.stringify(old[f]) !== JSON.stringify(it[f])) changes[f] = [old[f], it[f]];
      }
      if (Object.keys(changes).length === 0) {
        out.unchanged.push(it.id);
        continue;
      }
      this.itemsById.set(it.id, { ...old, ...it });
      this.eventList.push({
        itemId: it.id,
        at: now,
        kind: 'updated',
        by: source.by,
        note: null,
        changes,
      });
      out.updated.push(it.id);
    }
    return out;
  }

  async items(filter: ItemFilter = {}): Promise<AgreedItem[]> {
    return [...this.itemsById.values()]
      .filter((i) => !filter.ids || filter.ids.includes(i.id))
      .filter((i) => !filter.states || filter.states.includes(i.state))
      .filter(
        (i) =>
          !filter.unitId ||
          i.responsibleUnits.includes(filter.unitId) ||
          (filter.cooperating === true && i.cooperatingUnits.includes(filter.unitId)),
      )
      .sort(byId);
  }

  async item(id: string): Promise<AgreedItem | null> {
    return this.itemsById.get(id) ?? null;
  }

  async recordReports(reports: readonly ReportToRecord[], now: Date): Promise<void> {
    for (const r of reports) {
      const key = `${r.itemId}|${r.unitId}|${r.submissionId ?? `m${r.rawMessageId ?? ''}`}`;
      if (this.reportList.some((x) => x.key === key)) continue;
      this.reportList.push({ ...r, key });
      const item = this.itemsById.get(r.itemId);
      if (item && item.state === 'open' && r.status === '已办结') {
        this.itemsById.set(item.id, { ...item, state: 'awaiting_confirmation', stateSince: now });
        this.eventList.push({
          itemId: item.id,
          at: now,
          kind: 'reported_done',
          by: `unit:${r.unitId}`,
          note: r.progress,
        });
      }
    }
  }

  async reports(itemIds?: readonly string[]): Promise<ItemReport[]> {
    return this.reportList
      .filter((r) => !itemIds || itemIds.includes(r.itemId))
      .map(({ key: _key, ...r }) => r)
      .sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
  }

  async changeState(
    id: string,
    to: ItemState,
    event: { kind: ItemEvent['kind']; by: string; note: string | null },
    now: Date,
  ): Promise<AgreedItem> {
    const item = this.itemsById.get(id);
    if (!item) throw new DubanError('ITEM_NOT_FOUND', `no agreed item ${id}`);
    if (item.state === to) {
      throw new DubanError('ITEM_STATE_CONFLICT', `agreed item ${id} is already ${to}`);
    }
    const next: AgreedItem = {
      ...item,
      state: to,
      stateSince: now,
      closedAt: to === 'closed' ? now : null,
    };
    this.itemsById.set(id, next);
    this.eventList.push({ itemId: id, at: now, ...event });
    return next;
  }

  async events(itemIds?: readonly string[]): Promise<ItemEvent[]> {
    return this.eventList.filter((e) => !itemIds || itemIds.includes(e.itemId));
  }

  async notices(itemIds?: readonly string[]): Promise<ItemNoticeRecord[]> {
    return this.noticeList.filter((n) => !itemIds || itemIds.includes(n.itemId));
  }

  async unitsWithOpenItems(week: string): Promise<string[]> {
    const end = this.calendar ? deadlineOf(week, this.calendar).date : week;
    const units = new Set<string>();
    for (const i of this.itemsById.values()) {
      if (i.meeting.date > end) continue;
      const closedBefore = i.closedAt !== null && i.closedAt.toISOString().slice(0, 10) < week;
      if (closedBefore) continue;
      for (const u of i.responsibleUnits) units.add(u);
    }
    return [...units].sort();
  }
}
