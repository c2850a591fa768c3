/**
 * The names of the assessment facts (AssessmentFacts without unit and score), in the record's
 * order: the keys the office may weight under `assessment.weights` in the schedule.
 */
import type { AssessmentFactName } from './types';

export const ASSESSMENT_FACT_NAMES = [
  'weeksExpected',
  'onTime',
  'late',
  'missing',
  'notUsable',
  'correctionsRequested',
  'reminders',
  'escalations',
  'targetsDue',
  'targetsMetOnTime',
  'targetsOverdue',
  'itemsAssigned',
  'itemsClosedOnTime',
  'itemsClosedLate',
  'itemsOpen',
  'itemsOverdue',
  'noticesBlue',
  'noticesYellow',
  'noticesRed',
] as const satisfies readonly AssessmentFactName[];

// Every fact is listed: a fact added to AssessmentFacts without a name here fails to compile.
type Unlisted = Exclude<AssessmentFactName, (typeof ASSESSMENT_FACT_NAMES)[number]>;
const everyFactListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFactListed;

export function isAssessmentFactName(name: string): name is AssessmentFactName {
  return (ASSESSMENT_FACT_NAMES as readonly string[]).includes(name);
}
