/**
 * Mail a server forwarded by rule: a unit's section mailbox passing everything on to the office
 * mailbox (an Exchange inbox rule, a Postfix alias or Sieve redirect, Gmail or Coremail
 * auto-forwarding). Such a mail is automatic in form — some servers mark it `Auto-Submitted:
 * auto-forwarded` or `auto-generated` — but what it carries was written by a person: a sheet
 * forwarded by rule is the unit's submission.
 *
 * Pure: header values in (as IntakeHeaders holds them), a decision out.
 */
import type { Schedule, Unit } from '../../config/schedule';
import { normalizeAddress, unitForSender } from './sender';

/** The header values read here (IntakeHeaders in classify.ts has them all). */
type IntakeHeaders = Readonly<
  Record<
    | 'autoSubmitted'
    | 'xAutoreply'
    | 'xAutorespond'
    | 'precedence'
    | 'xForwardedFor'
    | 'xForwardedTo'
    | 'xMsExchangeInboxRulesLoop'
    | 'resentFrom'
    | 'resentTo'
    | 'resentSender'
    | 'xOriginalTo'
    | 'deliveredTo',
    string[]
  >
>;

interface MailAddress {
  address: string;
}

/** Strip "(comments)" and take the first token, lower-cased. */
function firstToken(value: string): string {
  return (
    value
      .replace(/\([^()]*\)/g, ' ')
      .trim()
      .split(/[\s;,]+/)[0] ?? ''
  ).toLowerCase();
}

/** Every bare address written in a header value ("A <a@x.cn>, b@y.cn" → a@x.cn, b@y.cn). */
export function addressesIn(value: string): string[] {
  const found = value.toLowerCase().match(/[^\s<>"',;()]+@[^\s<>"',;()]+/g) ?? [];
  return found.flatMap((a) => {
    const address = normalizeAddress(a);
    return address === null ? [] : [address];
  });
}

/** Auto-Submitted values a forwarding server may write on what it passes on. */
const FORWARDING_AUTO_SUBMITTED = new Set(['auto-forwarded', 'auto-generated']);

/**
 * The header that shows the mail was forwarded or redirected by a server, as "Name: value" for
 * logs, or null. X-Original-To and Delivered-To are written by every delivering server (ours
 * included), so they count only when they name a unit's address that is not ours.
 */
export function forwardSignal(
  h: IntakeHeaders,
  unitAddresses: ReadonlySet<string>,
  own: ReadonlySet<string>,
): string | null {
  const autoForwarded = h.autoSubmitted.find((v) => firstToken(v) === 'auto-forwarded');
  if (autoForwarded !== undefined) return `Auto-Submitted: ${autoForwarded}`;
  const present: Array<[string, string[]]> = [
    ['X-Forwarded-For', h.xForwardedFor],
    ['X-Forwarded-To', h.xForwardedTo],
    ['X-MS-Exchange-Inbox-Rules-Loop', h.xMsExchangeInboxRulesLoop],
    ['Resent-From', h.resentFrom],
    ['Resent-Sender', h.resentSender],
    ['Resent-To', h.resentTo],
  ];
  for (const [name, values] of present) {
    const value = values.find((v) => v.trim() !== '');
    if (value !== undefined) return `${name}: ${value}`;
  }
  for (const [name, values] of [
    ['X-Original-To', h.xOriginalTo],
    ['Delivered-To', h.deliveredTo],
  ] as const) {
    const value = values.find((v) =>
      addressesIn(v).some((a) => unitAddresses.has(a) && !own.has(a)),
    );
    if (value !== undefined) return `${name}: ${value}`;
  }
  return null;
}

/**
 * A signal that the mail is an automatic *answer* (an out-of-office, a responder), which no
 * forwarding header outweighs: Auto-Submitted other than no / auto-forwarded / auto-generated,
 * X-Autoreply, X-Autorespond, Precedence auto_reply. As "Name: value", or null.
 */
export function replySignal(h: IntakeHeaders): string | null {
  const submitted = h.autoSubmitted.find((v) => {
    const token = firstToken(v);
    return token !== '' && token !== 'no' && !FORWARDING_AUTO_SUBMITTED.has(token);
  });
  if (submitted !== undefined) return `Auto-Submitted: ${submitted}`;
  for (const [name, values] of [
    ['X-Autoreply', h.xAutoreply],
    ['X-Autorespond', h.xAutorespond],
  ] as const) {
    const value = values.find((v) => !['no', 'false', '0'].includes(firstToken(v)));
    if (value !== undefined) return `${name}: ${value}`;
  }
  const precedence = h.precedence.find((v) => ['auto_reply', 'auto-reply'].includes(firstToken(v)));
  return precedence === undefined ? null : `Precedence: ${precedence}`;
}

/**
 * The addresses a forwarded mail may be attributed by, in order: From (the unit's section
 * mailbox, when the server kept the original sender or wrote its own), then Resent-From (a
 * redirect names the mailbox that redirected), then Sender.
 */
export function forwardingAddresses(msg: {
  from: MailAddress | null;
  sender: MailAddress | null;
  headers: Pick<IntakeHeaders, 'resentFrom'>;
}): string[] {
  return [
    ...(msg.from ? [msg.from.address] : []),
    ...msg.headers.resentFrom.flatMap(addressesIn),
    ...(msg.sender ? [msg.sender.address] : []),
  ];
}

/**
 * The registered unit a message comes from. By From alone, except for a mail forwarded by rule
 * (reason FORWARDED_BY_RULE or FORWARDED_WITHOUT_SHEET), which is also attributed by Resent-From
 * and then Sender when From is no unit's (the server kept the original outside sender).
 */
export function unitOfMessage(
  msg: Parameters<typeof forwardingAddresses>[0],
  /** The classification's reason (ClassificationReason), or null. */
  reason: string | null,
  schedule: Pick<Schedule, 'units'>,
): Unit | null {
  if (reason !== 'FORWARDED_BY_RULE' && reason !== 'FORWARDED_WITHOUT_SHEET') {
    return unitForSender(msg.from?.address, schedule);
  }
  for (const address of forwardingAddresses(msg)) {
    const unit = unitForSender(address, schedule);
    if (unit) return unit;
  }
  return null;
}
