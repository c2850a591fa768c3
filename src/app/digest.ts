/**
 * The Monday digest from the database: `buildDigest` reads the week (submissions, their content,
 * the earlier weeks' for the marks, reminders, the office's pending mail) and renders the three
 * forms; `sendDigest` sends it to the digest's audiences through the outbox, exactly once per
 * version.
 *
 * Versions. Each send of a week's digest is a version, keyed `digest:<week>:v<n>`. A send makes
 * version 1 + the latest version that went out (or failed for good: a rebuilt mail, e.g. after an
 * address was corrected in the schedule, needs a new key). When the latest version was queued but
 * has not gone out yet (a crash after queueing, an SMTP server that asked to retry), a send
 * delivers that queued version as it was composed instead of making a new one: a retried send is
 * never a second mail. Version 2 and later are labelled 更新版 in the subject and the opening when
 * an earlier version did go out.
 */
import type { OutgoingMail, SendOutcome } from '../adapters/mail/send';
import { writeDigestWorkbook } from '../adapters/excel/digest-workbook';
import {
  digestMails,
  digestSentAt,
  quarantinedMessages,
  remindersSent,
  toTimestamp,
  unprocessedMessages,
  weekSubmissionFacts,
  type Db,
} from '../adapters/storage';
import type { Schedule } from '../config/schedule';
import { recipientsOf, type Recipients } from '../domain/programme';
import {
  buildDigestModel,
  lookbackWeeks,
  renderDigestHtml,
  renderDigestText,
  type DigestModel,
  type OfficeFacts,
  type ReportedSheet,
  type UnsentMailFact,
  type WeekReports,
} from '../domain/digest';
import { digestKey, digestKeyPrefix, parseMailKey } from '../domain/mail-key';
import { isUsable } from '../domain/week-status';
import type { TargetStatus } from '../domain/sheet/parse';
import {
  deliverQueued,
  enqueueComposed,
  queuedMail,
  storedMail,
  type DeliverDeps,
} from './intake/outbox';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Stored messages without an outcome for this long are reported to the office. */
const UNPROCESSED_AFTER_MS = 10 * 60_000;
/** Unsent mails of the last days are reported (besides those of the week itself). */
const UNSENT_WINDOW_MS = 7 * 86_400_000;

export interface DigestBuild {
  model: DigestModel;
  subject: string;
  html: string;
  text: string;
  xlsx: Buffer;
  attachmentName: string;
  version: number;
}

export interface DigestBuildOptions {
  /** The version to build (default: the one a send would make now). */
  version?: number;
  /** When an earlier version went out (default: read from the database). */
  previousSentAt?: Date | null;
}

export { digestKey };

// ---------------------------------------------------------------------------------------------
// Versions

export interface DigestVersionState {
  version: number;
  /** 'queued' when composed and queued but never claimed for sending. */
  status: 'queued' | 'claimed' | 'sent' | 'failed' | 'retrying';
  sentAt: Date | null;
}

/** Every version of a week's digest that was queued or sent, oldest first. */
export async function digestVersions(db: Db, week: string): Promise<DigestVersionState[]> {
  const mails = await digestMails(db, digestKeyPrefix(week));
  const byVersion = new Map<number, DigestVersionState>();
  const versionOf = (key: string): number | null => {
    const parsed = parseMailKey(key);
    return parsed?.kind === 'digest' && parsed.week === week ? parsed.version : null;
  };
  for (const o of mails) {
    const v = versionOf(o.key);
    if (v !== null) byVersion.set(v, { version: v, status: o.status, sentAt: o.sentAt });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

export interface DigestEditionChoice {
  version: number;
  /** True: that version is queued and not out yet; deliver it as composed. */
  retry: boolean;
  /** When the latest earlier version went out. */
  previousSentAt: Date | null;
}

/** Which version a send makes now (see the module comment). */
export function nextDigestEdition(versions: readonly DigestVersionState[]): DigestEditionChoice {
  const latest = versions[versions.length - 1];
  const version =
    latest === undefined
      ? 1
      : latest.status === 'sent' || latest.status === 'failed'
        ? latest.version + 1
        : latest.version;
  return {
    version,
    retry: latest !== undefined && version === latest.version,
    previousSentAt: sentBefore(versions, version),
  };
}

function sentBefore(versions: readonly DigestVersionState[], version: number): Date | null {
  let at: Date | null = null;
  for (const v of versions) {
    if (v.version < version && v.status === 'sent' && v.sentAt) at = v.sentAt;
  }
  return at;
}

// ---------------------------------------------------------------------------------------------
// Reading the week

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const STATUSES: readonly string[] = ['done', 'in_progress', 'not_started'];

/** The current usable sheets of each week, with their content. */
export async function weekReports(db: Db, weeks: readonly string[]): Promise<WeekReports[]> {
  if (weeks.length === 0) return [];
  const subs = await db.kysely
    .selectFrom('submissions')
    .select(['id', 'unit_id', 'reporting_week', 'arrived_at', 'status', 'issues_json'])
    .where('reporting_week', 'in', [...weeks])
    .where('is_current', '=', 1)
    .orderBy('id')
    .execute();
  const usable = subs.filter((s) => isUsable(s.status));
  const projects =
    usable.length === 0
      ? []
      : await db.kysely
          .selectFrom('submission_projects')
          .selectAll()
          .where(
            'submission_id',
            'in',
            usable.map((s) => s.id),
          )
          .orderBy('submission_id')
          .orderBy('ordinal')
          .execute();
  const targets =
    projects.length === 0
      ? []
      : await db.kysely
          .selectFrom('submission_targets')
          .selectAll()
          .where(
            'submission_project_id',
            'in',
            projects.map((p) => p.id),
          )
          .orderBy('submission_project_id')
          .orderBy('ordinal')
          .execute();
  // Grouped once: filtering every list per submission and per project grows with the square
  // of a large programme's history (500 projects × 13 weeks).
  const projectsBySubmission = groupBy(projects, (p) => p.submission_id);
  const targetsByProject = groupBy(targets, (t) => t.submission_project_id);
  const sheets: Array<ReportedSheet & { week: string }> = usable.map((s) => ({
    week: s.reporting_week,
    submissionId: s.id,
    unitId: s.unit_id,
    arrivedAt: new Date(s.arrived_at),
    status: s.status,
    issues: parseJson<unknown[]>(s.issues_json, []).flatMap((i) => {
      const o = (i ?? {}) as Record<string, unknown>;
      return typeof o.code === 'string' && typeof o.message === 'string'
        ? [
            {
              severity: typeof o.severity === 'string' ? o.severity : 'warning',
              code: o.code,
              cell: typeof o.cell === 'string' ? o.cell : null,
              message: o.message,
            },
          ]
        : [];
    }),
    projects: (projectsBySubmission.get(s.id) ?? []).map((p) => ({
      projectId: p.project_id,
      nameAsWritten: p.name_as_written,
      leadUnits: strings(parseJson(p.lead_units_json, [])),
      problems: {
        approval: p.problems_approval,
        funding: p.problems_funding,
        land: p.problems_land,
        construction: p.problems_construction,
        community: p.problems_community,
      },
      uncategorizedProblems: p.uncategorized_problems,
      responsibleDepartments: strings(parseJson(p.responsible_departments_json, [])),
      progress: p.progress,
      nextSteps: p.next_steps,
      targets: (targetsByProject.get(p.id) ?? []).map((t) => ({
        text: t.text,
        due: t.due,
        dueText: t.due_text,
        status: t.status && STATUSES.includes(t.status) ? (t.status as TargetStatus) : null,
      })),
    })),
  }));
  return weeks.map((week) => ({
    week,
    sheets: sheets.filter((s) => s.week === week).map(({ week: _w, ...sheet }) => sheet),
  }));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function addressesOf(recipientsJson: string): string[] {
  const r = parseJson<Record<string, unknown>>(recipientsJson, {});
  const rcpt = strings(r.rcpt);
  if (rcpt.length > 0) return rcpt;
  const to = Array.isArray(r.to) ? r.to : [];
  return to.flatMap((a: unknown) =>
    typeof a === 'string'
      ? [a]
      : a && typeof (a as { address?: unknown }).address === 'string'
        ? [(a as { address: string }).address]
        : [],
  );
}

/** What the office must look at: held, unprocessed and unsent mail. */
export async function officeFacts(db: Db, week: string, now: Date): Promise<OfficeFacts> {
  const quarantined = (await quarantinedMessages(db))
    .filter((q) => q.received_at <= toTimestamp(now))
    .map((q) => ({
      receivedAt: new Date(q.internal_date ?? q.received_at),
      from: q.from_address,
      subject: q.subject,
      reason: q.outcome_reason,
    }));
  const unprocessed = (
    await unprocessedMessages(db, new Date(now.getTime() - UNPROCESSED_AFTER_MS))
  ).length;
  const since = toTimestamp(now.getTime() - UNSENT_WINDOW_MS);
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['kind', 'recipients_json', 'subject', 'status', 'error', 'updated_at'])
    .where('status', 'in', ['failed', 'retrying'])
    .where((eb) => eb.or([eb('reporting_week', '=', week), eb('created_at', '>=', since)]))
    .where('created_at', '<=', toTimestamp(now))
    .orderBy('id')
    .execute();
  const unsentMails: UnsentMailFact[] = rows.map((r) => ({
    kind: r.kind,
    to: addressesOf(r.recipients_json),
    subject: r.subject,
    status:
      r.status === 'retrying'
        ? 'retrying'
        : (r.error ?? '').startsWith('MAIL_CAPPED')
          ? 'capped'
          : 'failed',
    error: r.error,
    at: new Date(r.updated_at),
  }));
  return { quarantined, unsentMails, unprocessed };
}

/** Builds the week's digest as it stands at `now`: the model and its three forms. */
export async function buildDigest(
  db: Db,
  schedule: Schedule,
  week: string,
  now: Date,
  options: DigestBuildOptions = {},
): Promise<DigestBuild> {
  const versions = await digestVersions(db, week);
  const choice = nextDigestEdition(versions);
  const version = options.version ?? choice.version;
  const previousSentAt =
    options.previousSentAt !== undefined ? options.previousSentAt : sentBefore(versions, version);
  const earlier = lookbackWeeks(week);
  const [current, ...previous] = await weekReports(db, [week, ...earlier]);
  const model = buildDigestModel({
    schedule,
    week,
    now,
    facts: await weekSubmissionFacts(db, week),
    digestSentAt: await digestSentAt(db, week),
    reminders: await remindersSent(db, week),
    current: current?.sheets ?? [],
    previous,
    office: await officeFacts(db, week, now),
    edition: { version, previousSentAt },
  });
  return {
    model,
    subject: model.subject,
    html: renderDigestHtml(model),
    text: renderDigestText(model),
    xlsx: await writeDigestWorkbook(model, now),
    attachmentName: model.attachmentName,
    version,
  };
}

// ---------------------------------------------------------------------------------------------
// Sending

/** The digest's To and Cc from cycle.digest, each address once (To wins over Cc). */
export function digestRecipients(schedule: Schedule): Recipients {
  // Unit audiences are refused for the digest by the schedule's validation: no unit here.
  return recipientsOf(schedule, schedule.cycle.digest, null);
}

export function composeDigestMail(
  schedule: Schedule,
  from: string,
  week: string,
  built: DigestBuild,
): OutgoingMail {
  const { to, cc } = digestRecipients(schedule);
  return {
    key: digestKey(week, built.version),
    kind: 'digest',
    autoSubmitted: 'auto-generated',
    from: { name: schedule.programme.signature, address: from },
    to,
    cc,
    subject: built.subject,
    text: built.text,
    html: built.html,
    inReplyTo: null,
    references: [],
    attachments: [{ filename: built.attachmentName, contentType: XLSX_TYPE, content: built.xlsx }],
    reportingWeek: week,
  };
}

export interface DigestSendDeps extends DeliverDeps {
  schedule: Schedule;
  /** The From address (MAIL_FROM, else the programme mailbox). */
  from: string;
  /** Names this attempt in the claim. */
  claimedBy: string;
}

export interface DigestSendResult {
  key: string;
  version: number;
  /** True when an already queued version was delivered rather than a new one built. */
  retried: boolean;
  outcome: SendOutcome | 'missing';
  /** The mail as queued (what was, or will be, sent). */
  mail: OutgoingMail;
  /** The model it was built from; null when a queued version was delivered as composed. */
  model: DigestModel | null;
}

/**
 * Sends the week's digest: a new version, or the queued one that has not gone out yet (see the
 * module comment). `version` forces a version (an admin re-running a send that was interrupted).
 */
export async function sendDigest(
  deps: DigestSendDeps,
  week: string,
  options: { version?: number } = {},
): Promise<DigestSendResult> {
  const { db, schedule } = deps;
  const now = deps.now();
  const versions = await digestVersions(db, week);
  const choice = nextDigestEdition(versions);
  const version = options.version ?? choice.version;
  const key = digestKey(week, version);
  const retried = (await queuedMail(db, key)) !== null;
  let model: DigestModel | null = null;
  let composed: OutgoingMail | null = null;
  if (!retried) {
    const built = await buildDigest(db, schedule, week, now, {
      version,
      previousSentAt: sentBefore(versions, version),
    });
    // A concurrent send of the same version may have queued it first: theirs is the one sent.
    model = built.model;
    composed = composeDigestMail(schedule, deps.from, week, built);
    await enqueueComposed(db, composed, now, deps.logger);
  }
  // What was queued, read back from its bytes (a refused mail has none: then what was built).
  const mail = (await storedMail(db, key)) ?? composed;
  if (!mail) throw new Error(`digest ${key} was queued but cannot be read back`);
  const outcome = await deliverQueued(deps, key, deps.claimedBy);
  return { key, version, retried, outcome, mail, model };
}
