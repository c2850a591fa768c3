/**
 * Processing one stored message: the heart of the intake. Called by the intake worker (a BullMQ
 * job per message), by `duban ingest` and by `duban quarantine release`.
 *
 * Order matters: classify before answering anything (auto-replies, bounces and our own mail are
 * recorded, never answered); attribute the sender to a unit (unknown senders are quarantined and
 * given no data); read every sheet in the sandbox; decide the reporting week from the arrival
 * time; record the submission; compose the answer and queue it under a key derived from the
 * message, so that a retried job answers once.
 *
 * Idempotent: a job that dies half-way and runs again finds the submission it already recorded
 * and the reply it already queued.
 */
import type { Logger } from 'pino';
import { writeTemplate } from '../../adapters/excel/template';
import { catalogOf, REFUSAL_MESSAGES } from '../../adapters/excel/read-sheet';
import { parseMessage, type ParsedMessage } from '../../adapters/mail/parse-message';
import { mailAddress, replyMail } from '../../adapters/mail/send';
import {
  digestSentAt,
  claimMessageId,
  getRawMessage,
  recordAttachment,
  recordSubmission,
  setRawMessageOutcome,
  audit,
  type Db,
  type NewSubmission,
  type NewSubmissionProject,
} from '../../adapters/storage';
import type { Schedule } from '../../config/schedule';
import {
  chooseReportingWeek,
  deadlineOf,
  isoWithOffset,
  reportingCandidates,
  weeksBeforeArrival,
} from '../../domain/calendar';
import { checkSheetForUnit } from '../../domain/intake/check-sheet';
import { classifyMessage } from '../../domain/intake/classify';
import {
  composeCorrectionRequest,
  composeReceipt,
  composeTooLargeReply,
  composeUnknownSenderReply,
  noAttachmentIssue,
  type AttachmentNote,
  type ComposedReply,
  type ReadSheet,
  type ReplyContext,
} from '../../domain/intake/replies';
import { unitForSender } from '../../domain/intake/sender';
import type { ParsedSheet, SheetProject } from '../../domain/sheet/parse';
import { replyKey } from '../../domain/mail-key';
import { DubanError, issue, type Issue } from '../../errors';
import { failpoint } from '../../failpoint';
import type { ReadSheetOptions } from '../../adapters/excel/read-sheet';
import { enqueueComposed } from './outbox';

export type IntakeOutcomeKind =
  'accepted' | 'accepted_with_warnings' | 'rejected' | 'quarantined' | 'ignored' | 'duplicate';

/** What became of a message: the `duban ingest --json` object. */
export interface IntakeOutcome {
  outcome: IntakeOutcomeKind;
  reason: string | null;
  unit: string | null;
  week: string | null;
  late: boolean | null;
  attachments: Array<{ filename: string; contentType: string; used: boolean }>;
  submissionId: number | null;
  replies: Array<{ kind: string; to: string[]; subject: string }>;
  /** Keys of the mails queued (for the caller to deliver). */
  mailKeys: string[];
}

export interface SheetReader {
  read(bytes: Buffer, options: ReadSheetOptions): Promise<ParsedSheet>;
}

export interface IntakeSettings {
  /** Answer unknown senders with a short neutral reply (default true). */
  replyToUnknownSenders: boolean;
  /** Our MTA's authserv-id, for the DMARC guard; null = off. */
  authservId: string | null;
  /** Largest message processed, in bytes (the watcher stores only headers above it). */
  maxMessageBytes: number;
  /** The From of every automatic mail. */
  from: string;
}

export interface IntakeDeps {
  db: Db;
  schedule: Schedule;
  sheets: SheetReader;
  settings: IntakeSettings;
  logger: Logger;
  now(): Date;
}

export interface ProcessOptions {
  /** Attribute the message to this unit whatever its sender (a released quarantined message). */
  unitId?: string;
}

const NOT_A_SHEET = '不是Excel工作簿（.xlsx），未读取';

export async function processMessage(
  deps: IntakeDeps,
  rawMessageId: number,
  options: ProcessOptions = {},
): Promise<IntakeOutcome> {
  const { db, schedule, logger } = deps;
  const now = deps.now();
  const row = await getRawMessage(db, rawMessageId);
  if (!row) throw new DubanError('MESSAGE_UNREADABLE', `no stored message ${rawMessageId}`);
  const log = logger.child({ rawMessageId });
  const result = blank();

  const finish = async (
    outcome: IntakeOutcomeKind,
    reason: string | null,
    msg?: ParsedMessage,
  ): Promise<IntakeOutcome> => {
    result.outcome = outcome;
    result.reason = reason;
    await setRawMessageOutcome(db, rawMessageId, {
      outcome,
      reason,
      fromAddress: msg?.from?.address ?? null,
      subject: msg?.subject ?? null,
      messageId: msg?.messageId ?? null,
      now,
    });
    log.info(
      { outcome, reason, unit: result.unit, week: result.week, late: result.late },
      'message processed',
    );
    return result;
  };

  let msg: ParsedMessage;
  try {
    msg = await parseMessage(row.raw, {
      maxBytes: Math.max(deps.settings.maxMessageBytes, row.raw.length),
    });
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    log.warn({ code: err.code, err }, 'message could not be read');
    // Without a readable From there is nobody to answer safely.
    return finish('rejected', err.code);
  }

  const kind = classifyMessage(msg, {
    ownAddresses: [schedule.programme.mailbox, deps.settings.from],
    authservId: deps.settings.authservId,
  });
  // A message the office released from quarantine is the unit's by the office's decision.
  if (kind.kind === 'spoofed' && !options.unitId) return finish('quarantined', kind.reason, msg);
  if (kind.kind !== 'submission_candidate' && kind.kind !== 'spoofed') {
    log.info(
      { kind: kind.kind, why: kind.reason, detail: kind.detail },
      'automatic mail recorded, not answered',
    );
    return finish('ignored', reasonForKind(kind.kind), msg);
  }

  // The same mail delivered again under another UID, with other headers (same Message-ID, same
  // sender): the first copy to claim it is processed, the others are duplicates.
  if (msg.messageId && msg.from) {
    const holder = await claimMessageId(db, {
      rawMessageId,
      sender: msg.from.address,
      messageId: msg.messageId,
      now,
    });
    if (holder !== rawMessageId) {
      await audit(db, { event: 'message.duplicate', rawMessageId, details: { of: holder }, now });
      return finish('duplicate', 'DUPLICATE', msg);
    }
  }

  const unit = options.unitId
    ? (schedule.units.find((u) => u.id === options.unitId) ?? null)
    : unitForSender(msg.from?.address, schedule);
  if (options.unitId && !unit) throw new Error(`no unit ${options.unitId} in the schedule`);
  result.unit = unit?.id ?? null;
  const from = mailAddress(deps.settings.from, schedule.programme.signature);

  const arrival = row.internal_date
    ? new Date(row.internal_date)
    : (msg.date ?? new Date(row.received_at));
  const ctxBase = {
    schedule,
    original: {
      messageId: msg.messageId,
      references: msg.references,
      subject: msg.subject,
      from: { address: msg.from?.address ?? '', name: msg.from?.name ?? '' },
    },
    receivedAt: arrival.toISOString(),
  };

  if (!unit) {
    if (msg.from && deps.settings.replyToUnknownSenders) {
      const reply = composeUnknownSenderReply(ctxBase, now);
      await queueReply(deps, result, reply, { key: replyKey(rawMessageId), from, rawMessageId });
    }
    await audit(db, {
      event: 'message.quarantined',
      rawMessageId,
      details: { reason: 'UNKNOWN_SENDER' },
      now,
    });
    return finish('quarantined', 'UNKNOWN_SENDER', msg);
  }

  // The weeks the message may answer, from the arrival time (digest times known so far count);
  // until its sheets are read, the arrival alone decides, then their 填报时间 settles an
  // ambiguous arrival (below).
  const digests = new Map<string, Date | null>();
  for (const w of weeksBeforeArrival(arrival, schedule)) digests.set(w, await digestSentAt(db, w));
  const candidates = reportingCandidates(arrival, schedule, (w) => digests.get(w) ?? null);
  let reporting = candidates.byArrival;
  result.week = reporting.week;
  result.late = reporting.late;
  const ctx: ReplyContext = {
    ...ctxBase,
    unit,
    reportingWeek: reporting.week,
    late: reporting.late,
    deadline: isoWithOffset(deadlineOf(reporting.week, schedule).at, schedule.programme.timezone),
    attachments: [],
  };

  if (row.truncated) {
    const reply = composeTooLargeReply(
      ctx,
      { sizeBytes: row.declared_size ?? row.size, limitBytes: deps.settings.maxMessageBytes },
      now,
    );
    await queueReply(deps, result, reply, {
      key: replyKey(rawMessageId),
      from,
      rawMessageId,
      unitId: unit.id,
      reportingWeek: reporting.week,
    });
    return finish('rejected', 'TOO_LARGE', msg);
  }

  // Every attachment is recorded; every sheet is read.
  const sheets: ReadSheet[] = [];
  const notes: AttachmentNote[] = [];
  const messageIssues: Issue[] = [];
  let legacyOnly = true;
  for (const [ordinal, a] of msg.attachments.entries()) {
    if (a.embedded && a.kind === 'other') continue;
    const entry = {
      filename: a.filename || '(未命名附件)',
      contentType: a.contentType,
      used: false,
    };
    result.attachments.push(entry);
    let why: string | undefined;
    if (a.kind === 'sheet') {
      legacyOnly = false;
      const parsed = await deps.sheets.read(a.content, {
        catalog: catalogOf(schedule),
        referenceDate: reporting.week,
      });
      const checked = parsed.ok
        ? checkSheetForUnit(parsed, unit.id, schedule)
        : { issues: [], unitProjects: [] };
      const usable = parsed.ok && !checked.issues.some((i) => i.severity === 'error');
      sheets.push({ filename: entry.filename, parsed, issues: checked.issues });
      entry.used = usable;
    } else if (a.kind === 'legacy_sheet') {
      why = REFUSAL_MESSAGES.LEGACY_FORMAT;
      messageIssues.push(
        issue('LEGACY_FORMAT', `附件“${entry.filename}”：${REFUSAL_MESSAGES.LEGACY_FORMAT}`),
      );
    } else {
      why = NOT_A_SHEET;
    }
    notes.push({ filename: entry.filename, used: entry.used, ...(why ? { why } : {}) });
    await recordAttachment(db, {
      rawMessageId,
      ordinal,
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      keepBytes: a.kind !== 'other',
      used: entry.used,
      note: why ?? null,
      now,
    });
  }
  ctx.attachments = notes;

  const usable = sheets.filter(isUsable);
  const filledOn = (usable[0] ?? sheets[0])?.parsed.filledOn ?? null;
  reporting = chooseReportingWeek(candidates, filledOn);
  result.week = ctx.reportingWeek = reporting.week;
  result.late = ctx.late = reporting.late;
  ctx.deadline = isoWithOffset(reporting.deadline, schedule.programme.timezone);
  // A job run again (after a crash) gets back the submission it recorded the first time
  // (recordSubmission is idempotent per message).
  const recordOnce = async (
    fields: Pick<NewSubmission, 'status' | 'issues' | 'projects'> &
      Partial<Pick<NewSubmission, 'makeCurrent' | 'filledOn' | 'unitAsWritten'>>,
  ): Promise<number> =>
    (
      await recordSubmission(db, {
        unitId: unit.id,
        reportingWeek: reporting.week,
        rawMessageId,
        arrivedAt: arrival,
        deadlineAt: ctx.deadline,
        late: reporting.late,
        now,
        ...fields,
      })
    ).id;

  if (usable.length === 0) {
    const reason =
      sheets.length === 0
        ? legacyOnly && messageIssues.length > 0
          ? 'LEGACY_FORMAT'
          : 'NO_ATTACHMENT'
        : 'UNREADABLE_SHEET';
    if (sheets.length === 0 && messageIssues.length === 0) messageIssues.push(noAttachmentIssue());
    const template = await writeTemplate({ schedule, unitId: unit.id, week: reporting.week });
    const submissionId = await recordOnce({
      status: 'rejected',
      issues: [
        ...messageIssues,
        ...sheets.flatMap((s) => [...s.parsed.issues, ...(s.issues ?? [])]),
      ],
      makeCurrent: false,
      projects: [],
    });
    result.submissionId = submissionId;
    const reply = composeCorrectionRequest(
      ctx,
      {
        sheets,
        issues: messageIssues,
        template: { filename: `问题清单-${unit.id}-${reporting.week}.xlsx`, content: template },
      },
      now,
    );
    await queueReply(deps, result, reply, {
      key: replyKey(rawMessageId),
      from,
      rawMessageId,
      submissionId,
      unitId: unit.id,
      reportingWeek: reporting.week,
    });
    return finish('rejected', reason, msg);
  }

  const warnings = usable.flatMap((s) => [...s.parsed.issues, ...(s.issues ?? [])]);
  const status: IntakeOutcomeKind = warnings.length > 0 ? 'accepted_with_warnings' : 'accepted';
  const first = usable[0]?.parsed;
  const submissionId = await recordOnce({
    status,
    issues: warnings,
    filledOn: first?.filledOn ?? null,
    unitAsWritten: first?.unit ?? null,
    projects: mergeProjects(usable).map(toStoredProject),
  });
  result.submissionId = submissionId;
  failpoint('after-submission');
  const reply = composeReceipt(ctx, usable, now);
  await queueReply(deps, result, reply, {
    key: replyKey(rawMessageId),
    from,
    rawMessageId,
    submissionId,
    unitId: unit.id,
    reportingWeek: reporting.week,
  });
  return finish(status, null, msg);
}

function isUsable(s: ReadSheet): boolean {
  return s.parsed.ok && !(s.issues ?? []).some((i) => i.severity === 'error');
}

/** Projects of all usable sheets; a project in two sheets is taken from the later one. */
function mergeProjects(sheets: ReadSheet[]): SheetProject[] {
  const out: SheetProject[] = [];
  const at = new Map<string, number>();
  for (const s of sheets) {
    for (const p of s.parsed.projects) {
      const key = p.projectId ?? `name:${p.name}`;
      const i = at.get(key);
      if (i === undefined) {
        at.set(key, out.length);
        out.push(p);
      } else out[i] = p;
    }
  }
  return out;
}

function toStoredProject(p: SheetProject): NewSubmissionProject {
  return {
    nameAsWritten: p.name,
    projectId: p.projectId,
    leadUnits: p.leadUnits,
    problems: p.problems,
    uncategorizedProblems: p.uncategorizedProblems,
    responsibleDepartments: p.responsibleDepartments,
    progress: p.progress,
    nextSteps: p.nextSteps,
    cell: p.cell,
    targets: p.targets.map((t) => ({
      text: t.text,
      due: t.due,
      dueText: t.dueText,
      status: t.status,
      cell: t.cell,
    })),
  };
}

async function queueReply(
  deps: IntakeDeps,
  result: IntakeOutcome,
  reply: ComposedReply,
  fields: Parameters<typeof replyMail>[1],
): Promise<void> {
  const mail = replyMail(reply, fields);
  await enqueueComposed(deps.db, mail, deps.now(), deps.logger);
  result.replies.push({
    kind: reply.kind,
    to: mail.to.map((a) => a.address),
    subject: mail.subject,
  });
  result.mailKeys.push(mail.key);
}

function reasonForKind(kind: string): string {
  switch (kind) {
    case 'auto_reply':
      return 'AUTO_REPLY';
    case 'bounce':
      return 'BOUNCE';
    case 'read_receipt':
      return 'READ_RECEIPT';
    case 'own_mail':
      return 'OWN_MAIL';
    default:
      return kind.toUpperCase();
  }
}

function blank(): IntakeOutcome {
  return {
    outcome: 'ignored',
    reason: null,
    unit: null,
    week: null,
    late: null,
    attachments: [],
    submissionId: null,
    replies: [],
    mailKeys: [],
  };
}
