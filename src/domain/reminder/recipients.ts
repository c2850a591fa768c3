/** To whom a reminder stage goes for a unit (programme.ts resolves the audiences). */
import type { ReminderStage, Schedule, Unit } from '../../config/schedule';
import { recipientsOf, type Recipient, type Recipients } from '../programme';

export type { Recipient };
export type ReminderRecipients = Recipients;

/**
 * The addresses a stage goes to for a unit, each once (an address in "to" is not copied again).
 * When "to" resolves to nobody but "cc" does not, the copies become the addressees.
 */
export function recipientsFor(
  stage: ReminderStage,
  unit: Unit,
  schedule: Schedule,
): ReminderRecipients {
  const { to, cc } = recipientsOf(schedule, stage, unit);
  return to.length === 0 ? { to: cc, cc: [] } : { to, cc };
}
