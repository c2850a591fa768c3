/**
 * What the assessment record (考评) reads besides the week reads and the decision store: the
 * mails sent to units (correction requests, reminders) and the targets every usable sheet
 * reported. The storage adapter answers it (src/adapters/storage/assessment-reads.ts).
 */
import type { SentMailFact, TargetReportSheet } from '../../domain/assessment/compute';

export type { SentMailFact, TargetReportSheet };

export interface AssessmentReads {
  /** Mails of these kinds sent to a unit in [since, before), oldest first. */
  sentMails(kinds: readonly string[], since: Date, before: Date): Promise<SentMailFact[]>;
  /**
   * Every usable sheet (every version, not only the current one) that arrived before `before`,
   * with the targets of its project blocks: a target reported 已完成 on time counts even when a
   * later version changed it.
   */
  targetReports(before: Date): Promise<TargetReportSheet[]>;
}
