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
 * and the reply it already queued. What a message comes to (its attachments, submission, answer
 * and audit entry) is written at the end in one unit of work (`deps.atomically`: one transaction,
 * not one commit per write), with its outcome (an accepted sheet's outcome just after it).
 */
import {
  chooseReportingWeek,
  deadlineOf,
  isoWithOffset,
  type ReportingWeek,
  reportingCandidates,
  weekContaining,
  weeksBeforeArrival,
} from '../../domain/calendar';
import { classifyMessage } from '../../domain/intake/classify';
import { unitOfMessage } from '../../domain/intake/forwarding';
import { cloudLinkIssue } from '../../domain/intake/cloud-link-issue';
import { findCloudLinks } from '../../domain/intake/cloud-links';
import type { ParsedMessage } from '../../domain/intake/message';
import {
  cloudLinkNotes,
  composeCloudLinkRequest,
  composeCorrectionRequest,
  composeItemListRefusal,
  composeReceipt,
  composeTooLargeReply,
  composeUnknownSenderReply,
  noAttachmentIssue,
  type ReadSheet,
  type ReplyContext,
} from '../../domain/intake/replies';
import { sheetsByWeek } from '../../domain/intake/sheet-weeks';
import { mailAddress } from '../../domain/mail/address';
import { officeMemberByAddress } from '../../domain/programme';
import { replyKey } from '../../domain/mail-key';
import { DubanError } from '../../errors';
import { templateItemsFor } from '../decisions/template-items';
import { failpoint } from '../../failpoint';
import type { ReceivedAttachment, SubmissionToRecord } from '../ports/intake-store';
import { checkItemReports, isItemList, recordOfficeList, reportsToRecord } from './agreed-items';
import type { IntakeDeps, IntakeWrites, ProcessOptions } from './deps';
import {
  blankOutcome,
  queueReply,
  reasonForKind,
  type IntakeOutcome,
  type IntakeOutcomeKind,
} from './outcome';
import { isUsable, mergeProjects, readAttachments } from './read-attachments';
import { unreadableMessage } from './unreadable';
import { traceUnit } from './unit-trace';

export type { IntakeDeps, IntakeSettings, ProcessOptions } from './deps';
export type { IntakeOutcome, IntakeOutcomeKind } from './outcome';

export async function processMessage(
  deps: IntakeDeps,
  rawMessageId: number,
  options: ProcessOptions = {},
): Promise<IntakeOutcome> {
  const { store, schedule, logger } = deps;
  const now = deps.clock.now();
  const row = await store.storedMessage(rawMessageId);
  if (!row) throw new DubanError('MESSAGE_UNREADABLE', `no stored message ${rawMessageId}`);
  const log = logger.child({ rawMessageId });
  const result = blankOutcome();
  const answerKey = options.answerKey ?? replyKey(rawMessageId);

  // The attachments read, recorded with the message's other writes at the end.
  let attachments: ReceivedAttachment[] = [];
  const atomically =
    deps.atomically ?? (<T>(fn: (tx: IntakeWrites) => Promise<T>): Promise<T> => fn(deps));

  /**
   * Writes what the message came to (`writes`, then its outcome) in one unit of work. With
   * `beforeOutcome`, the outcome is written after it, by itself: an accepted sheet's submission
   * and answer are committed before the message is marked processed, so a job that dies in
   * between (the after-submission failpoint) leaves a message the sweeper processes again.
   */
  const finish = async (
    outcome: IntakeOutcomeKind,
    reason: string | null,
    msg?: Pick<ParsedMessage, 'from' | 'subject' | 'messageId'> | null,
    writes?: (tx: IntakeWrites) => Promise<void>,
    beforeOutcome?: () => void,
  ): Promise<IntakeOutcome> => {
    result.outcome = outcome;
    result.reason = reason;
    const recordOutcome = (tx: IntakeWrites): Promise<void> =>
      tx.store.recordOutcome(
        rawMessageId,
        {
          outcome,
          reason,
          fromAddress: msg?.from?.address ?? null,
          subject: msg?.subject ?? null,
          messageId: msg?.messageId ?? null,
          unitId: result.unit,
          reportingWeek: result.week,
        },
        now,
      );
    await atomically(async (tx) => {
      for (const a of attachments) await tx.store.recordAttachment(a, now);
      await writes?.(tx);
      if (!beforeOutcome) await recordOutcome(tx);
    });
    if (beforeOutcome) {
      beforeOutcome();
      await recordOutcome(deps);
    }
    log.info(
      { outcome, reason, unit: result.unit, week: result.week, late: result.late },
      'message processed',
    );
    return result;
  };

  let msg: ParsedMessage;
  try {
    msg = await deps.mail.read(row.raw, {
      maxBytes: Math.max(deps.settings.maxMessageBytes, row.raw.length),
    });
  } catch (err) {
    if (!(err instanceof DubanError)) throw err;
    log.warn({ code: err.code, err }, 'message could not be read');
    if (err.code !== 'MESSAGE_TOO_COMPLEX' && err.code !== 'MESSAGE_UNREADABLE') {
      return finish('rejected', err.code);
    }
    // Only a registered unit's From, recovered from the header block, is answered.
    const { recovered, writes } = await unreadableMessage(deps, row, err.code, answerKey, result);
    return finish('rejected', err.code, recovered, writes);
  }

  const kind = classifyMessage(msg, {
    ownAddresses: [schedule.programme.mailbox, deps.settings.from],
    authservId: deps.settings.authservId,
    unitAddresses: schedule.units.flatMap((u) => u.addresses),
  });
  const arrival = row.internalDate ?? msg.date ?? row.receivedAt;
  // A message the office released from quarantine is the unit's by the office's decision.
  if (kind.kind === 'spoofed' && !options.unitId) return finish('quarantined', kind.reason, msg);
  if (kind.kind !== 'submission_candidate' && kind.kind !== 'spoofed') {
    log.info(
      { kind: kind.kind, why: kind.reason, detail: kind.detail },
      'automatic mail recorded, not answered',
    );
    await traceUnit(deps, unitOfMessage(msg, kind.reason, schedule), arrival, result);
    return finish('ignored', reasonForKind(kind.kind), msg);
  }

  // The same mail delivered again under another UID, with other headers (same Message-ID, same
  // sender): the first copy to claim it is processed, the others are duplicates.
  if (msg.messageId && msg.from) {
    const holder = await store.claimMessageId(
      { rawMessageId, sender: msg.from.address, messageId: msg.messageId },
      now,
    );
    if (holder !== rawMessageId) {
      return finish('duplicate', 'DUPLICATE', msg, (tx) =>
        tx.store.audit({ event: 'message.duplicate', rawMessageId, details: { of: holder } }, now),
      );
    }
  }

  const unit = options.unitId
    ? (schedule.units.find((u) => u.id === options.unitId) ?? null)
    : unitOfMessage(msg, kind.reason, schedule);
  if (options.unitId && !unit) throw new Error(`no unit ${options.unitId} in the schedule`);
  result.unit = unit?.id ?? null;
  const from = mailAddress(deps.settings.from, schedule.programme.signature);

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

  /**
   * An office member's list of agreed items: recorded (in the message's unit of work) and
   * confirmed to the sender; then the follow-up that mails the 交办 notices runs. Not a unit's
   * sheet: no unit, no week. One list per mail; another list file in it is named as not read.
   */
  const office = officeMemberByAddress(schedule, msg.from?.address);
  const recordList = async (
    lists: ReadSheet[],
    notes: ReplyContext['attachments'],
  ): Promise<IntakeOutcome> => {
    const [list, ...others] = lists;
    if (!list || !office) throw new Error('recordList: no list, or not from the office');
    result.unit = null;
    result.week = null;
    result.late = null;
    const listed = new Set(lists.map((s) => s.filename));
    const ctx: ReplyContext = {
      ...ctxBase,
      unit: null,
      reportingWeek: null,
      late: null,
      deadline: null,
      attachments: [
        ...notes.filter((n) => !listed.has(n.filename)),
        { filename: list.filename, used: true },
        ...others.map((s) => ({
          filename: s.filename,
          used: false,
          why: '同一邮件中已有议定事项清单，本文件未读取；请另行发送',
        })),
      ],
    };
    for (const a of attachments) if (a.filename && listed.has(a.filename)) a.used = true;
    const undated = list.parsed.itemList?.meeting.date == null;
    const outcome = await finish(
      undated ? 'rejected' : 'items_recorded',
      undated ? 'ITEM_LIST_NO_MEETING_DATE' : null,
      msg,
      async (tx) => {
        const recorded = await recordOfficeList(
          tx,
          { schedule, sheet: list, sender: office, rawMessageId, ctx },
          now,
        );
        result.items = {
          created: recorded.created,
          updated: recorded.updated,
          unchanged: recorded.unchanged,
        };
        await queueReply(tx.outbox, result, recorded.reply, { key: answerKey, from, rawMessageId });
        await tx.store.audit(
          {
            event: 'items.recorded',
            rawMessageId,
            details: { by: office.email, ...result.items },
          },
          now,
        );
      },
    );
    // The list is recorded and answered whatever the follow-up does: its next run catches up.
    if (!undated && deps.afterItemsRecorded) {
      try {
        await deps.afterItemsRecorded(now);
      } catch (err) {
        log.warn({ err }, 'follow-up after recording agreed items failed');
      }
    }
    return outcome;
  };

  if (!unit && office && kind.reason !== 'FORWARDED_BY_RULE') {
    // Not a unit: its sheet is read without a unit's check; only a list of items is its business.
    const read = await readAttachments(
      deps,
      { rawMessageId, msg, unitId: null, referenceWeek: weekContaining(arrival, schedule) },
      result,
    );
    const lists = read.sheets.filter(isItemList);
    if (lists.length > 0) {
      attachments = read.records;
      return recordList(lists, read.notes);
    }
    // Anything else from an office member is what it was before: held for the office.
    result.attachments = [];
  }

  if (!unit) {
    const sender = msg.from;
    return finish('quarantined', 'UNKNOWN_SENDER', msg, async (tx) => {
      // A mail forwarded by a server's rule is automatic: never answered.
      if (sender && deps.settings.replyToUnknownSenders && kind.reason !== 'FORWARDED_BY_RULE') {
        const reply = composeUnknownSenderReply(ctxBase, now);
        await queueReply(tx.outbox, result, reply, {
          key: replyKey(rawMessageId),
          from,
          rawMessageId,
        });
      }
      await tx.store.audit(
        { event: 'message.quarantined', rawMessageId, details: { reason: 'UNKNOWN_SENDER' } },
        now,
      );
    });
  }

  // The weeks the message may answer, from the arrival time (digest times known so far count);
  // until its sheets are read, the arrival alone decides, then their 填报时间 settles an
  // ambiguous arrival (below).
  const digests = await store.digestsSent(weeksBeforeArrival(arrival, schedule));
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
  /** The answer's key and record links: this message, the unit, the week as decided by now. */
  const answerFields = (submissionId?: number) => ({
    key: answerKey,
    from,
    rawMessageId,
    ...(submissionId === undefined ? {} : { submissionId }),
    unitId: unit.id,
    reportingWeek: reporting.week,
  });

  if (row.truncated) {
    const reply = composeTooLargeReply(
      ctx,
      { sizeBytes: row.declaredSize ?? row.size, limitBytes: deps.settings.maxMessageBytes },
      now,
    );
    return finish('rejected', 'TOO_LARGE', msg, (tx) =>
      queueReply(tx.outbox, result, reply, answerFields()),
    );
  }

  // Every attachment is recorded; every sheet is read.
  const read = await readAttachments(
    deps,
    { rawMessageId, msg, unitId: unit.id, referenceWeek: reporting.week },
    result,
  );
  const { notes, messageIssues } = read;
  attachments = read.records;
  ctx.attachments = notes;

  // A meeting's list of agreed items: the office's business (recorded), never a unit's sheet.
  const lists = read.sheets.filter(isItemList);
  if (lists.length > 0 && office) return recordList(lists, notes);
  const sheets = read.sheets.filter((s) => !isItemList(s));
  if (lists.length > 0) {
    const listed = new Set(lists.map((s) => s.filename));
    for (const a of attachments) if (a.filename && listed.has(a.filename)) a.used = false;
    ctx.attachments = notes.map((n) =>
      listed.has(n.filename)
        ? {
            filename: n.filename,
            used: false,
            why: '为议定事项清单，由联合会议办公室统一登记，本单位无需报送，未予记录',
          }
        : n,
    );
    if (!sheets.some(isUsable)) {
      const reply = composeItemListRefusal(ctx, { filenames: lists.map((s) => s.filename) }, now);
      return finish('rejected', 'ITEM_LIST_FROM_UNIT', msg, async (tx) => {
        await queueReply(tx.outbox, result, reply, answerFields());
        await tx.store.audit(
          {
            event: 'message.rejected',
            rawMessageId,
            details: { reason: 'ITEM_LIST_FROM_UNIT' },
          },
          now,
        );
      });
    }
  }

  const usable = sheets.filter(isUsable);
  const filledOn = (usable[0] ?? sheets[0])?.parsed.filledOn ?? null;
  reporting = chooseReportingWeek(candidates, filledOn);
  result.week = ctx.reportingWeek = reporting.week;
  result.late = ctx.late = reporting.late;
  ctx.deadline = isoWithOffset(reporting.deadline, schedule.programme.timezone);
  // A job run again (after a crash) gets back the submission it recorded the first time
  // (recordSubmission is idempotent per message).
  const recordOnce = async (
    tx: IntakeWrites,
    fields: Pick<SubmissionToRecord, 'status' | 'issues' | 'projects'> &
      Partial<Pick<SubmissionToRecord, 'makeCurrent' | 'filledOn' | 'unitAsWritten'>>,
    week: ReportingWeek = reporting,
  ): Promise<number> =>
    (
      await tx.store.recordSubmission(
        {
          unitId: unit.id,
          reportingWeek: week.week,
          rawMessageId,
          arrivedAt: arrival,
          deadlineAt: isoWithOffset(week.deadline, schedule.programme.timezone),
          late: week.late,
          ...fields,
        },
        now,
      )
    ).id;

  // Large-attachment links in the body: the file itself never arrived (never fetched).
  const links = findCloudLinks(msg.text, msg.html);
  if (usable.length === 0) {
    const reason =
      links.length > 0
        ? 'CLOUD_LINK'
        : sheets.length > 0
          ? 'UNREADABLE_SHEET'
          : (messageIssues.find((i) => i.severity === 'error')?.code ?? 'NO_ATTACHMENT');
    if (sheets.length === 0 && messageIssues.length === 0 && links.length === 0) {
      messageIssues.push(noAttachmentIssue());
    }
    // Recorded with the version's issues: status, reminders and digest show the office the link.
    messageIssues.unshift(...links.map(cloudLinkIssue));
    const template = await deps.templates.write({
      schedule,
      unitId: unit.id,
      week: reporting.week,
      items: await templateItemsFor(deps.decisions, unit.id),
    });
    const correction = {
      sheets,
      issues: messageIssues,
      template: { filename: `问题清单-${unit.id}-${reporting.week}.xlsx`, content: template },
    };
    const reply =
      links.length > 0
        ? composeCloudLinkRequest(ctx, { ...correction, links }, now)
        : composeCorrectionRequest(ctx, correction, now);
    return finish('rejected', reason, msg, async (tx) => {
      const submissionId = await recordOnce(tx, {
        status: 'rejected',
        issues: [
          ...messageIssues,
          ...sheets.flatMap((s) => [...s.parsed.issues, ...(s.issues ?? [])]),
        ],
        makeCurrent: false,
        projects: [],
      });
      result.submissionId = submissionId;
      await queueReply(tx.outbox, result, reply, answerFields(submissionId));
    });
  }

  // Sheets for different weeks in one mail (this week's and a correction of last week's): each
  // recorded for its own week, all acknowledged in the one receipt.
  const [own, ...corrections] = sheetsByWeek(usable, candidates, arrival, schedule);
  if (own) {
    reporting = own.reporting;
    result.week = ctx.reportingWeek = reporting.week;
    result.late = ctx.late = reporting.late;
    ctx.deadline = isoWithOffset(reporting.deadline, schedule.programme.timezone);
  }
  const ownSheets = own?.sheets ?? usable;
  // The section 议定事项落实情况: rows checked against the unit's open items (warnings added
  // to the sheets' issues), recorded with the submission they came in.
  const itemRows = await checkItemReports(deps.decisions, unit.id, usable);
  const reportFields = (week: string, submissionId: number) => ({
    unitId: unit.id,
    week,
    reportedAt: arrival,
    submissionId,
    rawMessageId,
  });
  const ownReports = reportsToRecord(itemRows, ownSheets, reportFields(reporting.week, 0));
  const issuesOf = (list: typeof usable) =>
    list.flatMap((s) => [...s.parsed.issues, ...(s.issues ?? [])]);
  const warnings = issuesOf(ownSheets);
  const status: IntakeOutcomeKind =
    issuesOf(usable).length > 0 ? 'accepted_with_warnings' : 'accepted';
  const first = ownSheets[0]?.parsed;
  // The sheet attached counts; a link next to it is named in the receipt, not opened.
  ctx.attachments = [...ctx.attachments, ...cloudLinkNotes(links)];
  const reply = composeReceipt(
    ctx,
    ownSheets,
    now,
    corrections.map((c) => ({ week: c.reporting.week, late: c.reporting.late, sheets: c.sheets })),
    ownReports.map((r) => ({ itemId: r.itemId, status: r.status })),
  );
  return finish(
    status,
    null,
    msg,
    async (tx) => {
      const submissionId = await recordOnce(tx, {
        status: warnings.length > 0 ? 'accepted_with_warnings' : 'accepted',
        issues: warnings,
        filledOn: first?.filledOn ?? null,
        unitAsWritten: first?.unit ?? null,
        projects: mergeProjects(ownSheets),
      });
      result.submissionId = submissionId;
      const reports = reportsToRecord(
        itemRows,
        ownSheets,
        reportFields(reporting.week, submissionId),
      );
      if (reports.length > 0) {
        await tx.decisions.recordReports(reports, now);
        result.itemReports = reports.map((r) => r.itemId);
      }
      for (const c of corrections) {
        const cIssues = issuesOf(c.sheets);
        const id = await recordOnce(
          tx,
          {
            status: cIssues.length > 0 ? 'accepted_with_warnings' : 'accepted',
            issues: cIssues,
            filledOn: c.sheets[0]?.parsed.filledOn ?? null,
            unitAsWritten: c.sheets[0]?.parsed.unit ?? null,
            projects: mergeProjects(c.sheets),
          },
          c.reporting,
        );
        const earlier = reportsToRecord(itemRows, c.sheets, reportFields(c.reporting.week, id));
        if (earlier.length > 0) await tx.decisions.recordReports(earlier, now);
        result.corrections.push({
          week: c.reporting.week,
          late: c.reporting.late,
          submissionId: id,
        });
      }
      await queueReply(tx.outbox, result, reply, answerFields(submissionId));
    },
    () => failpoint('after-submission'),
  );
}
