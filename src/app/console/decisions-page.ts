/**
 * The console's pages of agreed items (议定事项): the list with its filters (state, colour, unit)
 * and counts, one item with its history (as the ledger has it), and the office's form that
 * records one item (read as a list of one row, through recordItemList).
 */
import { readLedger } from '../decisions/ledger';
import type { DecisionDeps } from '../decisions/deps';
import type { ItemListImport } from '../decisions/record-list';
import type { Ledger, LedgerRow } from '../../domain/decisions/ledger';
import { isValidDate } from '../../domain/sheet/dates';
import {
  ITEM_ID,
  NOTICE_COLOURS,
  type ItemListReading,
  type ItemState,
  type NoticeColour,
} from '../../domain/decisions/types';

export const ITEM_STATES: readonly ItemState[] = ['open', 'awaiting_confirmation', 'closed'];

export interface DecisionFilters {
  state: ItemState | null;
  /** A colour, or 'none': open items without one. */
  colour: NoticeColour | 'none' | null;
  /** A schedule unit id: items where it is responsible or cooperating. */
  unit: string | null;
}

function one(v: unknown): string | null {
  if (Array.isArray(v)) return one(v[0]);
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The filters of `?state=&colour=&unit=`; unknown values are ignored (no filter). */
export function decisionFilters(
  query: Record<string, unknown>,
  unitIds: readonly string[],
): DecisionFilters {
  const state = one(query.state);
  const colour = one(query.colour);
  const unit = one(query.unit);
  return {
    state: ITEM_STATES.find((s) => s === state) ?? null,
    colour: colour === 'none' ? 'none' : (NOTICE_COLOURS.find((c) => c === colour) ?? null),
    unit: unit !== null && unitIds.includes(unit) ? unit : null,
  };
}

export function matches(row: LedgerRow, f: DecisionFilters): boolean {
  if (f.state && row.state !== f.state) return false;
  if (f.colour === 'none' && (row.state !== 'open' || row.colour !== null)) return false;
  if (f.colour && f.colour !== 'none' && row.colour !== f.colour) return false;
  if (f.unit && !row.responsibleIds.includes(f.unit) && !row.cooperatingIds.includes(f.unit)) {
    return false;
  }
  return true;
}

export interface DecisionsPageView {
  /** Every item (counts are of all of them). */
  ledger: Ledger;
  /** The items the filters keep. */
  rows: LedgerRow[];
  filters: DecisionFilters;
}

export async function decisionsPage(
  deps: DecisionDeps,
  filters: DecisionFilters,
  now: Date,
): Promise<DecisionsPageView> {
  const ledger = await readLedger(deps, now);
  return { ledger, rows: ledger.rows.filter((r) => matches(r, filters)), filters };
}

/** One item as the ledger has it; null when the id is not an item's. */
export async function decisionPage(
  deps: DecisionDeps,
  id: string,
  now: Date,
): Promise<LedgerRow | null> {
  if (!ITEM_ID.test(id)) return null;
  const ledger = await readLedger(deps, now, [id]);
  return ledger.rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------
// The office's form: one item

export interface NewItemForm {
  meetingDate: string;
  meetingName: string;
  n: string;
  project: string;
  text: string;
  responsible: string[];
  cooperating: string[];
  due: string;
  note: string;
}

function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * The form as a list of one row, with units and project named as the schedule names them (so
 * recordItemList matches them as it matches a mailed list); or what is wrong with it (zh-CN).
 */
export function readingOfForm(
  form: NewItemForm,
  schedule: {
    units: ReadonlyArray<{ id: string; name: string }>;
    projects: ReadonlyArray<{ id: string; name: string }>;
  },
): { ok: true; reading: ItemListReading } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const unitName = new Map(schedule.units.map((u) => [u.id, u.name]));
  if (!isIsoDate(form.meetingDate)) problems.push('请填写会议日期。');
  const n = /^[1-9]\d{0,3}$/.test(form.n.trim()) ? Number(form.n.trim()) : null;
  if (n === null) problems.push('序号应为正整数。');
  if (form.text.trim() === '') problems.push('请填写议定事项。');
  const responsible = form.responsible.filter((u) => unitName.has(u));
  if (responsible.length === 0) problems.push('请选择至少一个责任单位。');
  const cooperating = form.cooperating.filter((u) => unitName.has(u) && !responsible.includes(u));
  if (!isIsoDate(form.due)) problems.push('请填写办结时限。');
  else if (isIsoDate(form.meetingDate) && form.due < form.meetingDate) {
    problems.push('办结时限不能早于会议日期。');
  }
  const project = form.project
    ? (schedule.projects.find((p) => p.id === form.project)?.name ?? null)
    : null;
  if (form.project && project === null) problems.push('所选项目不在配置中。');
  if (problems.length > 0 || n === null) return { ok: false, problems };
  return {
    ok: true,
    reading: {
      meeting: { name: form.meetingName.trim() || null, date: form.meetingDate },
      rows: [
        {
          n,
          cell: '',
          project,
          text: form.text.trim(),
          responsible: responsible.map((u) => unitName.get(u) ?? u),
          cooperating: cooperating.map((u) => unitName.get(u) ?? u),
          due: form.due,
          dueText: null,
          note: form.note.trim() || null,
        },
      ],
      issues: [],
    },
  };
}

/** What recording the form did, for the page after it (zh-CN). */
export function recordedZh(result: ItemListImport): string {
  const r = result.recorded;
  if (r.created.length > 0) return '已记录该议定事项。';
  if (r.updated.length > 0) return '该编号的议定事项已存在，已按表单更新。';
  return '该编号的议定事项已存在，内容未变。';
}
