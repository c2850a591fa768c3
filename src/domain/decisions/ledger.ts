/**
 * The ledger of agreed items (督办台账): one row per item at `now` — its meeting, project, text,
 * units, time limit, state and current colour — with its whole history in date order: every
 * week's report, every notice queued (交办, 督办单, 退回) and every event (recorded, updated,
 * reported done, confirmed, sent back, reopened). Pure: read by `duban ledger` (text and xlsx)
 * and the console's /ledger and /decisions pages.
 */
import type { Schedule } from '../../config/schedule';
import { wallClock } from '../calendar';
import { formatDateZh, weekLabelZh } from '../zh/dates';
import { mailStatusLabel } from '../mail/status-labels';
import { itemAsOf } from './as-of';
import { colourInForce, followUpOf, type FollowUpView } from './colour';
import type {
  AgreedItem,
  ItemEvent,
  ItemEventKind,
  ItemNoticeRecord,
  ItemProgress,
  ItemReport,
  ItemState,
  Meeting,
  NoticeColour,
} from './types';

export type LedgerView = FollowUpView & Pick<Schedule, 'units' | 'projects'>;

export const STATE_ZH: Record<ItemState, '未办结' | '待确认' | '已办结'> = {
  open: '未办结',
  awaiting_confirmation: '待确认',
  closed: '已办结',
};

export const COLOUR_ZH: Record<NoticeColour, '蓝色' | '黄色' | '红色'> = {
  blue: '蓝色',
  yellow: '黄色',
  red: '红色',
};

export const EVENT_ZH: Record<ItemEventKind, string> = {
  recorded: '记录',
  updated: '更新',
  reported_done: '报告办结',
  confirmed: '确认办结',
  sent_back: '退回',
  reopened: '重新打开',
};

const FIELD_ZH: Record<string, string> = {
  meeting: '会议',
  projectId: '所属项目',
  projectAsWritten: '所属项目（原文）',
  text: '议定事项',
  responsibleUnits: '责任单位',
  cooperatingUnits: '配合单位',
  unmatchedUnits: '未匹配单位',
  due: '办结时限',
  note: '备注',
};

/** One line of an item's history. `what` is the kind's zh-CN label; `text` the whole line. */
export type LedgerEntry =
  | {
      kind: 'report';
      at: Date;
      /** The calendar date in the programme's time zone. */
      date: string;
      what: '周报';
      week: string;
      unitId: string;
      unit: string;
      progress: string | null;
      status: ItemProgress | null;
      text: string;
    }
  | {
      kind: 'notice';
      at: Date;
      date: string;
      /** 交办 / 蓝色督办单 / 黄色督办单 / 红色督办单 / 退回通知 */
      what: string;
      notice: ItemNoticeRecord['kind'];
      colour: NoticeColour | null;
      unitId: string;
      to: string;
      status: string;
      text: string;
    }
  | {
      kind: 'event';
      at: Date;
      date: string;
      what: string;
      event: ItemEventKind;
      by: string;
      note: string | null;
      changes: Array<{ field: string; before: string; after: string }>;
      text: string;
    };

export interface LedgerRow {
  id: string;
  meeting: Meeting;
  /** 所属项目: the project's name, else as written, else null. */
  project: string | null;
  text: string;
  responsible: string[];
  cooperating: string[];
  /** The schedule unit ids behind `responsible` and `cooperating`. */
  responsibleIds: string[];
  cooperatingIds: string[];
  due: string;
  note: string | null;
  state: ItemState;
  stateZh: '未办结' | '待确认' | '已办结';
  colour: NoticeColour | null;
  /** Why it shows its colour (zh-CN), or null. */
  why: string | null;
  /** The date it was confirmed closed (programme time zone), or null. */
  closedOn: string | null;
  history: LedgerEntry[];
}

export interface Ledger {
  /** The programme's date at `now` (截至). */
  asOf: string;
  rows: LedgerRow[];
  counts: {
    total: number;
    open: number;
    awaiting: number;
    closed: number;
    red: number;
    yellow: number;
    blue: number;
  };
}

/** Who did it, as the ledger shows it ("unit:jiaoyu" → 区教育局; "cli" → 命令行). */
export function actorZh(by: string, unitName: (id: string) => string): string {
  const i = by.indexOf(':');
  const kind = i < 0 ? by : by.slice(0, i);
  const who = i < 0 ? '' : by.slice(i + 1);
  switch (kind) {
    case 'unit':
      return unitName(who);
    case 'cli':
      return '命令行';
    case 'console':
      return `${who}（控制台）`;
    case 'office':
      return `${who}（邮件）`;
    default:
      return by;
  }
}

function noticeWhat(n: ItemNoticeRecord): string {
  if (n.kind === 'assignment') return '交办';
  if (n.kind === 'sendback') return '退回通知';
  return n.colour ? `${COLOUR_ZH[n.colour]}督办单` : '督办单';
}

function valueZh(
  field: string,
  v: unknown,
  unitName: (id: string) => string,
  projectName: (id: string) => string,
): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (field === 'responsibleUnits' || field === 'cooperatingUnits') {
    return Array.isArray(v) ? v.map((x) => unitName(String(x))).join('、') || '（空）' : String(v);
  }
  if (field === 'projectId') return projectName(String(v));
  if (field === 'due' && typeof v === 'string') return formatDateZh(v);
  if (field === 'meeting' && typeof v === 'object') {
    const m = v as Partial<Meeting>;
    return `${m.name ?? ''}${m.date ? `（${formatDateZh(m.date)}）` : ''}`;
  }
  if (Array.isArray(v)) return v.join('、');
  return String(v);
}

const ORDER: Record<LedgerEntry['kind'], number> = { event: 0, notice: 1, report: 2 };

/** The ledger at `now`: items in id order, each with its history oldest first. */
export function buildLedger(
  input: {
    items: readonly AgreedItem[];
    reports: readonly ItemReport[];
    events: readonly ItemEvent[];
    notices: readonly ItemNoticeRecord[];
  },
  now: Date,
  schedule: LedgerView,
): Ledger {
  const tz = schedule.programme.timezone;
  const dateOf = (d: Date): string => wallClock(d, tz).date;
  const units = new Map(schedule.units.map((u) => [u.id, u.name]));
  const projects = new Map(schedule.projects.map((p) => [p.id, p.name]));
  const unitName = (id: string): string => units.get(id) ?? id;
  const projectName = (id: string): string => projects.get(id) ?? id;
  const group = <T extends { itemId: string }>(xs: readonly T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(x.itemId, [...(m.get(x.itemId) ?? []), x]);
    return m;
  };
  const reports = group(input.reports);
  const events = group(input.events);
  const notices = group(input.notices);
  // Each item as it stood at `now`, with the colour in force then (the strongest 督办单 issued
  // while it is open); the rule's reason is given when it still holds.
  const asOf = input.items
    .map((item) => itemAsOf(item, input.events, now))
    .filter((item): item is AgreedItem => item !== null);
  const followUps = followUpOf(asOf, input.reports, now, schedule).map((f) => {
    const colour = colourInForce(f.item, input.notices, now);
    const why =
      colour === null ? null : f.colour === colour ? f.why : `已发出${COLOUR_ZH[colour]}督办单`;
    return { item: f.item, colour, why };
  });

  const rows = followUps.map(({ item, colour, why }): LedgerRow => {
    const history: LedgerEntry[] = [];
    for (const r of reports.get(item.id) ?? []) {
      const unit = unitName(r.unitId);
      history.push({
        kind: 'report',
        at: r.reportedAt,
        date: dateOf(r.reportedAt),
        what: '周报',
        week: r.week,
        unitId: r.unitId,
        unit,
        progress: r.progress,
        status: r.status,
        text: `${weekLabelZh(r.week)}，${unit}报：${r.progress?.trim() || '（未填写落实情况）'}；是否办结：${r.status ?? '（未填写）'}`,
      });
    }
    for (const n of notices.get(item.id) ?? []) {
      const at = n.sentAt ?? n.queuedAt;
      const what = noticeWhat(n);
      const to = unitName(n.unitId);
      history.push({
        kind: 'notice',
        at,
        date: dateOf(at),
        what,
        notice: n.kind,
        colour: n.colour,
        unitId: n.unitId,
        to,
        status: n.status,
        text: `${what}发送${to}（${mailStatusLabel(n.status)}）`,
      });
    }
    for (const e of events.get(item.id) ?? []) {
      const what = EVENT_ZH[e.kind];
      const by = actorZh(e.by, unitName);
      const changes = Object.entries(e.changes ?? {}).map(([field, [before, after]]) => ({
        field: FIELD_ZH[field] ?? field,
        before: valueZh(field, before, unitName, projectName),
        after: valueZh(field, after, unitName, projectName),
      }));
      const detail = [
        ...changes.map((c) => `${c.field}由“${c.before}”改为“${c.after}”`),
        ...(e.note?.trim() ? [`说明：${e.note.trim()}`] : []),
      ].join('；');
      history.push({
        kind: 'event',
        at: e.at,
        date: dateOf(e.at),
        what,
        event: e.kind,
        by,
        note: e.note,
        changes,
        text: `${what}（${by}）${detail ? `：${detail}` : ''}`,
      });
    }
    history.sort((a, b) => a.at.getTime() - b.at.getTime() || ORDER[a.kind] - ORDER[b.kind]);
    return {
      id: item.id,
      meeting: item.meeting,
      project: item.projectId ? projectName(item.projectId) : item.projectAsWritten,
      text: item.text,
      responsible: item.responsibleUnits.map(unitName),
      cooperating: item.cooperatingUnits.map(unitName),
      responsibleIds: [...item.responsibleUnits],
      cooperatingIds: [...item.cooperatingUnits],
      due: item.due,
      note: item.note,
      state: item.state,
      stateZh: STATE_ZH[item.state],
      colour,
      why,
      closedOn: item.state === 'closed' && item.closedAt ? dateOf(item.closedAt) : null,
      history,
    };
  });
  const count = (p: (r: LedgerRow) => boolean): number => rows.filter(p).length;
  return {
    asOf: dateOf(now),
    rows,
    counts: {
      total: rows.length,
      open: count((r) => r.state === 'open'),
      awaiting: count((r) => r.state === 'awaiting_confirmation'),
      closed: count((r) => r.state === 'closed'),
      red: count((r) => r.colour === 'red'),
      yellow: count((r) => r.colour === 'yellow'),
      blue: count((r) => r.colour === 'blue'),
    },
  };
}

/** The item's colour or state as one label: 红色 / 黄色 / 蓝色 / 待确认 / 已办结 / 正常. */
export function markZh(row: Pick<LedgerRow, 'state' | 'colour'>): string {
  if (row.state === 'closed') return '已办结';
  if (row.state === 'awaiting_confirmation') return '待确认';
  return row.colour ? COLOUR_ZH[row.colour] : '正常';
}
