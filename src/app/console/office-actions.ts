/**
 * What the office may do with a held message (release it to a unit, reprocess it, dismiss it),
 * shared by the console and `duban quarantine release`. Each action is audited with who took it.
 */
import type { IntakeDeps } from '../intake/deps';
import type { OfficeReads, OfficeRecords } from '../ports/office-reads';

export const OFFICE_EVENTS = {
  released: 'message.released',
  reprocessed: 'message.reprocessed',
  dismissed: 'message.dismissed',
} as const;

export interface OfficeActionDeps {
  /** The intake's ports with the schedule in force (a reprocess reads the current schedule). */
  intake: IntakeDeps;
  reads: Pick<OfficeReads, 'message' | 'actionCount'>;
  records: OfficeRecords;
  /** Names the delivery attempts in their claims ("host:pid:console"). */
  claimedBy: string;
}

/** How the answer to an action went: the key it was queued under and whether it is new. */
export interface ActionAnswer {
  key: string | null;
  /** A new mail under the key, not one an earlier attempt had queued already. */
  queued: boolean;
  status: string | null;
}
