/**
 * A unit's open agreed items as its template lists them (the sheet 议定事项落实情况), each
 * pre-filled with the unit's own last answer: for every place a unit's template is written
 * (reminders, correction requests, `duban template`).
 */
import { latestReport } from '../../domain/decisions/colour';
import type { TemplateItem } from '../../domain/decisions/types';
import type { DecisionStore } from '../ports/decision-store';

/** Items still the unit's to report on: open, or reported done and not yet confirmed. */
const REPORTED_STATES = ['open', 'awaiting_confirmation'] as const;

export async function templateItemsFor(
  decisions: Pick<DecisionStore, 'items' | 'reports'>,
  unitId: string,
): Promise<TemplateItem[]> {
  const items = await decisions.items({ unitId, states: REPORTED_STATES });
  if (items.length === 0) return [];
  const reports = (await decisions.reports(items.map((i) => i.id))).filter(
    (r) => r.unitId === unitId,
  );
  return items.map((item) => {
    const last = latestReport(reports.filter((r) => r.itemId === item.id));
    return {
      id: item.id,
      text: item.text,
      due: item.due,
      progress: last?.progress ?? null,
      status: last?.status ?? null,
    };
  });
}
