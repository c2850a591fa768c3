/**
 * `duban decisions list --json`: every item as it stood at `now` (its state from its history),
 * with the supervision colour in force then (the strongest 督办单 issued while it is open) and
 * its last report, in the shape the issue fixed.
 */
import { itemAsOf } from '../../domain/decisions/as-of';
import { colourInForce, latestReport } from '../../domain/decisions/colour';
import type {
  AgreedItem,
  ItemProgress,
  ItemReport,
  ItemState,
  NoticeColour,
} from '../../domain/decisions/types';
import type { DecisionDeps } from './deps';

export interface DecisionListEntry {
  id: string;
  /** The meeting: { date, name }. */
  meeting: { date: string; name: string };
  /** The schedule project id, or null. */
  project: string | null;
  text: string;
  responsibleUnits: string[];
  cooperatingUnits: string[];
  due: string;
  state: ItemState;
  colour: NoticeColour | null;
  /** The newest report of a responsible unit, or null. */
  lastReport: {
    unit: string;
    week: string;
    progress: string | null;
    status: ItemProgress | null;
    reportedAt: string;
  } | null;
}

export async function decisionsList(
  deps: DecisionDeps,
  now: Date,
): Promise<{ decisions: DecisionListEntry[] }> {
  const events = await deps.decisions.events();
  const notices = await deps.decisions.notices();
  const items = (await deps.decisions.items())
    .map((item) => itemAsOf(item, events, now))
    .filter((item): item is AgreedItem => item !== null);
  const reports = (await deps.decisions.reports()).filter(
    (r) => r.reportedAt.getTime() <= now.getTime(),
  );
  const byItem = new Map<string, ItemReport[]>();
  for (const r of reports) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  const decisions = items.map((item) => {
    // The colour in force: the strongest 督办单 issued while the item is open (colour.ts).
    const colour = colourInForce(item, notices, now);
    const last = latestReport(
      (byItem.get(item.id) ?? []).filter((r) => item.responsibleUnits.includes(r.unitId)),
    );
    return {
      id: item.id,
      meeting: { date: item.meeting.date, name: item.meeting.name },
      project: item.projectId,
      text: item.text,
      responsibleUnits: [...item.responsibleUnits],
      cooperatingUnits: [...item.cooperatingUnits],
      due: item.due,
      state: item.state,
      colour,
      lastReport: last
        ? {
            unit: last.unitId,
            week: last.week,
            progress: last.progress,
            status: last.status,
            reportedAt: last.reportedAt.toISOString(),
          }
        : null,
    };
  });
  return { decisions };
}
