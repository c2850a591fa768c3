/**
 * The ledger of agreed items (督办台账) at `now`, read through the DecisionStore: `duban ledger`,
 * the console's /ledger and /decisions pages.
 */
import { buildLedger, type Ledger } from '../../domain/decisions/ledger';
import type { DecisionDeps } from './deps';

/** The ledger of every item (or only `ids`). */
export async function readLedger(
  deps: DecisionDeps,
  now: Date,
  ids?: readonly string[],
): Promise<Ledger> {
  const store = deps.decisions;
  const items = await store.items(ids ? { ids } : {});
  const which = items.map((i) => i.id);
  const [reports, events, notices] = await Promise.all([
    store.reports(which),
    store.events(which),
    store.notices(which),
  ]);
  return buildLedger({ items, reports, events, notices }, now, deps.schedule);
}
