/**
 * Building the assessment record (考评) for a period: reads the weeks' submissions, the mails
 * sent, the targets reported and the agreed items through the ports, and counts them
 * (src/domain/assessment/compute.ts). Read-only.
 */
import type { Schedule } from '../../config/schedule';
import {
  computeAssessment,
  CORRECTION_KINDS,
  periodBounds,
  periodWeeks,
  REMINDER_KIND,
  type AssessmentWeek,
} from '../../domain/assessment/compute';
import type { AssessmentRecord } from '../../domain/assessment/types';
import type { AssessmentReads } from '../ports/assessment-reads';
import type { DecisionStore } from '../ports/decision-store';
import type { WeekReads } from '../ports/week-reads';

export interface AssessmentDeps {
  weeks: Pick<WeekReads, 'submissionFacts' | 'digestSentAt'>;
  decisions: Pick<DecisionStore, 'items' | 'events' | 'notices' | 'unitsWithOpenItems'>;
  reads: AssessmentReads;
}

export interface AssessmentRequest {
  schedule: Schedule;
  /** ISO dates, checked by the caller (checkPeriod). */
  from: string;
  to: string;
  now: Date;
}

export async function buildAssessment(
  deps: AssessmentDeps,
  req: AssessmentRequest,
): Promise<AssessmentRecord> {
  const { schedule, from, to, now } = req;
  const { start, end } = periodBounds(schedule, from, to, now);
  const weeks: AssessmentWeek[] = [];
  for (const week of periodWeeks(schedule, from, to, now)) {
    weeks.push({
      week,
      facts: await deps.weeks.submissionFacts(week),
      digestSentAt: await deps.weeks.digestSentAt(week),
      itemUnits: await deps.decisions.unitsWithOpenItems(week),
    });
  }
  const mails = await deps.reads.sentMails([...CORRECTION_KINDS, REMINDER_KIND], start, end);
  const sheets = await deps.reads.targetReports(end);
  const items = await deps.decisions.items();
  const events = await deps.decisions.events();
  const notices = await deps.decisions.notices();
  return computeAssessment({
    schedule,
    from,
    to,
    now,
    weeks,
    mails,
    sheets,
    items,
    events,
    notices,
  });
}
