/**
 * The DecisionStore port over the database (SQLite and PostgreSQL): the agreed items, the units'
 * reports on them and their history (migration 0013), and the notices about them read back from
 * outgoing_mails by their keys. Follows the port's contract (src/app/ports/decision-store.ts);
 * test/helpers/memory-decision-store.ts is the in-memory reference.
 *
 * Every write is one transaction: recording a list (items and their events), recording a
 * sheet's reports (and the items they move to awaiting_confirmation), a change of state (the
 * state checked in the UPDATE itself, so two offices racing change it once).
 */
import type {
  DecisionStore,
  ItemFilter,
  ItemToRecord,
  RecordedList,
  ReportToRecord,
} from '../../app/ports/decision-store';
import { deadlineOf, type CalendarView } from '../../domain/calendar';
import type {
  AgreedItem,
  ItemEvent,
  ItemNoticeRecord,
  ItemReport,
  ItemState,
} from '../../domain/decisions/types';
import { parseMailKey } from '../../domain/mail-key';
import type { Selectable } from 'kysely';
import { DubanError } from '../../errors';
import { inTransaction, json, parseJson, parseStringList, toIsoDate, toTimestamp } from './codecs';
import type { Db } from './connection';
import type { AgreedItemsTable, ItemEventsTable, ItemReportsTable } from './schema';

/** The fields a corrected list may change, compared as the in-memory store compares them. */
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

/** The 序号 of an item id ("20210316-2" → 2). */
function seqOf(id: string): number {
  const n = Number(id.slice(id.indexOf('-') + 1));
  return Number.isInteger(n) ? n : 0;
}

/** "20210316" → "2021-03-16". */
function meetingDateOf(compact: string): string {
  return `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
}

function itemOf(row: AgreedItemsTable): AgreedItem {
  return {
    id: row.id,
    meeting: { date: row.meeting_date, name: row.meeting_name },
    projectId: row.project_id,
    projectAsWritten: row.project_as_written,
    text: row.text,
    responsibleUnits: parseStringList(row.responsible_units_json),
    cooperatingUnits: parseStringList(row.cooperating_units_json),
    unmatchedUnits: parseStringList(row.unmatched_units_json),
    due: row.due,
    note: row.note,
    state: row.state,
    recordedAt: new Date(row.recorded_at),
    stateSince: new Date(row.state_since),
    closedAt: row.closed_at === null ? null : new Date(row.closed_at),
  };
}

function reportOf(row: Selectable<ItemReportsTable>): ItemReport {
  return {
    itemId: row.item_id,
    unitId: row.unit_id,
    week: row.week,
    progress: row.progress,
    status: row.status,
    reportedAt: new Date(row.reported_at),
    submissionId: row.submission_id,
    rawMessageId: row.raw_message_id,
  };
}

function eventOf(row: Selectable<ItemEventsTable>): ItemEvent {
  const event: ItemEvent = {
    itemId: row.item_id,
    at: new Date(row.at),
    kind: row.kind,
    by: row.actor,
    note: row.note,
  };
  if (row.changes_json !== null) {
    event.changes = parseJson<Record<string, [unknown, unknown]>>(row.changes_json, {});
  }
  return event;
}

/** The columns an item to record sets (its state and times are the store's). */
function fieldsOf(it: ItemToRecord) {
  return {
    n: seqOf(it.id),
    meeting_date: toIsoDate(it.meeting.date, 'meeting date'),
    meeting_name: it.meeting.name,
    project_id: it.projectId,
    project_as_written: it.projectAsWritten,
    text: it.text,
    responsible_units_json: json(it.responsibleUnits),
    cooperating_units_json: json(it.cooperatingUnits),
    unmatched_units_json: json(it.unmatchedUnits),
    due: toIsoDate(it.due, 'due'),
    note: it.note,
  };
}

/** Where a report came from, for its uniqueness: its submission, else its message. */
function sourceKeyOf(r: ReportToRecord): string {
  return r.submissionId !== null ? `s${r.submissionId}` : `m${r.rawMessageId ?? ''}`;
}

export class StorageDecisionStore implements DecisionStore {
  /**
   * `calendar` gives a week's deadline day for unitsWithOpenItems; without it the week's Monday
   * is used (as the in-memory store does).
   */
  constructor(
    readonly db: Db,
    private readonly calendar?: CalendarView,
  ) {}

  async recordItems(
    items: readonly ItemToRecord[],
    source: { by: string; rawMessageId: number | null },
    now: Date,
  ): Promise<RecordedList> {
    const out: RecordedList = { created: [], updated: [], unchanged: [] };
    if (items.length === 0) return out;
    const at = toTimestamp(now);
    await inTransaction(this.db, async (tx) => {
      const rows = await tx.kysely
        .selectFrom('agreed_items')
        .selectAll()
        .where(
          'id',
          'in',
          items.map((i) => i.id),
        )
        .execute();
      const existing = new Map(rows.map((r) => [r.id, itemOf(r)]));
      for (const it of items) {
        const old = existing.get(it.id);
        if (!old) {
          await tx.kysely
            .insertInto('agreed_items')
            .values({
              id: it.id,
              ...fieldsOf(it),
              state: 'open',
              recorded_at: at,
              state_since: at,
              closed_at: null,
              updated_at: at,
            })
            .execute();
          await tx.kysely
            .insertInto('item_events')
            .values({
              item_id: it.id,
              at,
              kind: 'recorded',
              actor: source.by,
              note: null,
              changes_json: null,
            })
            .execute();
          existing.set(it.id, {
            ...it,
            state: 'open',
            recordedAt: now,
            stateSince: now,
            closedAt: null,
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
        await tx.kysely
          .updateTable('agreed_items')
          .set({ ...fieldsOf(it), updated_at: at })
          .where('id', '=', it.id)
          .execute();
        await tx.kysely
          .insertInto('item_events')
          .values({
            item_id: it.id,
            at,
            kind: 'updated',
            actor: source.by,
            note: null,
            changes_json: json(changes),
          })
          .execute();
        existing.set(it.id, { ...old, ...it });
        out.updated.push(it.id);
      }
    });
    return out;
  }

  async items(filter: ItemFilter = {}): Promise<AgreedItem[]> {
    if (filter.ids && filter.ids.length === 0) return [];
    if (filter.states && filter.states.length === 0) return [];
    let q = this.db.kysely.selectFrom('agreed_items').selectAll();
    if (filter.ids) q = q.where('id', 'in', [...filter.ids]);
    if (filter.states) q = q.where('state', 'in', [...filter.states]);
    const rows = await q.orderBy('meeting_date').orderBy('n').execute();
    const { unitId } = filter;
    return rows
      .map(itemOf)
      .filter(
        (i) =>
          unitId === undefined ||
          i.responsibleUnits.includes(unitId) ||
          (filter.cooperating === true && i.cooperatingUnits.includes(unitId)),
      );
  }

  async item(id: string): Promise<AgreedItem | null> {
    const row = await this.db.kysely
      .selectFrom('agreed_items')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? itemOf(row) : null;
  }

  async recordReports(reports: readonly ReportToRecord[], now: Date): Promise<void> {
    if (reports.length === 0) return;
    const at = toTimestamp(now);
    await inTransaction(this.db, async (tx) => {
      const known = new Set(
        (
          await tx.kysely
            .selectFrom('agreed_items')
            .select('id')
            .where('id', 'in', [...new Set(reports.map((r) => r.itemId))])
            .execute()
        ).map((r) => r.id),
      );
      for (const r of reports) {
        // A report on no item is not kept (the intake warns ITEM_REPORT_UNKNOWN before).
        if (!known.has(r.itemId)) continue;
        const inserted = await tx.kysely
          .insertInto('item_reports')
          .values({
            item_id: r.itemId,
            unit_id: r.unitId,
            week: toIsoDate(r.week, 'report week'),
            progress: r.progress,
            status: r.status,
            reported_at: toTimestamp(r.reportedAt),
            submission_id: r.submissionId,
            raw_message_id: r.rawMessageId,
            source_key: sourceKeyOf(r),
          })
          .onConflict((oc) => oc.columns(['item_id', 'unit_id', 'source_key']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) continue;
        if (r.status !== '已办结') continue;
        const moved = await tx.kysely
          .updateTable('agreed_items')
          .set({ state: 'awaiting_confirmation', state_since: at, updated_at: at })
          .where('id', '=', r.itemId)
          .where('state', '=', 'open')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) continue;
        await tx.kysely
          .insertInto('item_events')
          .values({
            item_id: r.itemId,
            at,
            kind: 'reported_done',
            actor: `unit:${r.unitId}`,
            note: r.progress,
            changes_json: null,
          })
          .execute();
      }
    });
  }

  async reports(itemIds?: readonly string[]): Promise<ItemReport[]> {
    if (itemIds && itemIds.length === 0) return [];
    let q = this.db.kysely.selectFrom('item_reports').selectAll();
    if (itemIds) q = q.where('item_id', 'in', [...itemIds]);
    const rows = await q.orderBy('reported_at').orderBy('id').execute();
    return rows.map(reportOf);
  }

  async changeState(
    id: string,
    to: ItemState,
    event: { kind: ItemEvent['kind']; by: string; note: string | null },
    now: Date,
  ): Promise<AgreedItem> {
    const at = toTimestamp(now);
    return inTransaction(this.db, async (tx) => {
      const row = await tx.kysely
        .selectFrom('agreed_items')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new DubanError('ITEM_NOT_FOUND', `no agreed item ${id}`);
      if (row.state === to) {
        throw new DubanError('ITEM_STATE_CONFLICT', `agreed item ${id} is already ${to}`);
      }
      // The state read above is checked again in the update: a racing change wins once.
      const changed = await tx.kysely
        .updateTable('agreed_items')
        .set({
          state: to,
          state_since: at,
          closed_at: to === 'closed' ? at : null,
          updated_at: at,
        })
        .where('id', '=', id)
        .where('state', '=', row.state)
        .returningAll()
        .executeTakeFirst();
      if (!changed) {
        throw new DubanError('ITEM_STATE_CONFLICT', `agreed item ${id} changed meanwhile`);
      }
      await tx.kysely
        .insertInto('item_events')
        .values({
          item_id: id,
          at,
          kind: event.kind,
          actor: event.by,
          note: event.note,
          changes_json: null,
        })
        .execute();
      return itemOf(changed);
    });
  }

  async events(itemIds?: readonly string[]): Promise<ItemEvent[]> {
    if (itemIds && itemIds.length === 0) return [];
    let q = this.db.kysely.selectFrom('item_events').selectAll();
    if (itemIds) q = q.where('item_id', 'in', [...itemIds]);
    const rows = await q.orderBy('at').orderBy('id').execute();
    return rows.map(eventOf);
  }

  async notices(itemIds?: readonly string[]): Promise<ItemNoticeRecord[]> {
    if (itemIds && itemIds.length === 0) return [];
    const rows = await this.db.kysely
      .selectFrom('outgoing_mails')
      .select(['id', 'mail_key', 'subject', 'status', 'sent_at', 'created_at'])
      .where((eb) =>
        eb.or([
          eb('mail_key', 'like', 'assignment:%'),
          eb('mail_key', 'like', 'notice:%'),
          eb('mail_key', 'like', 'sendback:%'),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const wanted = itemIds ? new Set(itemIds) : null;
    // The items the keys name: a meeting's (assignment), or one item (its responsible units).
    const meetings = new Set<string>();
    const sentBack = new Set<string>();
    for (const row of rows) {
      const key = parseMailKey(row.mail_key);
      if (key?.kind === 'assignment') meetings.add(meetingDateOf(key.meeting));
      if (key?.kind === 'sendback') sentBack.add(key.itemId);
    }
    const byMeeting = new Map<string, AgreedItem[]>();
    const byId = new Map<string, AgreedItem>();
    if (meetings.size > 0 || sentBack.size > 0) {
      let q = this.db.kysely.selectFrom('agreed_items').selectAll();
      q = q.where((eb) =>
        eb.or([
          ...(meetings.size > 0 ? [eb('meeting_date', 'in', [...meetings])] : []),
          ...(sentBack.size > 0 ? [eb('id', 'in', [...sentBack])] : []),
        ]),
      );
      for (const item of (await q.orderBy('meeting_date').orderBy('n').execute()).map(itemOf)) {
        byId.set(item.id, item);
        byMeeting.set(item.meeting.date, [...(byMeeting.get(item.meeting.date) ?? []), item]);
      }
    }

    const out: ItemNoticeRecord[] = [];
    for (const row of rows) {
      const key = parseMailKey(row.mail_key);
      if (!key) continue;
      const base = {
        key: row.mail_key,
        subject: row.subject,
        status: row.status,
        queuedAt: new Date(row.created_at),
        sentAt: row.sent_at === null ? null : new Date(row.sent_at),
      };
      const push = (
        itemId: string,
        unitId: string,
        kind: ItemNoticeRecord['kind'],
        colour: ItemNoticeRecord['colour'],
      ) => {
        if (wanted && !wanted.has(itemId)) return;
        out.push({ itemId, unitId, kind, colour, ...base });
      };
      if (key.kind === 'assignment') {
        for (const item of byMeeting.get(meetingDateOf(key.meeting)) ?? []) {
          if (
            item.responsibleUnits.includes(key.unitId) ||
            item.cooperatingUnits.includes(key.unitId)
          ) {
            push(item.id, key.unitId, 'assignment', null);
          }
        }
      } else if (key.kind === 'notice') {
        push(key.itemId, key.unitId, 'notice', key.colour);
      } else if (key.kind === 'sendback') {
        // One mail to the item's responsible units: a record for each.
        for (const unitId of byId.get(key.itemId)?.responsibleUnits ?? []) {
          push(key.itemId, unitId, 'sendback', null);
        }
      }
    }
    return out;
  }

  async unitsWithOpenItems(week: string): Promise<string[]> {
    const end = this.calendar ? deadlineOf(week, this.calendar).date : week;
    const rows = await this.db.kysely
      .selectFrom('agreed_items')
      .select('responsible_units_json')
      .where('meeting_date', '<=', end)
      // Closed before the week began (timestamps sort as text): not expected any more.
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', week)]))
      .execute();
    const units = new Set<string>();
    for (const r of rows) for (const u of parseStringList(r.responsible_units_json)) units.add(u);
    return [...units].sort();
  }
}
