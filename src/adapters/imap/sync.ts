/**
 * One sync of the watched mailbox: list what is new since the saved position (sizes and dates
 * first, collected in full before any other command), store and hand on each message in UID
 * order, and move the position only after each hand-off; then the heartbeat (the position saved
 * again, also when nothing arrived). See ./watcher.ts for the invariants.
 */
import type { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import { getMailboxState, type Db, type MailboxProgress } from '../storage';
import type { MessageIngest } from './ingest';
import { StopRequested, type Clock, type SyncResult } from './watcher-types';

export interface SyncContext {
  config: ImapConfig;
  db: Db;
  log: Logger;
  clock: Clock;
  ingest: MessageIngest;
  /** Saves the position with the lease's fence; throws StopRequested when fenced out. */
  savePosition(progress: MailboxProgress): Promise<void>;
  /** A sync succeeded at `now` (health, the stall warning). */
  synced(now: Date): void;
}

export async function syncMailbox(
  ctx: SyncContext,
  client: ImapFlow,
  stopRequested: () => boolean,
): Promise<SyncResult> {
  const { config, db, log, clock } = ctx;
  const key = { account: config.account, mailbox: config.mailbox };
  // Read-only (EXAMINE) unless messages are moved: nothing the watcher does can change a flag.
  const lock = await client.getMailboxLock(config.mailbox, {
    readOnly: config.processedFolder === null,
    description: 'duban sync',
  });
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw Object.assign(new Error('no mailbox selected'), { code: 'NoConnection' });
    const uidvalidity = mailbox.uidValidity.toString();
    const state = await getMailboxState(db, key.account, key.mailbox);
    const known = state?.uidvalidity ?? null;
    const rescanned = known !== null && known !== uidvalidity;
    let last = known === uidvalidity && state ? Number(state.last_uid) : 0;
    if (rescanned) {
      log.warn(
        { before: known, after: uidvalidity },
        'UIDVALIDITY changed: every stored UID is void, reading the whole mailbox again',
      );
    } else if (known === null && config.since === null && mailbox.exists > 0) {
      log.warn(
        { messages: mailbox.exists },
        'first sync without IMAP_SINCE: every message in the mailbox is handed on as new',
      );
    }

    // Sizes and dates first; collected in full before any other command is issued.
    const listed =
      mailbox.exists === 0
        ? []
        : await client.fetchAll(
            `${last + 1}:*`,
            { uid: true, size: true, internalDate: true, envelope: true },
            { uid: true },
          );
    // `UID FETCH n:*` also returns the newest message when every UID is below n.
    const fresh = listed.filter((m) => m.uid > last).sort((a, b) => a.uid - b.uid);

    const result: SyncResult = {
      uidvalidity,
      rescanned,
      stored: 0,
      redelivered: 0,
      duplicates: 0,
      vanished: 0,
      lastUid: last,
    };
    for (const meta of fresh) {
      if (stopRequested()) throw new StopRequested();
      const outcome = await ctx.ingest.ingest(client, meta, { uidvalidity, uid: meta.uid });
      result[outcome] += 1;
      // The position moves only now, after onStored resolved.
      await ctx.savePosition({ ...key, uidvalidity, lastUid: meta.uid, now: clock.now() });
      last = meta.uid;
      result.lastUid = last;
      if (config.processedFolder !== null && (outcome === 'stored' || outcome === 'redelivered')) {
        await ctx.ingest.moveTo(client, meta.uid, config.processedFolder);
      }
    }

    // The heartbeat: also when nothing arrived (sets last_success_at).
    const now = clock.now();
    await ctx.savePosition({ ...key, uidvalidity, lastUid: last, now });
    ctx.synced(now);
    if (fresh.length > 0 || rescanned) {
      log.info({ ...result }, 'mailbox synced');
    } else {
      log.debug({ ...result }, 'mailbox synced');
    }
    return result;
  } finally {
    lock.release();
  }
}
