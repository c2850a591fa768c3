/**
 * Raw messages: every message received, byte for byte, before anything is made of it; what
 * processing made of it; and which stored copy answers for a (sender, Message-ID).
 */
import type { Db } from './connection';
import { optionalTimestamp, sha256Hex, toBuffer, toTimestamp } from './codecs';
import type { RawMessageRow, RawMessageSource } from './schema';

/** The outcome and reason a message of the watcher's first scan of an old mailbox is stored with. */
export const HISTORY_OUTCOME = { outcome: 'ignored', reason: 'HISTORY' } as const;

export interface NewRawMessage {
  /** The message exactly as fetched (RFC 5322 bytes). Its SHA-256 is computed here. */
  raw: Uint8Array;
  source: RawMessageSource;
  messageId?: string | null;
  /** IMAP location; all four are required for source 'imap'. */
  account?: string | null;
  mailbox?: string | null;
  /** Unsigned 32-bit: pass the string, number or bigint the IMAP library gives; stored as text. */
  uidvalidity?: string | number | bigint | null;
  uid?: number | null;
  internalDate?: Date | string | null;
  fileName?: string | null;
  /**
   * The size the server declared, when the message was over the size limit and `raw` is only
   * its header block: stored as truncated, so processing answers "too large".
   */
  truncatedFrom?: number | null;
  /**
   * Received before IMAP_SINCE (the first scan of an old mailbox): stored as already processed
   * (outcome 'ignored', reason 'HISTORY'), so nothing ever answers it.
   */
  history?: boolean;
  /** When duban stored it (default: now). */
  receivedAt?: Date;
}

/**
 * What became of a message handed to storeRawMessage:
 * - 'new': stored by this call;
 * - 'redelivered': already stored from this very IMAP location (a poll repeated after a crash
 *   before the position moved): the caller hands it on again;
 * - 'duplicate': the same bytes already stored from elsewhere (another UID, a re-scan after a
 *   UIDVALIDITY change, a file ingested twice): never handed on.
 */
export type StoreDecision = 'new' | 'redelivered' | 'duplicate';

export interface StoredRawMessage {
  id: number;
  decision: StoreDecision;
  /** True only for 'new'; otherwise nothing was written. */
  isNew: boolean;
  /** What recognised the existing row: the same bytes, or the same IMAP location. */
  duplicateBy: 'sha256' | 'location' | null;
  /** The stored row holds only the header block (over the size limit). */
  truncated: boolean;
  /** The stored row is history: recorded, never answered. */
  history: boolean;
}

/**
 * Stores a received message once, with everything the caller already knows about it (too large,
 * history) in the same insert, and says what it decided: the caller never reads the row back nor
 * writes it a second time. Idempotent by content (sha256: the same message delivered again under
 * a new UID, or re-scanned after a UIDVALIDITY change) and by IMAP location (account, mailbox,
 * uidvalidity, uid: a poll repeated after a crash). Message-ID is not used: it is sometimes
 * missing and sometimes reused.
 *
 * The insert is `ON CONFLICT DO NOTHING` rather than "look, then insert", so two pollers racing
 * on the same message store it once and exactly one of them sees 'new'. Only a conflict (rare)
 * costs a second statement, to find the row that was there first.
 */
export async function storeRawMessage(db: Db, input: NewRawMessage): Promise<StoredRawMessage> {
  const raw = toBuffer(input.raw);
  const sha256 = sha256Hex(raw);
  const uidvalidity =
    input.uidvalidity === null || input.uidvalidity === undefined
      ? null
      : String(input.uidvalidity);
  const location = {
    account: input.account ?? null,
    mailbox: input.mailbox ?? null,
    uidvalidity,
    uid: input.uid ?? null,
  };
  const hasLocation = Object.values(location).every((v) => v !== null);
  // The table's CHECK says the same; saying it here gives one clear error on both dialects.
  if (input.source === 'imap' && !hasLocation) {
    throw new RangeError('an IMAP message needs its account, mailbox, UIDVALIDITY and UID');
  }
  const receivedAt = toTimestamp(input.receivedAt ?? new Date());
  const truncated = input.truncatedFrom !== null && input.truncatedFrom !== undefined;
  const history = input.history === true;
  const inserted = await db.kysely
    .insertInto('raw_messages')
    .values({
      sha256,
      raw,
      size: raw.length,
      message_id: input.messageId ?? null,
      ...location,
      internal_date: optionalTimestamp(input.internalDate),
      source: input.source,
      file_name: input.fileName ?? null,
      received_at: receivedAt,
      truncated: truncated ? 1 : 0,
      declared_size: truncated ? (input.truncatedFrom ?? null) : null,
      ...(history
        ? {
            outcome: HISTORY_OUTCOME.outcome,
            outcome_reason: HISTORY_OUTCOME.reason,
            processed_at: receivedAt,
          }
        : {}),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    return { id: inserted.id, decision: 'new', isNew: true, duplicateBy: null, truncated, history };
  }

  // Conflicted: on the bytes, on the location, or (a repeated poll) on both with the same row.
  const existing = await db.kysely
    .selectFrom('raw_messages')
    .select([
      'id',
      'sha256',
      'account',
      'mailbox',
      'uidvalidity',
      'uid',
      'truncated',
      'outcome',
      'outcome_reason',
    ])
    .where((eb) =>
      hasLocation
        ? eb.or([
            eb('sha256', '=', sha256),
            eb.and([
              eb('account', '=', location.account),
              eb('mailbox', '=', location.mailbox),
              eb('uidvalidity', '=', location.uidvalidity),
              eb('uid', '=', location.uid),
            ]),
          ])
        : eb('sha256', '=', sha256),
    )
    .execute();
  const samePlace = existing.find(
    (r) =>
      hasLocation &&
      r.account === location.account &&
      r.mailbox === location.mailbox &&
      r.uidvalidity === location.uidvalidity &&
      Number(r.uid) === location.uid,
  );
  const sameBytes = existing.find((r) => r.sha256 === sha256);
  // Our own earlier attempt at this very message wins: it is the row that was handed on.
  const row = samePlace ?? sameBytes;
  if (!row)
    throw new Error('raw message insert conflicted, but no row matches its sha256 or location');
  return {
    id: row.id,
    decision: samePlace ? 'redelivered' : 'duplicate',
    isNew: false,
    duplicateBy: sameBytes ? 'sha256' : 'location',
    truncated: row.truncated === 1,
    history:
      row.outcome === HISTORY_OUTCOME.outcome && row.outcome_reason === HISTORY_OUTCOME.reason,
  };
}

export async function getRawMessage(db: Db, id: number): Promise<RawMessageRow | undefined> {
  return db.kysely.selectFrom('raw_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface RawMessageOutcome {
  /** The caller's word for what became of it ('submission', 'ignored', 'rejected', …). */
  outcome: string;
  reason?: string | null;
  fromAddress?: string | null;
  subject?: string | null;
  /** The Message-ID as parsed (files are stored before they are parsed). */
  messageId?: string | null;
  /** The unit it came from and the week its arrival points to (left as they are when absent). */
  unitId?: string | null;
  reportingWeek?: string | null;
  now?: Date;
}

/** Records what processing made of a message (overwrites: a replay records its own outcome). */
export async function setRawMessageOutcome(
  db: Db,
  id: number,
  input: RawMessageOutcome,
): Promise<void> {
  await db.kysely
    .updateTable('raw_messages')
    .set({
      outcome: input.outcome,
      outcome_reason: input.reason ?? null,
      processed_at: toTimestamp(input.now ?? new Date()),
      ...(input.fromAddress !== undefined ? { from_address: input.fromAddress } : {}),
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.messageId ? { message_id: input.messageId } : {}),
      ...(input.unitId !== undefined ? { unit_id: input.unitId } : {}),
      ...(input.reportingWeek !== undefined ? { reporting_week: input.reportingWeek } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** A stored message not processed yet, with where it was found (for its intake job's id). */
export interface UnprocessedMessage {
  id: number;
  mailbox: string | null;
  uidvalidity: string | null;
  uid: number | null;
}

/** Stored messages not processed yet (no outcome), received before a moment, oldest first. */
export async function unprocessedMessages(
  db: Db,
  receivedBefore: Date,
  limit = 500,
): Promise<UnprocessedMessage[]> {
  return db.kysely
    .selectFrom('raw_messages')
    .select(['id', 'mailbox', 'uidvalidity', 'uid'])
    .where('outcome', 'is', null)
    .where('received_at', '<', toTimestamp(receivedBefore))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Messages held back for the office (unknown senders, failed DMARC), newest first. */
export async function quarantinedMessages(db: Db, limit = 200): Promise<RawMessageRow[]> {
  return db.kysely
    .selectFrom('raw_messages')
    .selectAll()
    .where('outcome', '=', 'quarantined')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Claims a (sender, Message-ID) for a stored message and returns the message that holds the
 * claim: this one, or an earlier copy of the same mail (delivered again under another UID, with
 * other headers). The insert is the arbiter, so two workers processing both copies at once
 * cannot both win; only a lost claim costs a second statement.
 */
export async function claimMessageId(
  db: Db,
  input: { rawMessageId: number; sender: string; messageId: string; now?: Date },
): Promise<number> {
  const won = await db.kysely
    .insertInto('message_claims')
    .values({
      sender: input.sender,
      message_id: input.messageId,
      raw_message_id: input.rawMessageId,
      created_at: toTimestamp(input.now ?? new Date()),
    })
    .onConflict((oc) => oc.columns(['sender', 'message_id']).doNothing())
    .returning('raw_message_id')
    .executeTakeFirst();
  if (won) return won.raw_message_id;
  const row = await db.kysely
    .selectFrom('message_claims')
    .select('raw_message_id')
    .where('sender', '=', input.sender)
    .where('message_id', '=', input.messageId)
    .executeTakeFirstOrThrow();
  return row.raw_message_id;
}

/**
 * Messages from registered units attributed to `week` that brought no submission of their own
 * (ignored or rejected before a sheet was read: automatic mail, forwarded without a sheet, too
 * large, unreadable), oldest first. Rejected sheets are submissions and are not listed here.
 */
export async function unusableUnitMessages(
  db: Db,
  week: string,
): Promise<
  Array<
    Pick<
      RawMessageRow,
      | 'id'
      | 'unit_id'
      | 'reporting_week'
      | 'internal_date'
      | 'received_at'
      | 'from_address'
      | 'subject'
      | 'outcome'
      | 'outcome_reason'
    >
  >
> {
  return db.kysely
    .selectFrom('raw_messages as m')
    .select([
      'm.id',
      'm.unit_id',
      'm.reporting_week',
      'm.internal_date',
      'm.received_at',
      'm.from_address',
      'm.subject',
      'm.outcome',
      'm.outcome_reason',
    ])
    .where('m.reporting_week', '=', week)
    .where('m.unit_id', 'is not', null)
    .where('m.outcome', 'in', ['ignored', 'rejected'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('submissions as s').select('s.id').whereRef('s.raw_message_id', '=', 'm.id'),
        ),
      ),
    )
    .orderBy('m.id')
    .execute();
}
