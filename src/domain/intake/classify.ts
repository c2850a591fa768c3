/**
 * Deciding what an incoming mail is before anything answers it: a possible submission, or
 * something automatic (auto-reply, bounce, read receipt), our own mail coming back, or a forged
 * sender. Pure: it takes the header values the mail adapter extracted (plain strings) and returns
 * a verdict; no mailparser types, no I/O.
 *
 * The two ways to get this wrong are not equally bad:
 * - Answering an automatic mail starts a mail loop (our receipt → their auto-reply → our receipt
 *   …). Our own mails carry `Auto-Submitted`, so RFC 3834 responders stay quiet, but many do
 *   not: a real Exchange "Automatic reply" in the corpus has no Auto-Submitted at all.
 * - Taking a real submission for an automatic mail is worse: the unit gets no receipt and may be
 *   marked late, which counts in cadre assessments.
 * So the rules have two strengths. A strong signal (a header only machines set) decides alone.
 * A weak signal (a subject such as 自动回复, mailing-list headers, Precedence bulk) decides only
 * when it is not outweighed: one weak signal on a mail that carries a spreadsheet is ignored.
 */
import { oneLine } from '../one-line';
import { forwardSignal, replySignal } from './forwarding';

export interface MailAddress {
  /** Lower-cased, e.g. "jyj@example.cn". */
  address: string;
  /** Display name; never trusted for identity (only the address counts). */
  name: string;
}

/** 'sheet': a file that may carry the sheet (judged from its content; see the mail adapter). */
export type AttachmentKind = 'sheet' | 'other';

/**
 * Raw values of the headers classification looks at, every occurrence in order (a header may be
 * repeated, and a forged copy may sit next to the real one). Values are unfolded, single-line,
 * not RFC 2047 decoded.
 */
export interface IntakeHeaders {
  autoSubmitted: string[];
  xAutoreply: string[];
  xAutorespond: string[];
  /** A request that *our* side not auto-reply (Microsoft); not evidence of automation alone. */
  xAutoResponseSuppress: string[];
  precedence: string[];
  returnPath: string[];
  /** Top-level Content-Type, e.g. "multipart/report; report-type=delivery-status; boundary=…". */
  contentType: string[];
  xLoop: string[];
  listId: string[];
  authenticationResults: string[];
  xFailedRecipients: string[];
  /** A request for a read receipt (common from Foxmail and QQ users); not an automatic mail. */
  dispositionNotificationTo: string[];
  /**
   * Headers a mail server adds when it forwards or redirects by rule (see forwardSignal): Gmail's
   * X-Forwarded-For / X-Forwarded-To, Exchange's X-MS-Exchange-Inbox-Rules-Loop, RFC 5322
   * Resent-From / Resent-To / Resent-Sender (a redirect), and X-Original-To / Delivered-To (the
   * envelope recipient a delivering server writes: a forward only when it names a unit's address).
   */
  xForwardedFor: string[];
  xForwardedTo: string[];
  xMsExchangeInboxRulesLoop: string[];
  resentFrom: string[];
  resentTo: string[];
  resentSender: string[];
  xOriginalTo: string[];
  deliveredTo: string[];
}

/** What classification needs to know about a message (ParsedMessage satisfies it). */
export interface MessageFacts {
  from: MailAddress | null;
  sender: MailAddress | null;
  subject: string;
  headers: IntakeHeaders;
  attachments: ReadonlyArray<{ kind: AttachmentKind; viaForward: boolean }>;
  /** Threading ids and the messages found inside (ParsedMessage has them): our own mail forwarded back. */
  inReplyTo?: string | null;
  references?: readonly string[];
  forwarded?: ReadonlyArray<{ from: MailAddress | null }>;
}

export interface ClassifyContext {
  /** Our own sending addresses (the programme mailbox and any other we send from). */
  ownAddresses: readonly string[];
  /**
   * Every registered unit's address. Only used to read X-Original-To / Delivered-To: naming a
   * unit's mailbox, they show the mail was delivered there first and forwarded to us.
   */
  unitAddresses?: readonly string[];
  /**
   * The authserv-id our receiving MTA writes in Authentication-Results (e.g. "mx.example.cn").
   * When unset, Authentication-Results is ignored: anyone can write that header, and only the
   * one our own server adds means anything.
   */
  authservId?: string | null;
}

export type MessageKind =
  | 'submission_candidate'
  | 'auto_reply'
  | 'auto_forwarded'
  | 'bounce'
  | 'read_receipt'
  | 'own_mail'
  | 'spoofed';

export type ClassificationReason =
  // submission_candidate
  | 'NO_AUTOMATIC_SIGNAL'
  | 'SHEET_OUTWEIGHS_WEAK_SIGNAL'
  | 'FORWARDED_BY_RULE'
  // auto_forwarded
  | 'FORWARDED_WITHOUT_SHEET'
  // spoofed
  | 'DMARC_FAIL'
  // own_mail
  | 'OWN_ADDRESS'
  | 'LOOP_HEADER'
  | 'OWN_MAIL_FORWARDED'
  // strong signals
  | 'MDN_REPORT'
  | 'DSN_REPORT'
  | 'FEEDBACK_REPORT'
  | 'OTHER_REPORT'
  | 'MAILER_DAEMON'
  | 'FAILED_RECIPIENTS'
  | 'AUTO_SUBMITTED'
  | 'AUTOREPLY_HEADER'
  | 'NULL_RETURN_PATH'
  // weak signals
  | 'AUTO_REPLY_SUBJECT'
  | 'BOUNCE_SUBJECT'
  | 'READ_RECEIPT_SUBJECT'
  | 'BULK_PRECEDENCE'
  | 'MAILING_LIST';

export interface Classification {
  kind: MessageKind;
  reason: ClassificationReason;
  /** For logs and the admin: which header or value decided (single line, capped). */
  detail: string;
}

/** Details end up in logs and the CLI: one line, no control or bidi characters, capped. */
const MAX_DETAIL = 300;

function verdict(kind: MessageKind, reason: ClassificationReason, detail: string): Classification {
  return { kind, reason, detail: oneLine(detail, MAX_DETAIL) };
}

/** Header comments "(…)" removed, nesting included; bounded so a hostile value cannot spin. */
function stripComments(value: string): string {
  let s = value;
  for (let i = 0; i < 20 && s.includes('('); i++) {
    const next = s.replace(/\([^()]*\)/g, ' ');
    if (next === s) break;
    s = next;
  }
  return s;
}

/** The first token of a header value, lower-cased: "auto-replied; owner-email=…" → "auto-replied". */
function firstToken(value: string): string {
  return (
    stripComments(value)
      .trim()
      .split(/[\s;,]+/)[0] ?? ''
  ).toLowerCase();
}

function mediaType(contentType: string): { type: string; reportType: string } {
  const value = stripComments(contentType);
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  const m = /;\s*report-type\s*=\s*"?([^";\s]+)/i.exec(value);
  return { type, reportType: (m?.[1] ?? '').toLowerCase() };
}

/** "<>" (and IIS's "<<>>"): the null reverse-path of bounces, receipts and RFC 3834 replies. */
function isNullPath(value: string): boolean {
  const v = stripComments(value).replace(/\s+/g, '');
  return v === '<>' || v === '<<>>';
}

const DAEMON_LOCAL_PART = /^(mailer[-_.]?daemon|mail[-_.]?daemon|postmaster)$/i;

function isDaemonAddress(address: string): boolean {
  const local = address.includes('@') ? address.slice(0, address.lastIndexOf('@')) : address;
  return DAEMON_LOCAL_PART.test(local.trim());
}

/** Return-Path: <MAILER-DAEMON> (sendmail) or <mailer-daemon@host>. */
function returnPathIsDaemon(value: string): boolean {
  const v = stripComments(value).trim().replace(/^<|>$/g, '').trim();
  return v !== '' && isDaemonAddress(v);
}

/**
 * The dmarc result in one Authentication-Results value, when its authserv-id is ours. Format
 * (RFC 8601): "authserv-id [version]; method=result prop=value …; …". Microsoft writes the
 * authserv-id in the wrong place ("spf=pass …; outlook.com; …"), so such a header never matches.
 */
function ourDmarcResult(value: string, authservId: string): string | null {
  const clauses = stripComments(value).split(';');
  const id = (clauses[0] ?? '').trim().split(/\s+/)[0] ?? '';
  if (id.toLowerCase() !== authservId.toLowerCase()) return null;
  for (const clause of clauses.slice(1)) {
    const m = /^\s*dmarc(?:\/\d+)?\s*=\s*([a-z]+)/i.exec(clause);
    if (m?.[1]) return m[1].toLowerCase();
  }
  return null;
}

/*
 * Subjects that automatic mails start with. Anchored at the start (after brackets), so a person's
 * "回复：关于自动回复设置的问题" or "关于国庆休假安排的报告" is not matched; even so a subject is
 * only a weak signal.
 */
const SUBJECT_LEAD = /^[\s[(【（〔「『<《]*/u;
const AUTO_REPLY_SUBJECT =
  /^(?:自动回复|自動回覆|自动答复|自动应答|自动回信|休假|不在办公室|auto(?:matic)?[\s_-]*(?:reply|response|respon[cs]e|respons|answer)|autoreply|autoresponse|out[\s_-]*of[\s_-]*(?:the[\s_-]+)?office|ooo\b|away[\s_-]+from[\s_-]+(?:the[\s_-]+)?office|on[\s_-]+(?:vacation|holiday|leave)\b|vacation[\s_-]+(?:reply|notice|message))/iu;
const BOUNCE_SUBJECT =
  /^(?:系统退信|退信|邮件退信|投递失败|邮件投递失败|无法投递|无法送达|未送达|undeliverable|undelivered\s+mail|undelivered:|delivery\s+status\s+notification|delivery\s+(?:status\s+)?fail|delivery\s+failure|mail\s+delivery\s+(?:failed|failure|subsystem)|returned\s+mail|failure\s+notice|non[\s-]?delivery|message\s+not\s+delivered|delivery\s+has\s+failed|could\s+not\s+send\s+message)/iu;
const READ_RECEIPT_SUBJECT =
  /^(?:已读[:：]|已读回执|已阅读[:：]|read[:：]|read\s+receipt|read\s+notification|return\s+receipt|disposition\s+notification)/iu;

type SubjectClass = 'bounce' | 'read_receipt' | 'auto_reply' | null;

function subjectClass(subject: string): SubjectClass {
  const s = subject.replace(SUBJECT_LEAD, '');
  if (BOUNCE_SUBJECT.test(s)) return 'bounce';
  if (READ_RECEIPT_SUBJECT.test(s)) return 'read_receipt';
  if (AUTO_REPLY_SUBJECT.test(s)) return 'auto_reply';
  return null;
}

const SUBJECT_REASON: Record<Exclude<SubjectClass, null>, ClassificationReason> = {
  bounce: 'BOUNCE_SUBJECT',
  read_receipt: 'READ_RECEIPT_SUBJECT',
  auto_reply: 'AUTO_REPLY_SUBJECT',
};

function lowerSet(addresses: readonly string[]): Set<string> {
  return new Set(addresses.map((a) => a.trim().toLowerCase()).filter((a) => a !== ''));
}

/** Our Message-IDs: "<duban.<hash>@<our domain>>" (src/adapters/mail/compose-mime.ts). */
function isOurMessageId(id: string, ownDomains: ReadonlySet<string>): boolean {
  const m = /^<?duban\.[0-9a-f]+@([^<>\s]+)>?$/i.exec(id.trim());
  return m?.[1] !== undefined && ownDomains.has(m[1].toLowerCase());
}

/** A mail that answers or carries one of ours: it threads to our Message-ID or encloses our mail. */
function ownMailInside(msg: MessageFacts, own: ReadonlySet<string>): boolean {
  if ((msg.forwarded ?? []).some((f) => f.from && own.has(f.from.address.toLowerCase()))) {
    return true;
  }
  const domains = new Set([...own].map((a) => a.slice(a.lastIndexOf('@') + 1)));
  return [msg.inReplyTo ?? '', ...(msg.references ?? [])].some((id) => isOurMessageId(id, domains));
}

/**
 * Classify a message. The first rule that applies decides:
 *
 * 1. spoofed: our own MTA's Authentication-Results says dmarc=fail (only when `authservId` is set).
 * 2. own_mail: From or Sender is one of our addresses, or X-Loop names one.
 * 3. multipart/report: disposition-notification → read_receipt, delivery-status → bounce,
 *    feedback-report → auto_reply; any other report counts as a strong signal in rule 5.
 * 4. bounce: From, Sender or Return-Path is MAILER-DAEMON / postmaster; X-Failed-Recipients.
 * 5. Forwarded by rule (forwarding.ts: Auto-Submitted auto-forwarded, X-Forwarded-For/-To,
 *    X-MS-Exchange-Inbox-Rules-Loop, Resent-*, X-Original-To / Delivered-To naming a unit's
 *    address): when it encloses our own mail or threads to one of our Message-IDs, own_mail
 *    (OWN_MAIL_FORWARDED: our reminder forwarded back by the unit's rule); else, with no sign of an automatic answer (Auto-Submitted auto-replied, X-Autoreply …):
 *    with a sheet, submission_candidate (FORWARDED_BY_RULE); without one and without an
 *    automatic subject, auto_forwarded (FORWARDED_WITHOUT_SHEET: recorded, never answered).
 * 6. Strong automatic signals: another multipart/report, Auto-Submitted other than "no",
 *    X-Autoreply, X-Autorespond, Return-Path <>, Precedence auto_reply. The kind follows the subject (bounce / read receipt
 *    subjects), else auto_reply.
 * 7. Weak signals: an automatic-looking subject; Precedence bulk or junk; a mailing list (List-Id
 *    or Precedence list, one signal together); X-Auto-Response-Suppress only adds weight to
 *    another one. One weak signal on a mail with a spreadsheet attached is outweighed
 *    (submission_candidate, SHEET_OUTWEIGHS_WEAK_SIGNAL); otherwise the mail is automatic.
 * 8. Otherwise: submission_candidate (NO_AUTOMATIC_SIGNAL).
 */
export function classifyMessage(msg: MessageFacts, ctx: ClassifyContext): Classification {
  const h = msg.headers;

  // 1. A forged From makes every From-based rule below meaningless, so it goes first.
  const authservId = ctx.authservId?.trim();
  if (authservId) {
    for (const value of h.authenticationResults) {
      if (ourDmarcResult(value, authservId) === 'fail') {
        return verdict('spoofed', 'DMARC_FAIL', `Authentication-Results: ${value}`);
      }
    }
  }

  // 2. Our own mail coming back (a unit's server redirecting it, a copy to ourselves).
  const own = lowerSet(ctx.ownAddresses);
  for (const [header, who] of [
    ['From', msg.from],
    ['Sender', msg.sender],
  ] as const) {
    if (who && own.has(who.address.toLowerCase())) {
      return verdict('own_mail', 'OWN_ADDRESS', `${header}: ${who.address}`);
    }
  }
  for (const value of h.xLoop) {
    const named = value.toLowerCase().match(/[^\s<>"',;()]+@[^\s<>"',;()]+/g) ?? [];
    if (named.some((address) => own.has(address))) {
      return verdict('own_mail', 'LOOP_HEADER', `X-Loop: ${value}`);
    }
  }

  // 3. Reports (RFC 6522): DSN, MDN, ARF. Any other report (or one without report-type) is
  // automatic too, but what kind is left to the rules below (a mailer-daemon sender, the subject).
  let otherReport: string | null = null;
  for (const value of h.contentType) {
    const { type, reportType } = mediaType(value);
    if (type !== 'multipart/report') continue;
    const detail = `Content-Type: multipart/report; report-type=${reportType || '(none)'}`;
    if (reportType === 'disposition-notification') {
      return verdict('read_receipt', 'MDN_REPORT', detail);
    }
    if (reportType === 'delivery-status' || reportType === 'global-delivery-status') {
      return verdict('bounce', 'DSN_REPORT', detail);
    }
    if (reportType === 'feedback-report') return verdict('auto_reply', 'FEEDBACK_REPORT', detail);
    otherReport = detail;
  }

  // 4. Bounces without a report (older MTAs, Exim, Coremail's 系统退信).
  for (const [header, who] of [
    ['From', msg.from],
    ['Sender', msg.sender],
  ] as const) {
    if (who && isDaemonAddress(who.address)) {
      return verdict('bounce', 'MAILER_DAEMON', `${header}: ${who.address}`);
    }
  }
  for (const value of h.returnPath) {
    if (returnPathIsDaemon(value)) {
      return verdict('bounce', 'MAILER_DAEMON', `Return-Path: ${value}`);
    }
  }
  const failed = h.xFailedRecipients.find((v) => v.trim() !== '');
  if (failed !== undefined) {
    return verdict('bounce', 'FAILED_RECIPIENTS', `X-Failed-Recipients: ${failed}`);
  }

  // 5. Forwarded by a server's rule (a unit's section mailbox passed on to us): a sheet in it is
  // the unit's, whatever else looks automatic, unless the mail is an automatic answer. Without a
  // sheet it is recorded, never answered: a unit whose server forwards everything would forward
  // our answer back to us (From rewritten), and we would answer that too.
  const subjectKind = subjectClass(msg.subject);
  const carriesSheet = msg.attachments.some((a) => a.kind !== 'other');
  const forwarded = forwardSignal(h, lowerSet(ctx.unitAddresses ?? []), own);
  if (forwarded !== null && ownMailInside(msg, own)) {
    // Our reminder or answer (with its template attached) forwarded back by the unit's rule:
    // never a submission, never answered (that would be a loop).
    return verdict('own_mail', 'OWN_MAIL_FORWARDED', forwarded);
  }
  if (forwarded !== null && otherReport === null && replySignal(h) === null) {
    if (carriesSheet) return verdict('submission_candidate', 'FORWARDED_BY_RULE', forwarded);
    // An automatic subject or a null Return-Path (an Exchange out-of-office carries the rules
    // header too) leaves it to the rules below.
    if (subjectKind === null && !h.returnPath.some(isNullPath)) {
      return verdict('auto_forwarded', 'FORWARDED_WITHOUT_SHEET', forwarded);
    }
  }

  // 6. Headers only machines set.
  const automatic = (reason: ClassificationReason, detail: string): Classification =>
    verdict(subjectKind ?? 'auto_reply', reason, detail);
  if (otherReport !== null) return automatic('OTHER_REPORT', otherReport);
  for (const value of h.autoSubmitted) {
    const token = firstToken(value);
    if (token !== '' && token !== 'no') {
      return automatic('AUTO_SUBMITTED', `Auto-Submitted: ${value}`);
    }
  }
  for (const [header, values] of [
    ['X-Autoreply', h.xAutoreply],
    ['X-Autorespond', h.xAutorespond],
  ] as const) {
    const value = values.find((v) => !['no', 'false', '0'].includes(firstToken(v)));
    if (value !== undefined) return automatic('AUTOREPLY_HEADER', `${header}: ${value}`);
  }
  for (const value of h.returnPath) {
    if (isNullPath(value)) return automatic('NULL_RETURN_PATH', `Return-Path: ${value}`);
  }
  const precedence = h.precedence.map(firstToken);
  const autoPrecedence = precedence.find((p) => p === 'auto_reply' || p === 'auto-reply');
  if (autoPrecedence) return automatic('AUTOREPLY_HEADER', `Precedence: ${autoPrecedence}`);

  // 7. Weak signals.
  const weak: Array<{ reason: ClassificationReason; detail: string }> = [];
  if (subjectKind) {
    weak.push({ reason: SUBJECT_REASON[subjectKind], detail: `Subject: ${msg.subject}` });
  }
  const bulk = precedence.find((p) => p === 'bulk' || p === 'junk');
  if (bulk) weak.push({ reason: 'BULK_PRECEDENCE', detail: `Precedence: ${bulk}` });
  const listId = h.listId.find((v) => v.trim() !== '');
  if (listId !== undefined || precedence.includes('list')) {
    weak.push({
      reason: 'MAILING_LIST',
      detail: listId !== undefined ? `List-Id: ${listId}` : 'Precedence: list',
    });
  }
  const first = weak[0];
  if (!first) return verdict('submission_candidate', 'NO_AUTOMATIC_SIGNAL', '');
  const suppress = h.xAutoResponseSuppress.find((v) => !/^none$/i.test(v.trim()));
  const details = weak.map((w) => w.detail).join('; ');
  if (carriesSheet && weak.length === 1 && suppress === undefined) {
    return verdict(
      'submission_candidate',
      'SHEET_OUTWEIGHS_WEAK_SIGNAL',
      `spreadsheet attached; ignored ${details}`,
    );
  }
  return verdict(
    subjectKind ?? 'auto_reply',
    first.reason,
    suppress === undefined ? details : `${details}; X-Auto-Response-Suppress: ${suppress}`,
  );
}
