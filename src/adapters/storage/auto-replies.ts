/**
 * The automatic replies that count for the daily cap (src/adapters/mail/send-cap.ts): one row
 * per (mail, RCPT TO address), written when the sender has claimed an auto-replied mail and
 * removed when that attempt fails (the mail is then neither sent nor being sent). A sent mail
 * keeps its rows; a claim whose holder died keeps them too, so, as before, a mail that may have
 * left counts. Counting is an index range on (address, at): it costs the same whatever the size
 * of outgoing_mails.
 */
import type { Db } from './connection';
import { toTimestamp } from './codecs';
import { compiledOnce, slot } from './compiled-once';

/** Rows older than this are of no use to the cap (its window is a day): pruned now and then. */
const KEEP_MS = 2 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const lastPruned = new WeakMap<Db, number>();

/** Records that `mailId` (claimed now) goes to `addresses` (lower-cased). */
export async function recordAutoReply(
  db: Db,
  mailId: number,
  addresses: readonly string[],
  at: Date,
): Promise<void> {
  if (addresses.length === 0) return;
  const stamp = toTimestamp(at);
  if (addresses.length === 1) {
    await recordOne(db, { mailId, address: addresses[0], at: stamp });
  } else {
    await db.kysely
      .insertInto('auto_replies')
      .values(addresses.map((address) => ({ mail_id: mailId, address, at: stamp })))
      .onConflict((oc) => oc.columns(['mail_id', 'address']).doUpdateSet({ at: stamp }))
      .execute();
  }
  const pruned = lastPruned.get(db);
  if (pruned === undefined || at.getTime() - pruned >= PRUNE_EVERY_MS) {
    lastPruned.set(db, at.getTime());
    await db.kysely
      .deleteFrom('auto_replies')
      .where('at', '<', toTimestamp(at.getTime() - KEEP_MS))
      .execute();
  }
}

/** Forgets a mail's rows: its attempt failed, so it no longer counts. */
export async function forgetAutoReply(db: Db, mailId: number): Promise<void> {
  await db.kysely.deleteFrom('auto_replies').where('mail_id', '=', mailId).execute();
}

/**
 * How many other mails (not `excludeMailId`) each address got since `since`, by lower-cased
 * address (every address asked for is in the map).
 */
export async function autoRepliesSince(
  db: Db,
  addresses: readonly string[],
  since: Date,
  excludeMailId: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(addresses.map((a) => [a, 0]));
  if (addresses.length === 0) return counts;
  const rows =
    addresses.length === 1
      ? (
          await countOne(db, {
            address: addresses[0],
            since: toTimestamp(since),
            excludeMailId,
          })
        ).rows
      : await db.kysely
          .selectFrom('auto_replies')
          .select(['address', (eb) => eb.fn.countAll<number | string>().as('mails')])
          .where('address', 'in', addresses)
          .where('at', '>=', toTimestamp(since))
          .where('mail_id', '<>', excludeMailId)
          .groupBy('address')
          .execute();
  for (const row of rows) counts.set(row.address, Number(row.mails));
  return counts;
}

// The common case (a reply to one address) as statements built once (./compiled-once.ts).
const recordOne = compiledOnce((k) =>
  k
    .insertInto('auto_replies')
    .values({
      mail_id: slot<number>('mailId'),
      address: slot<string>('address'),
      at: slot<string>('at'),
    })
    .onConflict((oc) => oc.columns(['mail_id', 'address']).doUpdateSet({ at: slot<string>('at') })),
);

const countOne = compiledOnce((k) =>
  k
    .selectFrom('auto_replies')
    .select(['address', (eb) => eb.fn.countAll<number | string>().as('mails')])
    .where('address', '=', slot<string>('address'))
    .where('at', '>=', slot<string>('since'))
    .where('mail_id', '<>', slot<number>('excludeMailId'))
    .groupBy('address'),
);
