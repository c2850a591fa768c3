/**
 * The digest's section 议定事项督办: the agreed items by where they stand at the digest's `now`
 * — red, yellow and blue (the one colour rule, src/domain/decisions/colour.ts), awaiting the
 * office's confirmation, and confirmed closed within the last CLOSED_WINDOW_DAYS days (a
 * 'confirmed' event in that window, the item still closed).
 */
import type { Schedule } from '../../config/schedule';
import { wallClock } from '../calendar';
import { followUpOf } from '../decisions/colour';
import type { AgreedItem, ItemFollowUp, ItemReport } from '../decisions/types';
import { oneLine } from '../one-line';
import { projectById, unitName } from '../programme';
import { formatDateZh, formatMonthDayZh } from '../zh/dates';
import type { DecisionFacts, ItemGroup, ItemLine, ItemsSection } from './types';

/** "Closed this week": confirmed within this many days before the digest's `now`. */
export const CLOSED_WINDOW_DAYS = 7;

const DAY_MS = 86_400_000;

export function itemsSection(
  schedule: Schedule,
  facts: DecisionFacts,
  now: Date,
): ItemsSection | null {
  if (facts.items.length === 0) return null;
  const since = now.getTime() - CLOSED_WINDOW_DAYS * DAY_MS;
  const confirmedAt = new Map<string, Date>();
  for (const e of facts.events) {
    const t = e.at.getTime();
    if (e.kind === 'confirmed' && t > since && t <= now.getTime()) confirmedAt.set(e.itemId, e.at);
  }
  const out: ItemsSection = {
    red: [],
    yellow: [],
    blue: [],
    awaiting: [],
    closedThisWeek: [],
    total: 0,
    onTrack: 0,
  };
  const tz = schedule.programme.timezone;
  for (const f of followUpOf(facts.items, facts.reports, now, schedule)) {
    const { item } = f;
    if (item.state === 'closed') {
      const at = confirmedAt.get(item.id);
      if (!at) continue;
      const day = wallClock(at, tz).date;
      out.closedThisWeek.push(itemLine(schedule, f, 'closed', `${formatMonthDayZh(day)}确认办结`));
    } else if (item.state === 'awaiting_confirmation') {
      out.awaiting.push(itemLine(schedule, f, 'awaiting', '责任单位已报办结，待办公室确认'));
    } else if (f.colour) {
      out[f.colour].push(itemLine(schedule, f, f.colour, f.why));
    } else {
      out.onTrack++;
    }
  }
  const byDue = (a: ItemLine, b: ItemLine) => a.due.localeCompare(b.due) || idOrder(a.id, b.id);
  for (const list of [out.red, out.yellow, out.blue, out.awaiting]) list.sort(byDue);
  out.total =
    out.red.length +
    out.yellow.length +
    out.blue.length +
    out.awaiting.length +
    out.closedThisWeek.length +
    out.onTrack;
  return out;
}

function idOrder(a: string, b: string): number {
  const [ad = '', an = '0'] = a.split('-');
  const [bd = '', bn = '0'] = b.split('-');
  return ad === bd ? Number(an) - Number(bn) : ad.localeCompare(bd);
}

function itemLine(
  schedule: Schedule,
  f: ItemFollowUp,
  group: ItemGroup,
  why: string | null,
): ItemLine {
  const { item } = f;
  return {
    id: item.id,
    group,
    project: projectLabel(schedule, item),
    text: item.text,
    units: item.responsibleUnits.map((u) => unitName(schedule, u)).join('、') || '—',
    dueLabel: formatDateZh(item.due),
    due: item.due,
    latest: latestLine(f.lastReport),
    why,
  };
}

function projectLabel(schedule: Schedule, item: AgreedItem): string {
  const p = item.projectId ? projectById(schedule, item.projectId) : null;
  return p?.name ?? item.projectAsWritten ?? '—';
}

/** "3月22日当周（交通运输局）：推进中；已完成征地公告" or "尚未报告". */
export function latestLine(r: ItemReport | null): string {
  if (!r) return '尚未报告';
  const parts = [r.status ?? '', oneLine(r.progress ?? '', 2000)].filter((p) => p !== '');
  return `${formatMonthDayZh(r.week)}当周：${parts.join('；') || '未填写'}`;
}
