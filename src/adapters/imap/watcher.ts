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
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImapFlow, type FetchMessageObject, type ImapFlowOptions } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import { describeImap } from '../../config/env';
import { DubanError, type Code } from '../../errors';
import { PACKAGE_ROOT } from '../../paths';
import {
  getMailboxState,
  recordMailboxError,
  saveMailboxState,
  storeRawMessage,
  type Db,
  type MailboxProgress,
} from '../storage';
import { errorText, imapErrorCode, type ImapErrorCode } from './errors';

/** What the watcher hands on for each message it stored (ids, never content). */
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
type Outcome = 'stored' | 'redelivered' | 'duplicates' | 'vanished';

/** A message's place in the watched mailbox. */
interface Location {
  uidvalidity: string;
  uid: number;
}

/** Thrown when the watcher stops in the middle of a sync (the rest is picked up next time). */
class StopRequested extends Error {
  constructor() {
    super('the watcher is stopping');
  }
}

/** A hand-off that failed only because the queue (Redis) is down: the sweeper catches up. */
function deferredHandOff(err: unknown): err is DubanError {
  return err instanceof DubanError && err.code === 'REDIS_UNAVAILABLE';
}

const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };
const LOGOUT_TIMEOUT_MS = 2_000;

let cachedVersion: string | undefined;
function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : '0';
    } catch {
      cachedVersion = '0';
    }
  }
  return cachedVersion;
}

/**
 * Resolves after `ms`, or earlier when cancelled. The timer never keeps the process alive alone.
 */
function cancellableDelay(ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cancel };
}

/** Resolves true when `promise` settles within `ms`, false otherwise (clears its timer). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const delay = cancellableDelay(ms);
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    delay.done.then(() => false),
  ]);
  delay.cancel();
  return settled;
}

/**
 * A doorbell with memory: rings while nobody waits are kept, so a new message announced during a
 * sync (after its FETCH) triggers one more sync instead of waiting for the next poll.
 */
class Doorbell {
  private rung = false;
  private wake: (() => void) | undefined;

  ring(): void {
    this.rung = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Forgets earlier rings (called just before a sync, which sees everything up to now). */
  clear(): void {
    this.rung = false;
  }

  wait(): Promise<void> {
    if (this.rung) {
      this.rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = () => {
        this.rung = false;
        resolve();
      };
    });
  }
}

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
  private movesRefused = false;

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
      await this.disconnect(client);
      throw err;
    }
    try {
      return await this.recordedSync(client, () => false);
    } finally {
      await this.disconnect(client);
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
    const client = new ImapFlow({
      host: this.config.host,
      port: this.config.port,
      secure: this.config.secure,
      auth: { user: this.config.user, pass: this.config.password },
      // imapflow logs commands at debug and FETCH data at trace, with literals (message bodies)
      // and credentials replaced by placeholders.
      logger: this.imapflowLog,
      clientInfo: { name: 'duban', version: packageVersion(), vendor: 'duban' },
      // IDLE is started by the session loop between syncs, not by imapflow's timer.
      disableAutoIdle: true,
      connectionTimeout: 30_000,
      ...this.clientOptions,
    });
    // Always attached: without it, a server dropping an idle connection crashes the process.
    client.on('error', (err: Error) => {
      this.log.warn({ err, code: imapErrorCode(err, false) }, 'IMAP connection error');
    });
    return client;
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
        await this.disconnect(client);
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

  private async disconnect(client: ImapFlow): Promise<void> {
    if (client.usable) {
      // LOGOUT politely, but never wait long for it: close() below always ends the socket.
      await settlesWithin(client.logout(), LOGOUT_TIMEOUT_MS);
    }
    client.close();
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
    const run = this.syncChain.then(() => this.sync(client, stopRequested));
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

  private async sync(client: ImapFlow, stopRequested: () => boolean): Promise<SyncResult> {
    const { config, db } = this;
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
        this.log.warn(
          { before: known, after: uidvalidity },
          'UIDVALIDITY changed: every stored UID is void, reading the whole mailbox again',
        );
      } else if (known === null && config.since === null && mailbox.exists > 0) {
        this.log.warn(
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
        const outcome = await this.ingest(client, meta, { uidvalidity, uid: meta.uid });
        result[outcome] += 1;
        // The position moves only now, after onStored resolved.
        await this.savePosition({ ...key, uidvalidity, lastUid: meta.uid, now: this.clock.now() });
        last = meta.uid;
        result.lastUid = last;
        if (
          config.processedFolder !== null &&
          (outcome === 'stored' || outcome === 'redelivered')
        ) {
          await this.moveTo(client, meta.uid, config.processedFolder);
        }
      }

      // The heartbeat: also when nothing arrived (sets last_success_at).
      const now = this.clock.now();
      await this.savePosition({ ...key, uidvalidity, lastUid: last, now });
      this.lastSuccessAt = now;
      this.lastStallWarningAt = null;
      if (fresh.length > 0 || rescanned) {
        this.log.info({ ...result }, 'mailbox synced');
      } else {
        this.log.debug({ ...result }, 'mailbox synced');
      }
      return result;
    } finally {
      lock.release();
    }
  }

  /** Stores one message and hands it on if it is new here. */
  private async ingest(client: ImapFlow, meta: FetchMessageObject, at: Location): Promise<Outcome> {
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

  private async moveTo(client: ImapFlow, uid: number, folder: string): Promise<void> {
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
