/**
 * Runs a singleton role only while this process holds its lease (lease.ts).
 *
 * Every TTL/3 the process either renews its lease or, when it has none, tries to take it (so a
 * holder that died, SIGKILL or power cut, is replaced within about TTL + TTL/3). When the lease
 * is lost (renewal refused, or not confirmed before it runs out, e.g. Redis unreachable, or the
 * role itself was fenced out by the database) the role is stopped at once and the process keeps
 * trying to take the lease again. Stopping releases the lease so another process takes over at
 * its next try.
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
  /** The largest fence the database has seen for this role (default 0). */
  fenceFloor?: () => Promise<number>;
}

export class LeasedRole {
  private held: Held | null = null;
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
    const { lease, logger } = this.options;
    const every = lease.ttlMs / 3;
    if (!this.held) {
      try {
        const floor = (await this.options.fenceFloor?.()) ?? 0;
        this.held = await lease.acquire(floor);
      } catch (err) {
        // Redis (or the database) unreachable: no one can take it now; try again.
        logger.debug({ err, ...this.fields }, 'could not try for the lease');
      }
      if (this.held) await this.begin();
      this.schedule(every);
      return;
    }
    const held = this.held;
    const margin = Math.min(1_000, lease.ttlMs / 10);
    try {
      if (await lease.renew(held)) return this.schedule(every);
      await this.lose('taken by another process or expired');
      return this.schedule(every);
    } catch (err) {
      // Not confirmed: the lease is surely ours only until validUntil. Give the role up just
      // before then, since another process may take the lease after it.
      const left = held.validUntil - margin - Date.now();
      if (left > 0) return this.schedule(Math.min(every, left));
      await this.lose('could not renew before it ran out', err);
      return this.schedule(every);
    }
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
    try {
      await this.options.lease.release(held);
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
