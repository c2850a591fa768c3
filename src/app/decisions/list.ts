/**
 * `duban decisions list --json`: every item with its state and its colour at `now`, in the shape
 * the issue fixed. TODO(store): implement.
 */
import type { ItemProgress, ItemState, NoticeColour } from '../../domain/decisions/types';
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
  void deps;
  void now;
  throw new Error('decisionsList is not implemented yet');
}
