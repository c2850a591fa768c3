/**
 * `duban decisions list --json`: every item with its state and its colour at `now`, in the shape
 * the issue fixed.
 */
import { followUpOf, latestReport } from '../../domain/decisions/colour';
import type {
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
  const items = await deps.decisions.items();
  const reports = await deps.decisions.reports();
  const byItem = new Map<string, ItemReport[]>();
  for (const r of reports) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  const decisions = followUpOf(items, reports, now, deps.schedule).map(({ item, colour }) => {
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
