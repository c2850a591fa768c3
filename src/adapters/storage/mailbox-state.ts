/**
 * Mailbox state: where the IMAP intake stands, per account and mailbox. Writes may carry the
 * watcher's lease fence (src/adapters/lease): one older than the stored fence is refused.
 */
import { sql } from 'kysely';
import type { Db } from './connection';
import { toTimestamp } from './codecs';
import type { MailboxStateRow } from './schema';

export async function getMailboxState(
  db: Db,
  account: string,
  mailbox: string,
): Promise<MailboxStateRow | undefined> {
  return db.kysely
    .selectFrom('mailbox_state')
    .selectAll()
    .where('account', '=', account)
    .where('mailbox', '=', mailbox)
    .executeTakeFirst();
}

export interface MailboxProgress {
  account: string;
  mailbox: string;
  /** Unsigned 32-bit: stored as text. */
  uidvalidity: string | number | bigint;
  /** The highest UID whose message is stored. */
  lastUid: number;
  now?: Date;
  /**
   * The writer's lease fence (src/adapters/lease): the write applies only when the stored fence
   * is not larger. Without one (a one-off sync) the stored fence is neither checked nor changed.
   */
  fence?: number;
}

/**
 * Records a successful poll. Within the same UIDVALIDITY `last_uid` never moves backwards (two
 * pollers finishing out of order must not make the next poll fetch everything again); a new
 * UIDVALIDITY replaces it, since every old UID is void then. Returns false when the stored
 * state was ahead and was kept.
 */
export async function saveMailboxState(db: Db, input: MailboxProgress): Promise<boolean> {
  const now = toTimestamp(input.now ?? new Date());
  const fence = input.fence ?? null;
  const saved = await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: input.account,
      mailbox: input.mailbox,
      uidvalidity: String(input.uidvalidity),
      last_uid: input.lastUid,
      last_success_at: now,
      updated_at: now,
      fence,
    })
    .onConflict((oc) =>
      oc
        .columns(['account', 'mailbox'])
        .doUpdateSet((eb) => ({
          uidvalidity: eb.ref('excluded.uidvalidity'),
          last_uid: eb.ref('excluded.last_uid'),
          last_success_at: eb.ref('excluded.last_success_at'),
          updated_at: eb.ref('excluded.updated_at'),
          fence: eb.fn.coalesce('excluded.fence', 'mailbox_state.fence'),
        }))
        .where((eb) =>
          eb.and([
            eb.or([
              eb('mailbox_state.uidvalidity', 'is distinct from', eb.ref('excluded.uidvalidity')),
              eb('mailbox_state.last_uid', '<=', eb.ref('excluded.last_uid')),
            ]),
            fenceAllows(fence),
          ]),
        ),
    )
    .returning('account')
    .executeTakeFirst();
  return saved !== undefined;
}

/** The fence condition of a mailbox_state update: none without a fence, else stored ≤ ours. */
function fenceAllows(fence: number | null) {
  return fence === null
    ? sql<boolean>`1 = 1`
    : sql<boolean>`(mailbox_state.fence is null or mailbox_state.fence <= ${fence})`;
}

/** The largest fence any watcher wrote (the floor for the next lease's fence). */
export async function mailboxFence(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('mailbox_state')
    .select((eb) => eb.fn.max('fence').as('fence'))
    .executeTakeFirst();
  return Number(row?.fence ?? 0);
}

/** Records a failed poll (keeps the position). */
export async function recordMailboxError(
  db: Db,
  input: { account: string; mailbox: string; error: string; now?: Date; fence?: number },
): Promise<void> {
  const now = toTimestamp(input.now ?? new Date());
  const fence = input.fence ?? null;
  await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: input.account,
      mailbox: input.mailbox,
      uidvalidity: null,
      last_uid: 0,
      last_error: input.error,
      last_error_at: now,
      updated_at: now,
      fence,
    })
    .onConflict((oc) =>
      oc
        .columns(['account', 'mailbox'])
        .doUpdateSet((eb) => ({
          last_error: eb.ref('excluded.last_error'),
          last_error_at: eb.ref('excluded.last_error_at'),
          updated_at: eb.ref('excluded.updated_at'),
          fence: eb.fn.coalesce('excluded.fence', 'mailbox_state.fence'),
        }))
        .where(fenceAllows(fence)),
    )
    .execute();
}
