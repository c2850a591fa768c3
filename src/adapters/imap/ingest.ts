/**
 * One listed message of the watched mailbox: downloaded (headers only when too large), stored
 * byte for byte (storeRawMessage decides new, our own earlier attempt at this place, or a copy
 * from elsewhere) and handed on (`onStored`) unless it is a copy; and, when configured, moved
 * to the processed folder with IMAP MOVE only. See ./watcher.ts for the invariants.
 */
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import { DubanError, type Code } from '../../errors';
import { storeRawMessage, type Db } from '../storage';
import type { Clock, Location, OnStored, Outcome } from './watcher-types';

/** A hand-off that failed only because the queue (Redis) is down: the sweeper catches up. */
export function deferredHandOff(err: unknown): err is DubanError {
  return err instanceof DubanError && err.code === 'REDIS_UNAVAILABLE';
}

export class MessageIngest {
  private movesRefused = false;

  constructor(
    private readonly config: ImapConfig,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onStored: OnStored,
  ) {}

  /** Stores one message and hands it on if it is new here. */
  /** Stores one message and hands it on if it is new here. */
  async ingest(client: ImapFlow, meta: FetchMessageObject, at: Location): Promise<Outcome> {
    const { config, db } = this;
    const size = meta.size ?? 0;
    const internalDate = toDate(meta.internalDate) ?? this.clock.now();
    const tooLarge = size > config.maxMessageBytes;
    const history = config.since !== null && internalDate.getTime() < config.since.getTime();
    const raw = await this.download(client, at.uid, tooLarge);
    const log = this.log.child({ uid: at.uid, uidvalidity: at.uidvalidity });
    if (raw === undefined) {
      // Deleted by someone between the listing and the download: nothing left to store.
      log.warn({}, 'message disappeared before it could be read; skipped');
      return 'vanished';
    }

    // The store records "too large" and "history" in the same insert and says whether the
    // message is new here, our own earlier attempt at this place, or a copy from elsewhere.
    const saved = await storeRawMessage(db, {
      raw,
      source: 'imap',
      messageId: meta.envelope?.messageId ?? null,
      account: config.account,
      mailbox: config.mailbox,
      uidvalidity: at.uidvalidity,
      uid: at.uid,
      internalDate,
      truncatedFrom: tooLarge ? size : null,
      history,
      receivedAt: this.clock.now(),
    });
    const outcome: Outcome =
      saved.decision === 'new'
        ? 'stored'
        : saved.decision === 'redelivered'
          ? 'redelivered'
          : 'duplicates';
    if (outcome === 'duplicates') {
      log.info(
        { rawMessageId: saved.id, duplicateBy: saved.duplicateBy },
        'message already stored from elsewhere; not handed on',
      );
      return outcome;
    }
    if (tooLarge) {
      log.warn(
        {
          rawMessageId: saved.id,
          code: 'MESSAGE_TOO_LARGE' satisfies Code,
          size,
          limit: config.maxMessageBytes,
        },
        'message over the size limit: stored its headers only',
      );
    }
    try {
      await this.onStored({
        rawMessageId: saved.id,
        uid: at.uid,
        uidvalidity: at.uidvalidity,
        internalDate,
        size,
        tooLarge: saved.truncated,
        history: saved.history,
      });
    } catch (err) {
      if (!deferredHandOff(err)) throw err;
      log.warn(
        { rawMessageId: saved.id, code: err.code },
        'message stored; the queue is unreachable, the sweeper hands it on later',
      );
      return outcome;
    }
    log.info(
      { rawMessageId: saved.id, size, tooLarge, history, redelivered: outcome === 'redelivered' },
      'message stored and handed on',
    );
    return outcome;
  }

  /** The full message, or only its header block when it is too large; undefined if it is gone. */
  private async download(
    client: ImapFlow,
    uid: number,
    headersOnly: boolean,
  ): Promise<Buffer | undefined> {
    const message = await client.fetchOne(
      String(uid),
      headersOnly ? { uid: true, headers: true } : { uid: true, source: true },
      { uid: true },
    );
    if (!message || message.uid !== uid) return undefined;
    return headersOnly ? message.headers : message.source;
  }

  async moveTo(client: ImapFlow, uid: number, folder: string): Promise<void> {
    if (this.movesRefused) return;
    if (!client.capabilities.has('MOVE')) {
      // Without MOVE imapflow would COPY, flag \Deleted and EXPUNGE: never risk an expunge.
      this.movesRefused = true;
      this.log.warn({ folder }, 'the server has no IMAP MOVE; messages are left in place');
      return;
    }
    try {
      // CREATE of an existing folder answers "created: false"; cheap enough per message.
      await client.mailboxCreate(folder);
      const moved = await client.messageMove(String(uid), folder, { uid: true });
      if (!moved) this.log.warn({ uid, folder }, 'could not move the message; left in place');
    } catch (err) {
      // The message is stored and handed on; only its tidying failed.
      if (!client.usable) throw err;
      this.log.warn({ err, uid, folder }, 'could not move the message; left in place');
    }
  }
}

function toDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
