/**
 * The daily cap on automatic replies per recipient address: the second guard against mail
 * loops (the first is the Auto-Submitted / X-Auto-Response-Suppress headers, and intake
 * ignoring automatic mail). If some autoresponder answers every receipt with a mail that
 * intake takes for a person's, the loop stops after `cap` replies a day instead of running
 * until a mailbox fills. OTRS does the same.
 *
 * Counted from the `auto_replies` rows (src/adapters/storage/auto-replies.ts), one per (mail,
 * RCPT TO address), written when a mail is claimed; the addresses come from what
 * ./outgoing-mail.ts (freezeMail) stores as `recipients_json`, a RecipientsRecord.
 */
import type { Db } from '../storage/connection';
import { autoRepliesSince, recordAutoReply } from '../storage/auto-replies';

/** What ./outgoing-mail.ts stores as `recipients_json` for a mail to be sent. */
export interface RecipientsRecord {
  from: string;
  to: Array<{ name: string; address: string }>;
  cc: Array<{ name: string; address: string }>;
  /** RCPT TO, lower-cased: what the cap counts. */
  rcpt: string[];
  autoSubmitted: 'auto-replied' | 'auto-generated';
}

export interface AutoReplyCount {
  /** The mail just claimed: recorded as going to its addresses now, and not counted. */
  mailId: number;
  now: Date;
  /** Count mails claimed at or after this time. */
  since: Date;
}

/**
 * Records that the claimed auto-replied mail goes to `addresses`, then counts the other
 * auto-replied mails each address got since `since` (sent, or claimed and being sent now), by
 * lower-cased address. Recording first makes two replies racing each other both count for the
 * other, as when the cap was read from claimed rows.
 */
export async function autoRepliesSentTo(
  db: Db,
  addresses: readonly string[],
  query: AutoReplyCount,
): Promise<Map<string, number>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  await recordAutoReply(db, query.mailId, wanted, query.now);
  return autoRepliesSince(db, wanted, query.since, query.mailId);
}

function parseRecord(json: string): Pick<RecipientsRecord, 'rcpt' | 'autoSubmitted'> | null {
  try {
    const value = JSON.parse(json) as Partial<RecipientsRecord> | null;
    if (!value || !Array.isArray(value.rcpt)) return null;
    return {
      rcpt: value.rcpt.filter((a): a is string => typeof a === 'string'),
      autoSubmitted: value.autoSubmitted === 'auto-replied' ? 'auto-replied' : 'auto-generated',
    };
  } catch {
    return null;
  }
}

/** The record of a mail to be sent, or null when the JSON is not one (a refused mail's record). */
export function parseRecipients(json: string): RecipientsRecord | null {
  try {
    const value = JSON.parse(json) as Partial<RecipientsRecord> | null;
    const list = (v: unknown): Array<{ name: string; address: string }> | null =>
      Array.isArray(v) &&
      v.every((a: unknown) => {
        const o = a as { name?: unknown; address?: unknown } | null;
        return o !== null && typeof o === 'object' && typeof o.address === 'string';
      })
        ? (v as Array<{ name?: unknown; address: string }>).map((a) => ({
            name: typeof a.name === 'string' ? a.name : '',
            address: a.address,
          }))
        : null;
    if (!value || typeof value.from !== 'string') return null;
    const to = list(value.to);
    const cc = list(value.cc ?? []);
    const base = parseRecord(json);
    if (!to || to.length === 0 || !cc || !base) return null;
    return { from: value.from, to, cc, ...base };
  } catch {
    return null;
  }
}
