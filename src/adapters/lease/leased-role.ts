/**
 * Runs a singleton role only while this process holds its lease (lease.ts).
 *
 * Every TTL/3 the process either renews its lease or, when it has none, tries to take it (so a
 * holder that died, SIGKILL or power cut, is replaced within about TTL + TTL/3). When the lease
 * is lost (renewal refused: the key is gone or holds another token; or not confirmed before it
 * runs out, e.g. Redis unreachable; or the role itself was fenced out by the database) the role
 * is stopped at once and the process keeps trying to take the lease again. Stopping releases the
 * lease so another process takes over at its next try.
 *
 * Fences are never handed out twice: the floor comes from the database (`fences.floor`), and a
 * fence is recorded there (`fences.record`, only if larger than every one before) before the
 * role starts; if it cannot be recorded the key is left to run out and the next try reads a
 * higher floor.
 *
 * Why no two holders run at once, in order:
 * - a holder renews every TTL/3, so it learns within TTL/3 that its key is gone or not its own,
 *   and stops the role before going on; if it cannot reach Redis it stops just before its
 *   `validUntil` (the start of its last successful renewal + TTL), before its key can run out;
 * - a released key is released only after the role stopped;
 * - a key that vanished with Redis's data (a restart without persistence) is the one case where
 *   another process can take the lease while the holder still runs. Redis then has no fence
 *   counter: the new holder keeps the key (renewing it) but starts the role only a TTL after its
 *   try began. The old holder's last renewal began before Redis lost its data, so before that
 *   try: its `validUntil` has passed by then and it has stopped.
 *
 * The log lines "lease acquired", "lease lost" and "lease released", each with {role, holder,
 * fence}, are read by the fault test: keep them exact.
 */
import type { Logger } from 'pino';
import type { Held, RoleLease } from './lease';

/** What a running role needs from its lease. */
export interface LeaseHandle {
  fence: number;
  /** Whether the lease is still ours (checked in Redis): call before a singleton-only write. */
  stillHeld(): Promise<boolean>;
  /** The role found it was fenced out (the database refused its fence): give the role up. */
  lost(reason: string): void;
}

/** Starts the role; resolves to the function that stops it. */
export type StartRole = (lease: LeaseHandle) => Promise<() => Promise<void>>;

export interface LeasedRoleOptions {
  lease: RoleLease;
  logger: Logger;
  start: StartRole;
  /** The role's fences in the database; without them (tests) the floor is 0 and nothing is recorded. */
  fences?: RoleFences;
}

/** The largest fence handed out per role, kept where Redis's data loss cannot reach it. */
export interface RoleFences {
  /** The largest fence recorded for the role (0 when none). */
  floor(): Promise<number>;
  /** Records `fence` if larger than every fence recorded; false when it is not. */
  record(fence: number, holder: string): Promise<boolean>;
}

export class LeasedRole {
  private held: Held | null = null;
  /** While the held lease waits to start its role (Redis forgot its data): when it may start. */
  private startAt: number | null = null;
  private stopRole: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly options: LeasedRoleOptions) {}

  /** The fence while this process holds the lease, else null. */
  get fence(): number | null {
    return this.held?.fence ?? null;
  }

  private get fields(): { role: string; holder: string; fence: number | null } {
    const { lease } = this.options;
    return { role: lease.role, holder: lease.holder, fence: this.held?.fence ?? null };
  }

  /** Tries to take the lease now, then keeps renewing or retrying in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(10, ms));
  }

  private tick(): Promise<void> {
    const run = this.ticking.then(() => this.step());
    this.ticking = run.catch(() => undefined);
    return run;
  }

  private async step(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    const { lease } = this.options;
    const every = lease.ttlMs / 3;
    if (!this.held) {
      await this.tryToTake();
      return this.schedule(this.nextTick(every));
    }
    const held = this.held;
    const margin = Math.min(1_000, lease.ttlMs / 10);
    try {
      if (!(await lease.renew(held))) {
        await this.lose('taken by another process or expired');
        return this.schedule(every);
      }
    } catch (err) {
      // Not confirmed: the lease is surely ours only until validUntil. Give the role up just
      // before then, since another process may take the lease after it.
      const left = held.validUntil - margin - Date.now();
      if (left > 0) return this.schedule(Math.min(this.nextTick(every), left));
      await this.lose('could not renew before it ran out', err);
      return this.schedule(every);
    }
    if (this.startAt !== null && Date.now() >= this.startAt) {
      this.startAt = null;
      await this.begin();
    }
    return this.schedule(this.nextTick(every));
  }

  /** The next tick: every TTL/3, or sooner when the role is due to start. */
  private nextTick(every: number): number {
    return this.startAt === null ? every : Math.min(every, this.startAt - Date.now());
  }

  private async tryToTake(): Promise<void> {
    const { lease, logger, fences } = this.options;
    let held: Held | null = null;
    let floor = 0;
    try {
      floor = (await fences?.floor()) ?? 0;
      held = await lease.acquire(floor);
      if (held && fences && !(await fences.record(held.fence, lease.holder))) {
        // A holder was handed this fence already (our floor was read before it recorded it).
        // The key is left to run out rather than released: see giveUp.
        logger.warn({ ...this.fields, fence: held.fence }, 'lease fence already used; not taken');
        return;
      }
    } catch (err) {
      // Redis (or the database) unreachable: no one can take it now; try again. A key taken
      // whose fence could not be recorded runs out on its own.
      logger.debug({ err, ...this.fields }, 'could not try for the lease');
      return;
    }
    if (!held) return;
    this.held = held;
    if (held.counterWasMissing && floor > 0) {
      // Redis forgot its data: a holder whose key vanished with it may run the role until its
      // next renewal fails. Hold the key, start a TTL after this try began.
      this.startAt = held.takenAt + lease.ttlMs;
      logger.info(
        { ...this.fields, waitMs: this.startAt - Date.now() },
        'lease taken after Redis lost its data; the role starts once any earlier holder has stopped',
      );
      return;
    }
    await this.begin();
  }

  private async begin(): Promise<void> {
    const held = this.held;
    if (!held) return;
    const { lease, logger } = this.options;
    logger.info(this.fields, 'lease acquired');
    const handle: LeaseHandle = {
      fence: held.fence,
      stillHeld: async () => this.held === held && (await lease.stillHeld(held)),
      lost: (reason) => {
        // Serialised with the renewals, so the role is stopped once.
        const run = this.ticking.then(async () => {
          if (this.held === held) await this.lose(reason);
        });
        this.ticking = run.catch(() => undefined);
      },
    };
    try {
      this.stopRole = await this.options.start(handle);
    } catch (err) {
      logger.error({ err, ...this.fields }, 'the role could not start; giving the lease up');
      await this.giveUp();
    }
  }

  private async lose(reason: string, err?: unknown): Promise<void> {
    this.options.logger.warn({ ...this.fields, reason, err }, 'lease lost');
    this.held = null;
    this.startAt = null;
    await this.endRole();
  }

  private async endRole(): Promise<void> {
    const stop = this.stopRole;
    this.stopRole = null;
    if (!stop) return;
    try {
      await stop();
    } catch (err) {
      this.options.logger.error({ err, ...this.fields }, 'error while stopping the role');
    }
  }

  private async giveUp(): Promise<void> {
    const held = this.held;
    if (!held) return;
    await this.endRole();
    // A key still waiting to start its role is left to run out: released early, the next
    // holder (seeing Redis's counter) would not wait for a holder from before the data loss.
    const waiting = this.startAt !== null;
    this.startAt = null;
    try {
      if (!waiting) await this.options.lease.release(held);
    } catch (err) {
      // It runs out on its own within the TTL.
      this.options.logger.warn({ err, ...this.fields }, 'could not release the lease');
    }
    this.options.logger.info(this.fields, 'lease released');
    this.held = null;
  }

  /** Stops the role (if running here) and releases the lease. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await this.giveUp();
  }
}
