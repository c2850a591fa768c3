/**
 * The daily cap on automatic replies per recipient address: the second guard against mail
 * loops (the first is the Auto-Submitted / X-Auto-Response-Suppress headers, and intake
 * ignoring automatic mail). If some autoresponder answers every receipt with a mail that
 * intake takes for a person's, the loop stops after `cap` replies a day instead of running
 * until a mailbox fills. OTRS does the same.
 *
 * Counted from `outgoing_mails` (no table of its own): what each row stores in
 * `recipients_json` is written by ./outgoing-mail.ts (freezeMail) as a RecipientsRecord.
 */
import type { Db } from '../storage/connection';
import { toTimestamp } from '../storage/codecs';

/** What ./outgoing-mail.ts stores as `recipients_json` for a mail to be sent. */
export interface RecipientsRecord {
  from: string;
  to: Array<{ name: string; address: string }>;
  cc: Array<{ name: string; address: string }>;
  /** RCPT TO, lower-cased: what the cap counts. */
  rcpt: string[];
  autoSubmitted: 'auto-replied' | 'auto-generated';
}

export interface RecentRepliesQuery {
  /** Count mails sent (or being sent) at or after this time. */
  since: Date;
  /** The mail being decided: it must not count itself. */
  excludeKey: string;
}

/**
 * How many auto-replied mails each address got since `since` (sent, or claimed and being sent
 * now, so two replies racing each other both count), by lower-cased address.
 *
 * The LIKE is only a prefilter and deliberately unescaped: `_` and `%` (both legal in an
 * address's local part) act as wildcards and can only widen the match, which the exact check
 * on the parsed JSON below then narrows. Validated addresses hold no backslash or quote, and
 * `rcpt` is stored lower-cased, so the prefilter behaves the same on SQLite (case-insensitive
 * LIKE) and PostgreSQL (case-sensitive LIKE).
 */
export async function autoRepliesSentTo(
  db: Db,
  addresses: readonly string[],
  query: RecentRepliesQuery,
): Promise<Map<string, number>> {
  const wanted = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const counts = new Map<string, number>(wanted.map((a) => [a, 0]));
  if (wanted.length === 0) return counts;
  const rows = await db.kysely
    .selectFrom('outgoing_mails')
    .select(['recipients_json'])
    .where('status', 'in', ['sent', 'claimed'])
    .where('mail_key', '<>', query.excludeKey)
    .where((eb) => eb(eb.fn.coalesce('sent_at', 'claimed_at'), '>=', toTimestamp(query.since)))
    .where((eb) => eb.or(wanted.map((a) => eb('recipients_json', 'like', `%"${a}"%`))))
    .execute();
  for (const row of rows) {
    const record = parseRecord(row.recipients_json);
    if (!record || record.autoSubmitted !== 'auto-replied') continue;
    for (const address of new Set(record.rcpt)) {
      const count = counts.get(address);
      if (count !== undefined) counts.set(address, count + 1);
    }
  }
  return counts;
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
