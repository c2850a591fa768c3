/**
 * The /ops page's view model: the watcher's syncs and last errors, the queues, the failed jobs,
 * the mails not sent in time and the version. Redis may be down while the page is read: the
 * queue part then carries the error instead of failing the page.
 */
import type { FailedJob, HealthReads, QueueCount, QueueReads } from '../ports/operator-reads';
import { judgeSync, lateMails, type HealthSettings, type LateMail } from '../service-health';

export interface OpsDeps {
  reads: HealthReads;
  queues: QueueReads;
  settings: HealthSettings;
  /** package.json's version. */
  version: string;
}

export interface OpsMailbox {
  account: string;
  mailbox: string;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  stalled: boolean;
}

export interface OpsView {
  version: string;
  mailboxes: OpsMailbox[];
  /** The configured account when it has never synced. */
  neverSynced: string | null;
  stallMinutes: number;
  queues: { counts: QueueCount[]; failed: FailedJob[] } | { error: string };
  lateMails: LateMail[];
}

export const FAILED_JOBS_SHOWN = 50;

export async function buildOpsView(deps: OpsDeps, now: Date): Promise<OpsView> {
  const syncs = await deps.reads.mailboxSyncs();
  const judged = judgeSync(syncs, deps.settings, now);
  const mailboxes = syncs.map((s, i) => ({
    account: s.account,
    mailbox: s.mailbox,
    lastSuccessAt: s.lastSuccessAt,
    lastError: s.lastError,
    lastErrorAt: s.lastErrorAt,
    stalled: judged.mailboxes[i]?.stalled ?? true,
  }));
  let queues: OpsView['queues'];
  try {
    queues = {
      counts: await deps.queues.counts(),
      failed: await deps.queues.failedJobs(FAILED_JOBS_SHOWN),
    };
  } catch (err) {
    queues = { error: err instanceof Error ? err.message : String(err) };
  }
  return {
    version: deps.version,
    mailboxes,
    neverSynced: judged.neverSynced ? deps.settings.watchedAccount : null,
    stallMinutes: deps.settings.stallMinutes,
    queues,
    lateMails: await lateMails(deps.reads, deps.settings.leaseMs, now),
  };
}
