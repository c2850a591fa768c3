/**
 * The daily follow-up run (the scheduler's `follow-up` job, `duban follow-up`): 交办 notices of
 * newly recorded items, the supervision notices (督办单) whose colour is due, and, when the
 * programme turns it on, the departments' weekly lists. Exactly once by their mail keys.
 * TODO(notices): implement.
 */
import type { FollowUpDeps } from './deps';

export interface FollowUpMailReport {
  key: string;
  kind: 'assignment' | 'notice' | 'departments';
  unitId: string;
  itemIds: string[];
  colour: 'blue' | 'yellow' | 'red' | null;
  to: string[];
  cc: string[];
  subject: string;
  outcome: string;
}

export interface FollowUpReport {
  mails: FollowUpMailReport[];
}

export async function runFollowUp(
  deps: FollowUpDeps,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<FollowUpReport> {
  void deps;
  void now;
  void options;
  throw new Error('runFollowUp is not implemented yet');
}
