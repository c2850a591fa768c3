/**
 * The office mailbox watcher: stores every message that arrives in the watched IMAP mailbox
 * exactly once, byte for byte, and hands each new one on (`onStored`, which enqueues a job).
 *
 * Invariants, and the hazards behind them:
 * - Position = (UIDVALIDITY, last UID handed on), kept in mailbox_state. Never the \Seen flag:
 *   office staff read the mailbox by hand, and a read message must still be processed.
 *   The mailbox is opened read-only (EXAMINE) unless messages are to be moved, so the watcher
 *   cannot change a flag even by accident.
 * - Store first, then hand on, then advance: raw bytes are stored (storeRawMessage) before
 *   onStored is called, and the last UID moves only after onStored resolved. A crash anywhere
 *   re-delivers the message on the next sync; storage recognises it (by location and sha256), so
 *   it is stored once, and onStored is called again only for the same message at the same place
 *   (the next stage must be idempotent per rawMessageId). The same content under another UID
 *   (a re-delivery, a forward of identical bytes, a re-scan) is a duplicate: never handed on.
 * - A hand-off the next stage could not take because Redis is down (onStored throws a
 *   DubanError REDIS_UNAVAILABLE) is tolerated: the message is stored, so the position moves
 *   on and the service's sweeper enqueues the stored-but-unprocessed message once Redis is
 *   back. The mailbox keeps being read during a Redis outage, and the outage is Redis's error
 *   (logged once by the queue adapter), never recorded as the mailbox's.
 * - If UIDVALIDITY changes, every stored UID is void: the whole mailbox is read again, and the
 *   content hash keeps anything from being ingested twice.
 * - `UID FETCH n:*` returns the newest message even when its UID is below n (RFC 3501): results
 *   are filtered to `uid > last`. UIDs are collected first and commands issued afterwards; a
 *   command inside `for await (… of client.fetch())` deadlocks imapflow.
 * - An ImapFlow client is single-use: after any disconnect a new one is made, after a capped
 *   exponential backoff. Every client has an `error` listener, or a server-side drop of an idle
 *   connection would crash the process.
 * - IDLE is only a doorbell (`exists` → sync now); IDLE silently stops delivering on some servers
 *   after hours, so a periodic poll is the safety net.
 * - Nothing is ever deleted or expunged. Moving to a folder (off by default) uses IMAP MOVE only:
 *   without MOVE, imapflow falls back to COPY + \Deleted + EXPUNGE, and an EXPUNGE could remove
 *   messages the staff marked deleted.
 *
 * One watcher per mailbox: two processes watching the same mailbox would both hand a message on.
 * The service runs it under a lease (src/adapters/lease); its mailbox_state writes carry the
 * lease's fence, and a write refused because a newer holder wrote (a larger fence) stops this
 * watcher at once (`onFencedOut`).
 *
 * This file: the lifecycle, the connection loop with its backoff, the session (sync, then IDLE
 * until the doorbell rings), the poll and stall warning, failures and the fenced position. One
 * sync: ./sync.ts; one message: ./ingest.ts; the client: ./client.ts; waiting: ./waiting.ts.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import { describeImap } from '../../config/env';
import type { Code } from '../../errors';
import {
  getMailboxState,
  recordMailboxError,
  saveMailboxState,
  type Db,
  type MailboxProgress,
} from '../storage';
import { LOGOUT_TIMEOUT_MS, disconnectClient, newImapClient } from './client';
import { errorText, imapErrorCode, type ImapErrorCode } from './errors';
import { MessageIngest, deferredHandOff } from './ingest';
import { syncMailbox, type SyncContext } from './sync';
import { cancellableDelay, Doorbell, settlesWithin } from './waiting';
import {
  StopRequested,
  type Clock,
  type MailboxWatcherOptions,
  type OnStored,
  type SyncResult,
  type WatcherHealth,
} from './watcher-types';

export type * from './watcher-types';

const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };

export class MailboxWatcher {
  private readonly config: ImapConfig;
  private readonly db: Db;
  private readonly log: Logger;
  private readonly imapflowLog: Logger;
  private readonly onStored: OnStored;
  private readonly clock: Clock;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly stopTimeoutMs: number;
  private readonly clientOptions: Partial<ImapFlowOptions>;
  private readonly fence: number | undefined;
  private readonly onFencedOut: (() => void) | undefined;
  private fencedOut = false;

  private running = false;
  private loop: Promise<void> | undefined;
  private client: ImapFlow | undefined;
  private connected = false;
  private readonly doorbell = new Doorbell();
  private pollTimer: NodeJS.Timeout | undefined;
  private cancelPause: (() => void) | undefined;
  /** Serialises syncs: the run loop and syncOnce() never sync at the same time. */
  private syncChain: Promise<unknown> = Promise.resolve();
  private readonly syncContext: SyncContext;

  private startedAt: Date | null = null;
  private lastSuccessAt: Date | null = null;
  private lastError: WatcherHealth['lastError'] = null;
  private lastStallWarningAt: Date | null = null;

  constructor(options: MailboxWatcherOptions) {
    this.config = options.config;
    this.db = options.db;
    this.onStored = options.onStored;
    this.clock = options.clock ?? { now: () => new Date() };
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.clientOptions = options.clientOptions ?? {};
    this.fence = options.fence;
    this.onFencedOut = options.onFencedOut;
    const where = { account: this.config.account, mailbox: this.config.mailbox };
    this.log = options.logger.child({ component: 'imap-watcher', ...where });
    this.imapflowLog = options.logger.child({ component: 'imapflow', ...where });
    this.syncContext = {
      config: this.config,
      db: this.db,
      log: this.log,
      clock: this.clock,
      ingest: new MessageIngest(this.config, this.db, this.clock, this.log, this.onStored),
      savePosition: (progress) => this.savePosition(progress),
      synced: (now) => {
        this.lastSuccessAt = now;
        this.lastStallWarningAt = null;
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts watching in the background: connect, sync, IDLE, poll; reconnects on its own. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.clock.now();
    this.log.info({ server: describeImap(this.config) }, 'mailbox watcher starting');
    this.pollTimer = setInterval(() => this.onPollTick(), this.config.pollSeconds * 1000);
    this.pollTimer.unref();
    this.loop = this.runLoop().catch((err: unknown) => {
      // runLoop handles its own errors; this is a bug guard, never a crash.
      this.log.error({ err }, 'mailbox watcher loop failed');
    });
  }

  /**
   * Stops within the deadline: lets a sync finish the message in hand (it stops between
   * messages), logs out, and clears every timer. Safe to call twice.
   */
  async stop(): Promise<void> {
    // Fenced out, the watcher stopped its own loop: only the timers and the loop's end are left.
    if (!this.running && !(this.fencedOut && this.loop)) return;
    this.running = false;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.cancelPause?.();
    this.doorbell.ring();
    // Still connecting (a server that does not answer): nothing to finish, give up at once.
    if (!this.connected) this.client?.close();
    const loop = this.loop ?? Promise.resolve();
    if (!(await settlesWithin(loop, this.stopTimeoutMs))) {
      // A sync is stuck (a hung server or a hung onStored): drop the connection so its commands
      // fail. A hung onStored cannot be interrupted; its message stays unacknowledged and is
      // handed on again after the next start.
      this.log.warn({ timeoutMs: this.stopTimeoutMs }, 'mailbox watcher did not stop in time');
      this.client?.close();
      await settlesWithin(loop, LOGOUT_TIMEOUT_MS);
      this.connected = false;
      // The stuck sync may never end; a later start() or syncOnce() must not queue behind it.
      this.syncChain = Promise.resolve();
    }
    this.loop = undefined;
    this.log.info({}, 'mailbox watcher stopped');
  }

  health(): WatcherHealth {
    return {
      connected: this.connected,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      stalled: this.isStalled(this.clock.now()),
    };
  }

  /**
   * One sync now, for tests and the CLI. Uses the watcher's connection when it is running and
   * connected, otherwise its own for this sync only. Throws what the sync ran into.
   */
  async syncOnce(): Promise<SyncResult> {
    const live = this.client;
    // On the watcher's own connection a sync stops (between messages) when the watcher does.
    if (this.connected && live?.usable) return this.recordedSync(live, () => !this.running);
    const client = this.newClient();
    try {
      await client.connect();
    } catch (err) {
      await this.noteFailure(err, imapErrorCode(err, false));
      await disconnectClient(client);
      throw err;
    }
    try {
      return await this.recordedSync(client, () => false);
    } finally {
      await disconnectClient(client);
    }
  }

  /** A sync whose failure is recorded (health, mailbox_state) and rethrown. */
  private async recordedSync(client: ImapFlow, stopRequested: () => boolean): Promise<SyncResult> {
    try {
      return await this.serialisedSync(client, stopRequested);
    } catch (err) {
      if (!(err instanceof StopRequested)) {
        await this.noteFailure(err, imapErrorCode(err, client.usable));
      }
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------
  // The connection loop

  private newClient(): ImapFlow {
    const { log, imapflowLog, clientOptions } = this;
    return newImapClient(this.config, { log, imapflowLog, clientOptions });
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const client = this.newClient();
      this.client = client;
      try {
        await client.connect();
        if (!this.running) break;
        this.connected = true;
        this.log.info({ server: describeImap(this.config) }, 'connected to the mailbox');
        await this.session(client, () => (failures = 0));
      } catch (err) {
        if (this.running) await this.noteFailure(err, imapErrorCode(err, this.connected));
      } finally {
        this.connected = false;
        await disconnectClient(client);
        if (this.client === client) this.client = undefined;
      }
      if (!this.running) break;
      // A fresh client after every disconnect, after a pause that doubles up to the cap. The
      // jitter keeps several watchers (or a restarted server's clients) from reconnecting in step.
      const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** failures);
      const delayMs = Math.round(base * (0.8 + Math.random() * 0.4));
      failures += 1;
      this.log.info({ delayMs, failures }, 'reconnecting to the mailbox after a pause');
      const pause = cancellableDelay(delayMs);
      this.cancelPause = pause.cancel;
      await pause.done;
      this.cancelPause = undefined;
    }
  }

  /** Syncs, then IDLEs until the doorbell rings (new mail, poll, stop); ends when the connection does. */
  private async session(client: ImapFlow, onSuccess: () => void): Promise<void> {
    const ring = (): void => this.doorbell.ring();
    client.on('exists', ring);
    client.on('close', ring);
    try {
      while (this.running && client.usable) {
        this.doorbell.clear();
        try {
          await this.serialisedSync(client, () => !this.running);
          onSuccess();
        } catch (err) {
          if (err instanceof StopRequested) break;
          // A broken connection goes back to the loop (reconnect); anything else (storage, the
          // next stage, a missing mailbox) is retried at the next poll on this connection.
          if (!client.usable) throw err;
          await this.noteFailure(err, imapErrorCode(err, true));
        }
        if (!this.running || !client.usable) break;
        // The doorbell: the server announces new messages (EXISTS) during IDLE. Not awaited: it
        // resolves only when IDLE ends, which the next command (the next sync) does.
        client.idle({ whenFree: true }).catch(() => undefined);
        await this.doorbell.wait();
      }
    } finally {
      client.off('exists', ring);
      client.off('close', ring);
    }
    if (this.running && !client.usable) {
      throw Object.assign(new Error('the IMAP connection closed'), { code: 'NoConnection' });
    }
  }

  private onPollTick(): void {
    this.doorbell.ring();
    const now = this.clock.now();
    if (!this.isStalled(now)) return;
    const stallMs = this.config.stallMinutes * 60_000;
    if (this.lastStallWarningAt && now.getTime() - this.lastStallWarningAt.getTime() < stallMs) {
      return;
    }
    this.lastStallWarningAt = now;
    this.log.warn(
      {
        code: 'IMAP_STALLED' satisfies Code,
        stallMinutes: this.config.stallMinutes,
        lastSuccessAt: this.lastSuccessAt?.toISOString() ?? null,
        lastError: this.lastError?.message ?? null,
      },
      'mailbox watcher stalled: no successful sync',
    );
  }

  private isStalled(now: Date): boolean {
    const since = this.lastSuccessAt ?? this.startedAt;
    if (since === null) return false;
    return now.getTime() - since.getTime() > this.config.stallMinutes * 60_000;
  }

  private async noteFailure(err: unknown, code: ImapErrorCode): Promise<void> {
    if (deferredHandOff(err)) {
      // Redis's trouble, reported by the queue adapter; not the mailbox's error.
      this.log.warn({ code: err.code }, 'mailbox sync interrupted: the queue is unreachable');
      return;
    }
    const now = this.clock.now();
    const message = errorText(err);
    this.lastError = { code, message, at: now };
    // An unreachable server is retried (and reported as stalled if it lasts): a warning. The
    // rest needs someone to look.
    if (code === 'IMAP_UNAVAILABLE') this.log.warn({ err, code }, 'mailbox sync failed');
    else this.log.error({ err, code }, 'mailbox sync failed');
    try {
      await recordMailboxError(this.db, {
        account: this.config.account,
        mailbox: this.config.mailbox,
        error: `${code}: ${message}`,
        now,
        ...(this.fence !== undefined ? { fence: this.fence } : {}),
      });
    } catch (dbErr) {
      this.log.error({ err: dbErr }, 'could not record the mailbox error');
    }
  }

  // -------------------------------------------------------------------------------------------
  // One sync

  private serialisedSync(client: ImapFlow, stopRequested: () => boolean): Promise<SyncResult> {
    const run = this.syncChain.then(() => syncMailbox(this.syncContext, client, stopRequested));
    this.syncChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Saves the position with the lease's fence. Refused because a newer watcher wrote (a larger
   * fence): this watcher lost its lease, so it stops at once and says so.
   */
  private async savePosition(progress: MailboxProgress): Promise<void> {
    const fence = this.fence;
    const saved = await saveMailboxState(this.db, {
      ...progress,
      ...(fence !== undefined ? { fence } : {}),
    });
    if (saved || fence === undefined) return;
    const state = await getMailboxState(this.db, progress.account, progress.mailbox);
    if (state?.fence === null || state?.fence === undefined || state.fence <= fence) return;
    this.fencedOut = true;
    this.running = false;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.log.warn(
      { fence, storedFence: state.fence },
      'mailbox position refused: a newer watcher holds the lease; this watcher stops',
    );
    this.onFencedOut?.();
    throw new StopRequested();
  }
}
