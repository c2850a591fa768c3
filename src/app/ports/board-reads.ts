/**
 * The board reads port: what the console's read-only pages (the week board, a unit's page, a
 * project's page, the departments) read, in the domain's words. The storage adapter answers it
 * (src/adapters/storage/board-reads.ts).
 */
import type { ReportedProject, SheetIssueFact, WeekReports } from '../../domain/digest';
import type { CloudLinkFact } from '../../domain/intake/cloud-link-issue';
import type { WeekReads } from './week-reads';

/** The file a version was read from (its attachment), for a download link. */
export interface SheetFile {
  attachmentId: number;
  filename: string | null;
}

/** One received version of a unit's sheet, with what was read from it. */
export interface UnitVersionRecord {
  submissionId: number;
  week: string;
  arrivedAt: Date;
  /** 'accepted' | 'accepted_with_warnings' | 'rejected' */
  status: string;
  late: boolean;
  isCurrent: boolean;
  file: SheetFile | null;
  issues: SheetIssueFact[];
  /** For an unusable version: its first error code and the cloud links its mail carried. */
  reason: string | null;
  cloudLinks: CloudLinkFact[];
  projects: ReportedProject[];
}

/** A mail duban sent (or queued) to a unit, with its plain-text part. */
export interface UnitMailRecord {
  id: number;
  /** 'reply' (receipt, correction request) | 'reminder' | … */
  kind: string;
  subject: string;
  status: string;
  week: string | null;
  createdAt: Date;
  sentAt: Date | null;
  to: string[];
  /** The stored text part, or null when the mail was refused before it was built. */
  text: string | null;
}

export interface BoardReads extends Pick<
  WeekReads,
  'submissionFacts' | 'remindersSent' | 'digestSentAt' | 'currentSheets' | 'unitsWithOpenItems'
> {
  /** The files the given submissions were read from, by submission id. */
  sheetFiles(submissionIds: readonly number[]): Promise<Map<number, SheetFile>>;
  /** Every version of the unit's sheets in `weeks`, latest arrival first. */
  unitVersions(unitId: string, weeks: readonly string[]): Promise<UnitVersionRecord[]>;
  /** The mails to the unit, newest first, at most `limit`. */
  mailsToUnit(unitId: string, limit: number): Promise<UnitMailRecord[]>;
  /**
   * The current usable sheets of each week that report the project (each with that project's
   * block only), in the order of `weeks`.
   */
  projectReports(projectId: string, weeks: readonly string[]): Promise<WeekReports[]>;
}
