/**
 * A message from a registered unit that brought no sheet record of its own: automatic mail, mail
 * forwarded by rule without a sheet, mail too large or impossible to read. Rejected sheets are
 * not among them (they are submissions with status 'rejected'). The status and the digest's
 * office section show these, so a unit that wrote is never shown as silent.
 */

export interface UnusableMessageFact {
  rawMessageId: number;
  unitId: string;
  /** The reporting week its arrival points to. */
  week: string;
  /** When it arrived (IMAP INTERNALDATE, else when duban stored it). */
  receivedAt: Date;
  fromAddress: string | null;
  subject: string | null;
  /** 'ignored' or 'rejected'. */
  outcome: string;
  /** FORWARDED_WITHOUT_SHEET, AUTO_REPLY, BOUNCE, READ_RECEIPT, TOO_LARGE, MESSAGE_TOO_COMPLEX, … */
  reason: string | null;
  /** Whether it counts as "received, not usable" for the week (see countsAsReceived). */
  countsAsReceived: boolean;
}

/** Automatic answers: shown to the office, but they are not the unit sending anything. */
const AUTOMATIC_ANSWERS: ReadonlySet<string> = new Set([
  'AUTO_REPLY',
  'BOUNCE',
  'READ_RECEIPT',
  'OWN_MAIL',
]);

/**
 * Whether a unit's unusable message counts as "received, not usable" rather than "missing": a
 * mail the unit (or its server, forwarding by rule) sent — forwarded without a sheet, too large,
 * unreadable — does; an out-of-office reply, a bounce or a read receipt from its address does not
 * (it answers our mail, it sends nothing).
 */
export function countsAsReceived(reason: string | null): boolean {
  return reason === null || !AUTOMATIC_ANSWERS.has(reason);
}
