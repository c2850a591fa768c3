/** Wiring for the agreed items' use cases: the DecisionStore port over a database. */
import { StorageDecisionStore } from '../adapters/storage/decision-store';
import type { Db } from '../adapters/storage';
import type { DecisionStore } from '../app/ports/decision-store';
import type { CalendarView } from '../domain/calendar';

/** `calendar` (the schedule) gives unitsWithOpenItems a week's deadline day. */
export function decisionStoreOver(db: Db, calendar?: CalendarView): DecisionStore {
  return new StorageDecisionStore(db, calendar);
}
