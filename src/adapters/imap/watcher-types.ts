/** What the mailbox watcher (./watcher.ts) takes and tells: its options, health and results. */
import type { ImapFlowOptions } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import type { Code } from '../../errors';
import type { Db } from '../storage';

export interface StoredMessage {
  rawMessageId: number;
  uid: number;
  /** Decimal text (an unsigned 32-bit number). */
  uidvalidity: string;
  /** When the server received it (IMAP INTERNALDATE). */
  internalDate: Date;
  /** The message size the server reported (RFC822.SIZE), also when only headers were stored. */
  size: number;
  /**
   * Over IMAP_MAX_MESSAGE_MB: only the header block was stored, flagged truncated with the
   * declared size (processing answers "too large").
   */
  tooLarge: boolean;
  /**
   * INTERNALDATE before IMAP_SINCE: stored as already processed (outcome 'ignored', reason
   * 'HISTORY'); nothing more to do with it.
   */
  history: boolean;
}

export type OnStored = (stored: StoredMessage) => Promise<void>;

export interface Clock {
  now(): Date;
}

export interface MailboxWatcherOptions {
  config: ImapConfig;
  db: Db;
  logger: Logger;
  /** Called once per newly stored message, in UID order; the sync waits for it. */
  onStored: OnStored;
  /** Default: the system clock. */
  clock?: Clock;
  /** Reconnect delays, doubled after each failure: initialMs (default 1 s) up to maxMs (60 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** How long stop() lets a sync finish the message in hand (default 10 s). */
  stopTimeoutMs?: number;
  /** Extra ImapFlow options (tests: timeouts, TLS). */
  clientOptions?: Partial<ImapFlowOptions>;
  /** The lease's fencing token: carried by every mailbox_state write (absent: no lease). */
  fence?: number;
  /** Called once when a write was refused for an older fence; the watcher has stopped syncing. */
  onFencedOut?: () => void;
}

export interface WatcherHealth {
  /** Logged in and the mailbox usable. */
  connected: boolean;
  lastSuccessAt: Date | null;
  lastError: { code: Code; message: string; at: Date } | null;
  /** No successful sync for IMAP_STALL_MINUTES (counted from start() before the first). */
  stalled: boolean;
}

export interface SyncResult {
  uidvalidity: string;
  /** UIDVALIDITY changed since the last sync, so the whole mailbox was read again. */
  rescanned: boolean;
  /** Stored for the first time and handed on. */
  stored: number;
  /** Found already stored at this very place (a crash before the position moved): handed on again. */
  redelivered: number;
  /** The same content already stored from elsewhere: not handed on. */
  duplicates: number;
  /** Listed, but deleted by someone before it could be read: nothing to store. */
  vanished: number;
  /** The last UID handed on (the position saved). */
  lastUid: number;
}

/** What became of one listed message (the SyncResult counter it adds to). */
export type Outcome = 'stored' | 'redelivered' | 'duplicates' | 'vanished';

/** A message's place in the watched mailbox. */
export interface Location {
  uidvalidity: string;
  uid: number;
}

/** Thrown when the watcher stops in the middle of a sync (the rest is picked up next time). */
export class StopRequested extends Error {
  constructor() {
    super('the watcher is stopping');
  }
}
