/**
 * The week reads port: everything the status, the reminders and the digest read about a
 * reporting week, in the domain's words. The storage adapter answers it
 * (src/adapters/storage/week-reads.ts); the use cases never see a table.
 */
import type {
  QuarantinedFact,
  ReportedSheet,
  UnsentMailFact,
  WeekReports,
} from '../../domain/digest';
import type { RejectedVersion } from '../../domain/reminders';
import type { UnusableMessageFact } from '../../domain/unusable-message';
import type { SubmissionFact } from '../../domain/week-status';

/** A reminder stage that went out to a unit. */
export interface SentReminder {
  unitId: string;
  stage: string;
}

/** One edition of a week's digest as queued or sent, under its mail key. */
export interface DigestEditionRecord {
  key: string;
  status: 'queued' | 'claimed' | 'sent' | 'failed' | 'retrying';
  sentAt: Date | null;
}

export interface WeekReads {
  /** Every version of every unit's sheet for the week, with the schedule projects each reported. */
  submissionFacts(week: string): Promise<SubmissionFact[]>;
  /** When the week's digest first went out, or null. */
  digestSentAt(week: string): Promise<Date | null>;
  /**
   * Units with an open agreed item during the week (DecisionStore.unitsWithOpenItems): expected
   * to send a sheet (its section 议定事项落实情况) like the lead units.
   */
  unitsWithOpenItems(week: string): Promise<string[]>;
  /** The reminder stages sent to units for the week. */
  remindersSent(week: string): Promise<SentReminder[]>;
  /** Every edition of the week's digest that was queued or sent (any order). */
  digestEditions(week: string): Promise<DigestEditionRecord[]>;
  /** The current usable sheets of each week, with their content, in the order of `weeks`. */
  currentSheets(weeks: readonly string[]): Promise<WeekReports[]>;
  /** The unit's current sheet of the week with its content, or null when it has no usable one. */
  currentSheetOf(unitId: string, week: string): Promise<ReportedSheet | null>;
  /** The unit's unusable versions of the week with their error codes, oldest first. */
  rejectedVersions(week: string, unitId: string): Promise<RejectedVersion[]>;
  /**
   * Messages from registered units attributed to the week that brought no submission (automatic
   * mail, forwarded without a sheet, too large, unreadable), oldest first.
   */
  unusableMessagesOf(week: string): Promise<UnusableMessageFact[]>;
  /** Messages held back for the office, received up to `upTo`, newest first. */
  heldMessages(upTo: Date): Promise<QuarantinedFact[]>;
  /** How many stored messages received before `before` have no outcome yet. */
  unprocessedCount(before: Date): Promise<number>;
  /** Mails failed or waiting to retry, of the week or created since `since`, up to `upTo`. */
  unsentMails(week: string, since: Date, upTo: Date): Promise<UnsentMailFact[]>;
}
