/**
 * Whether the service keeps up: one judgement for `duban health` (everything that needs the
 * operator) and for /readyz (what makes the service ready: the database answers, Redis answers,
 * the watcher's last sync is fresh). Reads go through ports; `now` is passed in.
 */
import { lateness } from '../domain/mail-lateness';
import type { HealthReads, MailboxSync, RedisProbe } from './ports/operator-reads';

export interface HealthSettings {
  /** A mailbox not synced for this long is stalled (IMAP_STALL_MINUTES, default 10). */
  stallMinutes: number;
  /** The mail claim lease (MAIL_CLAIM_LEASE_MS): a mail waiting longer is late. */
  leaseMs: number;
  /** The IMAP account the service watches, or null when no mailbox is configured. */
  watchedAccount: string | null;
}

export interface HealthDeps {
  reads: HealthReads;
  redis: RedisProbe;
}

/** Messages stored longer than this without an outcome are a backlog. */
export const BACKLOG_AFTER_MS = 10 * 60_000;

export interface JudgedMailbox {
  account: string;
  mailbox: string;
  /** ISO text, as stored. */
  lastSuccessAt: string | null;
  lastError: string | null;
  stalled: boolean;
}

export interface SyncJudgement {
  mailboxes: JudgedMailbox[];
  /** A configured mailbox that has never synced is as bad as a stalled one. */
  neverSynced: boolean;
  fresh: boolean;
}

/** Whether the watcher's syncs are fresh: every mailbox synced within `stallMinutes`. */
export function judgeSync(
  syncs: readonly MailboxSync[],
  settings: Pick<HealthSettings, 'stallMinutes' | 'watchedAccount'>,
  now: Date,
): SyncJudgement {
  const mailboxes = syncs.map((b) => ({
    account: b.account,
    mailbox: b.mailbox,
    lastSuccessAt: b.lastSuccessAt?.toISOString() ?? null,
    lastError: b.lastError,
    stalled:
      !b.lastSuccessAt ||
      now.getTime() - b.lastSuccessAt.getTime() > settings.stallMinutes * 60_000,
  }));
  const neverSynced =
    settings.watchedAccount !== null &&
    !mailboxes.some((m) => m.account === settings.watchedAccount);
  return { mailboxes, neverSynced, fresh: !neverSynced && mailboxes.every((m) => !m.stalled) };
}

export interface LateMail {
  key: string;
  kind: string;
  status: string;
  ageMinutes: number;
  attempts: number;
  level: 'warn' | 'error';
  lastError: string | null;
}

/** Every mail queued longer ago than its window and not sent (nor failed for good). */
export async function lateMails(
  reads: HealthReads,
  leaseMs: number,
  now: Date,
): Promise<LateMail[]> {
  const pending = await reads.unsentMails(new Date(now.getTime() - leaseMs));
  return pending.map((m) => {
    const ageMs = now.getTime() - m.queuedAt.getTime();
    return {
      key: m.key,
      kind: m.kind,
      status: m.status,
      ageMinutes: Math.floor(ageMs / 60_000),
      attempts: m.attempts,
      level: lateness(ageMs, leaseMs) ?? 'warn',
      lastError: m.error,
    };
  });
}

export interface HealthReport {
  healthy: boolean;
  neverSynced: boolean;
  mailboxes: JudgedMailbox[];
  unprocessedMessages: number;
  unsentMails: number;
  lateMails: LateMail[];
  redis: { reachable: boolean; error: string | null };
}

/**
 * `duban health`: the mailbox sync, messages stored but not processed for over 10 minutes,
 * mails not sent in time, Redis. A database error is thrown (the CLI reports it by its code).
 */
export async function assessHealth(
  deps: HealthDeps,
  settings: HealthSettings,
  now: Date,
): Promise<HealthReport> {
  const sync = judgeSync(await deps.reads.mailboxSyncs(), settings, now);
  const unprocessed = await deps.reads.unprocessedCount(new Date(now.getTime() - BACKLOG_AFTER_MS));
  const late = await lateMails(deps.reads, settings.leaseMs, now);
  // Redis on its own line: its outage is never the mailbox's error (REDIS_UNAVAILABLE).
  const redis = await deps.redis.probe();
  return {
    healthy: sync.fresh && unprocessed === 0 && late.length === 0 && redis.reachable,
    neverSynced: sync.neverSynced,
    mailboxes: sync.mailboxes,
    unprocessedMessages: unprocessed,
    unsentMails: late.length,
    lateMails: late,
    redis,
  };
}

export interface Readiness {
  ready: boolean;
  /** One English line per thing that is not ready (empty when ready). */
  reasons: string[];
}

/**
 * /readyz: the database answers a query, Redis answers a PING, and the watcher's last sync is
 * fresh (as `duban health` judges it). A backlog or late mails are not part of it: they need
 * the operator (duban health, /metrics), not a restart or a load balancer taking the service out.
 */
export async function assessReadiness(
  deps: HealthDeps,
  settings: HealthSettings,
  now: Date,
): Promise<Readiness> {
  const [syncs, redis] = await Promise.all([
    deps.reads.mailboxSyncs().then(
      (rows) => ({ ok: true as const, rows }),
      (err: unknown) => ({ ok: false as const, error: messageOf(err) }),
    ),
    deps.redis.probe(),
  ]);
  const reasons: string[] = [];
  if (!syncs.ok) reasons.push(`database: ${syncs.error}`);
  if (!redis.reachable) reasons.push(`redis: unreachable (${redis.error ?? 'no answer'})`);
  if (syncs.ok) {
    const sync = judgeSync(syncs.rows, settings, now);
    if (sync.neverSynced) reasons.push(`watcher: ${settings.watchedAccount ?? ''} never synced`);
    for (const m of sync.mailboxes.filter((b) => b.stalled)) {
      reasons.push(
        `watcher: ${m.account}/${m.mailbox} last synced ${m.lastSuccessAt ?? 'never'} (stalled after ${settings.stallMinutes} min)`,
      );
    }
  }
  return { ready: reasons.length === 0, reasons };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
