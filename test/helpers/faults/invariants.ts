/**
 * What must hold after a fault run, read from what the outside world saw (the SMTP capture, the
 * service processes' log lines) and from the database with plain SQL (so the checks do not
 * depend on duban's storage code). Each invariant reports its own violations, by name, so a
 * failure says which promise was broken and for which mail.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { headerFields, type CapturedMail } from '../smtp';
import { checkLeases, type LeaseCounts } from './leases';
import { checkRetryDelay, redisErrorsOnMailbox, type RetryCounts } from './outages';
import type { FaultMail } from './mails';
import type { Supervisor } from './supervisor';

export const INVARIANTS = {
  stored: 'every appended mail is stored once',
  processed: 'every stored mail is processed',
  answered: 'every mail has its answer',
  answeredOnce:
    'no mail is answered twice, except an ambiguous mid-send one with the same Message-ID',
  auditedDuplicates: 'every possible duplicate is in the audit log',
  oneSubmission: 'one submission per message',
  latestCurrent: 'the current sheet of every (unit, week) is its latest arrival',
  noneUnsent: 'no outgoing mail is left claimed or unsent',
  leases: 'exactly one watcher and one scheduler hold the lease at any time',
  jsonLogs: 'every log line of the service is a JSON line',
  noCrash: 'no service process dies unless killed',
  retryDelay: 'a mail refused with 451 is tried again after about RETRY_DELAY_MS',
  redisNotMailbox: "a Redis outage is never recorded as the mailbox's error",
  faultsHappened: 'the planned faults happened (both failpoints were hit)',
} as const;
export type InvariantKey = keyof typeof INVARIANTS;

export interface FaultTally {
  afterSubmissionKills: number;
  afterDeliveryKills: number;
  leaseHolderKills: number;
  /** SIGKILLs at random moments (the bench): each may also leave a mail ambiguous. */
  randomKills: number;
  redisRestarts: number;
  dovecotRestarts: number;
  smtpWindows: number;
}

export interface FaultCounts {
  mails: number;
  stored: number;
  lost: number;
  storedTwice: number;
  unprocessed: number;
  answers: number;
  unanswered: number;
  duplicatesSameMessageId: number;
  duplicatesOtherMessageId: number;
  possibleDuplicateAudits: number;
  otherMails: number;
  submissions: number;
  wrongSubmissionCount: number;
  unitWeeks: number;
  wrongCurrent: number;
  unsentOutgoing: number;
  brokenLogLines: number;
  leases: LeaseCounts;
  retries: RetryCounts;
}

export interface FaultReport {
  counts: FaultCounts;
  tally: FaultTally;
  violations: Record<InvariantKey, string[]>;
}

export async function checkInvariants(input: {
  databaseUrl: string;
  mails: FaultMail[];
  captured: CapturedMail[];
  /** Messages the SMTP server refused (451 windows). */
  refused: CapturedMail[];
  redisPort: number;
  supervisor: Supervisor;
  tally: FaultTally;
  /** Service processes that died on their own (./plan.ts's keeper). */
  crashes: string[];
  /** Processes that run the watcher and scheduler roles (hold leases). */
  leaseProcesses: string[];
  /** Processes whose stderr is duban's JSON log. */
  serviceProcesses: string[];
}): Promise<FaultReport> {
  const v: Record<InvariantKey, string[]> = {
    stored: [],
    processed: [],
    answered: [],
    answeredOnce: [],
    auditedDuplicates: [],
    oneSubmission: [],
    latestCurrent: [],
    noneUnsent: [],
    leases: [],
    jsonLogs: [],
    noCrash: [...input.crashes],
    retryDelay: [],
    redisNotMailbox: [],
    faultsHappened: [],
  };
  if (input.tally.afterSubmissionKills === 0)
    v.faultsHappened.push('no process died at the after-submission failpoint');
  if (input.tally.afterDeliveryKills === 0)
    v.faultsHappened.push(
      'no process died at the after-delivery failpoint (DUBAN_FAILPOINT=after-delivery in sendMail)',
    );
  const client = new Client({ connectionString: input.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const raw = await rawMessagesOf(client, input.mails);
    const stored = [...raw.values()].filter((rows) => rows.length > 0).length;
    let storedTwice = 0;
    let unprocessed = 0;
    for (const mail of input.mails) {
      const rows = raw.get(mail.messageId) ?? [];
      if (rows.length === 0) v.stored.push(`${mail.messageId}: not stored`);
      if (rows.length > 1) {
        storedTwice++;
        v.stored.push(`${mail.messageId}: stored ${rows.length} times`);
      }
      for (const row of rows.filter((r) => r.outcome === null)) {
        unprocessed++;
        v.processed.push(`${mail.messageId} (raw message ${row.id}): not processed`);
      }
    }

    const answers = answersByOriginal(input.captured);
    let unanswered = 0;
    let sameId = 0;
    let otherId = 0;
    for (const mail of input.mails) {
      const ids = answers.byOriginal.get(mail.messageId) ?? [];
      if (ids.length === 0) {
        unanswered++;
        v.answered.push(`${mail.messageId}: no answer`);
      }
      const distinct = new Set(ids);
      otherId += distinct.size > 1 ? distinct.size - 1 : 0;
      sameId += ids.length - distinct.size;
      if (distinct.size > 1)
        v.answeredOnce.push(`${mail.messageId}: answered under ${distinct.size} Message-IDs`);
    }
    const ambiguous =
      input.tally.afterDeliveryKills + input.tally.randomKills + input.tally.leaseHolderKills;
    if (sameId > ambiguous) {
      v.answeredOnce.push(
        `${sameId} answers sent again with the same Message-ID, more than the ${ambiguous} kills that could leave a send ambiguous`,
      );
    }
    const audits = Number(
      (
        await client.query(
          `select count(*) as n from audit_log where event = 'mail.possible_duplicate'`,
        )
      ).rows[0]?.n ?? 0,
    );
    if (audits < sameId)
      v.auditedDuplicates.push(
        `${sameId} answers sent twice, ${audits} 'mail.possible_duplicate' audit events`,
      );

    const submissions = await submissionsOf(client);
    let wrongSubmissionCount = 0;
    for (const mail of input.mails) {
      for (const row of raw.get(mail.messageId) ?? []) {
        const n = submissions.filter((s) => s.raw_message_id === row.id).length;
        if (n !== 1) {
          wrongSubmissionCount++;
          v.oneSubmission.push(`${mail.messageId} (raw message ${row.id}): ${n} submissions`);
        }
      }
    }
    const { unitWeeks, wrong } = checkCurrent(submissions);
    v.latestCurrent.push(...wrong);

    const unsent = (
      await client.query<{ mail_key: string; status: string }>(
        `select mail_key, status from outgoing_mails where status <> 'sent' order by mail_key`,
      )
    ).rows;
    for (const row of unsent) v.noneUnsent.push(`${row.mail_key}: ${row.status}`);

    const leases = checkLeases(input.supervisor, input.leaseProcesses);
    v.leases.push(...leases.violations);
    const retries = checkRetryDelay(input.refused, input.captured);
    v.retryDelay.push(...retries.violations);
    v.redisNotMailbox.push(...(await redisErrorsOnMailbox(client, input.redisPort)));
    let brokenLogLines = 0;
    for (const i of input.supervisor.incarnations) {
      if (!input.serviceProcesses.includes(i.name) || i.nonJsonLines === 0) continue;
      brokenLogLines += i.nonJsonLines;
      v.jsonLogs.push(`${i.name}#${i.number}: ${i.nonJsonLines} lines that are not JSON`);
    }

    return {
      tally: input.tally,
      violations: v,
      counts: {
        mails: input.mails.length,
        stored,
        lost: input.mails.length - stored,
        storedTwice,
        unprocessed,
        answers: answers.total,
        unanswered,
        duplicatesSameMessageId: sameId,
        duplicatesOtherMessageId: otherId,
        possibleDuplicateAudits: audits,
        otherMails: answers.other,
        submissions: submissions.length,
        wrongSubmissionCount,
        unitWeeks,
        wrongCurrent: wrong.length,
        unsentOutgoing: unsent.length,
        brokenLogLines,
        leases: leases.counts,
        retries: retries.counts,
      },
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface RawRow {
  id: number;
  outcome: string | null;
}

/** The stored rows of each mail, found by its bytes' hash or (once processed) its Message-ID. */
async function rawMessagesOf(client: Client, mails: FaultMail[]): Promise<Map<string, RawRow[]>> {
  const rows = (
    await client.query<{
      id: string;
      sha256: string;
      message_id: string | null;
      outcome: string | null;
    }>('select id, sha256, message_id, outcome from raw_messages')
  ).rows;
  const out = new Map<string, RawRow[]>();
  for (const mail of mails) {
    const sha = createHash('sha256').update(mail.raw).digest('hex');
    out.set(
      mail.messageId,
      rows
        .filter((r) => r.sha256 === sha || r.message_id === mail.messageId)
        .map((r) => ({ id: Number(r.id), outcome: r.outcome })),
    );
  }
  return out;
}

/** Message-IDs of the answers to each original (by In-Reply-To), in the order received. */
export function answersByOriginal(captured: CapturedMail[]): {
  byOriginal: Map<string, string[]>;
  total: number;
  other: number;
} {
  const byOriginal = new Map<string, string[]>();
  let other = 0;
  for (const mail of captured) {
    const fields = headerFields(mail.raw);
    const value = (name: string): string | undefined =>
      fields
        .find((f) => f.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        ?.slice(name.length + 1)
        .trim();
    const original = value('In-Reply-To');
    const id = value('Message-ID') ?? '(none)';
    if (!original) {
      other++;
      continue;
    }
    byOriginal.set(original, [...(byOriginal.get(original) ?? []), id]);
  }
  return { byOriginal, total: captured.length - other, other };
}

export interface SubmissionRow {
  id: number;
  raw_message_id: number;
  unit_id: string;
  reporting_week: string;
  arrived_at: string;
  status: string;
  is_current: number;
}

async function submissionsOf(client: Client): Promise<SubmissionRow[]> {
  const rows = (
    await client.query<Record<keyof SubmissionRow, unknown>>(
      'select id, raw_message_id, unit_id, reporting_week, arrived_at, status, is_current from submissions',
    )
  ).rows;
  return rows.map((r) => ({
    id: Number(r.id),
    raw_message_id: Number(r.raw_message_id),
    unit_id: String(r.unit_id),
    reporting_week: String(r.reporting_week),
    arrived_at: String(r.arrived_at),
    status: String(r.status),
    is_current: Number(r.is_current),
  }));
}

/**
 * Per (unit, week) with an accepted sheet: exactly one current, and it is the latest arrival
 * among the accepted ones (arrival time, then raw message id). A rejected sheet never becomes
 * current.
 */
export function checkCurrent(rows: SubmissionRow[]): { unitWeeks: number; wrong: string[] } {
  const groups = new Map<string, SubmissionRow[]>();
  for (const row of rows) {
    const key = `${row.unit_id} ${row.reporting_week}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const wrong: string[] = [];
  for (const [key, group] of groups) {
    const accepted = group.filter((r) => r.status.startsWith('accepted'));
    const current = group.filter((r) => r.is_current === 1);
    const latest = accepted.reduce<SubmissionRow | null>(
      (best, r) =>
        !best ||
        Date.parse(r.arrived_at) > Date.parse(best.arrived_at) ||
        (Date.parse(r.arrived_at) === Date.parse(best.arrived_at) &&
          r.raw_message_id > best.raw_message_id)
          ? r
          : best,
      null,
    );
    const want = latest ? [latest.raw_message_id] : [];
    const got = current.map((r) => r.raw_message_id);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      wrong.push(
        `${key}: current is raw message ${got.join(', ') || 'none'}, latest arrival is ${want.join(', ') || 'none'}`,
      );
    }
  }
  return { unitWeeks: groups.size, wrong };
}
