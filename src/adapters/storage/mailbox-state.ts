/** Mailbox state: where the IMAP intake stands, per account and mailbox. */
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
}

/**
 * Records a successful poll. Within the same UIDVALIDITY `last_uid` never moves backwards (two
 * pollers finishing out of order must not make the next poll fetch everything again); a new
 * UIDVALIDITY replaces it, since every old UID is void then. Returns false when the stored
 * state was ahead and was kept.
 */
export async function saveMailboxState(db: Db, input: MailboxProgress): Promise<boolean> {
  const now = toTimestamp(input.now ?? new Date());
  const saved = await db.kysely
    .insertInto('mailbox_state')
    .values({
      account: input.account,
      mailbox: input.mailbox,
      uidvalidity: String(input.uidvalidity),
      last_uid: input.lastUid,
      last_success_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['account', 'mailbox'])
        .doUpdateSet((eb) => ({
          uidvalidity: eb.ref('excluded.uidvalidity'),
          last_uid: eb.ref('excluded.last_uid'),
          last_success_at: eb.ref('excluded.last_success_at'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) =>
          eb.or([
            eb('mailbox_state.uidvalidity', 'is distinct from', eb.ref('excluded.uidvalidity')),
            eb('mailbox_state.last_uid', '<=', eb.ref('excluded.last_uid')),
          ]),
        ),
    )
    .returning('account')
    .executeTakeFirst();
  return saved !== undefined;
}

/** Records a failed poll (keeps the position). */
export async function recordMailboxError(
  db: Db,
  input: { account: string; mailbox: string; error: string; now?: Date },
): Promise<void> {
  const now = toTimestamp(input.now ?? new Date());
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
    })
    .onConflict((oc) =>
      oc.columns(['account', 'mailbox']).doUpdateSet((eb) => ({
        last_error: eb.ref('excluded.last_error'),
        last_error_at: eb.ref('excluded.last_error_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
