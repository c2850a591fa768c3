/** Wiring for the agreed items' use cases: the DecisionStore port over a database. */
import { StorageDecisionStore } from '../adapters/storage/decision-store';
import type { Db } from '../adapters/storage';
import type { DecisionStore } from '../app/ports/decision-store';

export function decisionStoreOver(db: Db): DecisionStore {
  return new StorageDecisionStore(db);
}
