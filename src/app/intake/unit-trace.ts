/**
 * A message from a registered unit that is not a submission (an automatic mail, a mail forwarded
 * without a sheet, one that could not be read) still leaves a trace of the unit: its outcome is
 * recorded with the unit and the reporting week its arrival points to, so the office sees
 * "received, not usable" rather than "missing" (WeekReads.unusableMessagesOf).
 */
import { reportingCandidates, weeksBeforeArrival } from '../../domain/calendar';
import type { Unit } from '../../config/schedule';
import type { IntakeDeps } from './deps';
import type { IntakeOutcome } from './outcome';

/** Notes `unit` and the week its message's arrival points to in the outcome (null: nothing). */
export async function traceUnit(
  deps: Pick<IntakeDeps, 'store' | 'schedule'>,
  unit: Unit | null,
  arrival: Date,
  result: IntakeOutcome,
): Promise<void> {
  if (!unit) return;
  const digests = await deps.store.digestsSent(weeksBeforeArrival(arrival, deps.schedule));
  const { byArrival } = reportingCandidates(arrival, deps.schedule, (w) => digests.get(w) ?? null);
  result.unit = unit.id;
  result.week = byArrival.week;
}
