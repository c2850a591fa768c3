/**
 * A lease on a role in Redis, with a fencing token: which one process of the installation may
 * run a singleton role (the mailbox watcher, the scheduler) right now.
 *
 * - Taken with one Lua script: the key is set only when absent (`NX`-like), with a time to live,
 *   and the fence is `INCR`ed in the same step, so every holder ever has a larger fence than the
 *   one before. A fence floor (the largest fence the database has recorded) keeps that true
 *   after Redis lost its data (a restart without persistence resets the counter).
 * - The script also says whether the fence counter was missing: with a floor above 0, Redis
 *   forgot its data, and with it the key of a holder that may still run the role until its next
 *   renewal fails. The caller then waits a TTL before starting the role (leased-role.ts).
 * - Renewed by compare-and-pexpire (only our own token is extended); released by
 *   compare-and-delete, so a holder that lost the lease can never extend or delete the next
 *   holder's.
 * - Hazard: a lease is only a promise about the past. A holder paused longer than the TTL (GC,
 *   a stopped VM) may still act after another took over; that is what the fence is for: writes
 *   that matter carry it, and the database refuses one older than what it has seen.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 0} end
local forgotten = 1 - redis.call('EXISTS', KEYS[2])
local fence = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
if fence <= floor then
  fence = floor + 1
  redis.call('SET', KEYS[2], fence)
end
redis.call('SET', KEYS[1], ARGV[1] .. '#' .. fence, 'PX', ARGV[2])
return {fence, forgotten}`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The lease a process holds: its token in Redis and its fence. */
export interface Held {
  fence: number;
  token: string;
  /** Until when (ms since epoch, our clock) the lease is surely ours: last renewal start + TTL. */
  validUntil: number;
  /** When the try that took it started (ms since epoch, our clock). */
  takenAt: number;
  /** Whether Redis had no fence counter, i.e. had forgotten its data (or never had any). */
  counterWasMissing: boolean;
}

export class RoleLease {
  /** Names this process in the lease and the logs ("host:pid:random"). */
  readonly holder: string;
  private readonly key: string;
  private readonly fenceKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    readonly role: string,
    holderName: string,
    readonly ttlMs: number,
  ) {
    this.holder = `${holderName}:${randomBytes(4).toString('hex')}`;
    this.key = `${prefix}:lease:${role}`;
    this.fenceKey = `${prefix}:lease:${role}:fence`;
  }

  /** Takes the lease if nobody holds it; null when someone does. Throws when Redis is down. */
  async acquire(fenceFloor = 0): Promise<Held | null> {
    const started = Date.now();
    const reply = (await this.redis.eval(
      ACQUIRE,
      2,
      this.key,
      this.fenceKey,
      this.holder,
      this.ttlMs,
      fenceFloor,
    )) as [number, number];
    const fence = Number(reply[0]);
    if (!fence) return null;
    return {
      fence,
      token: `${this.holder}#${fence}`,
      validUntil: started + this.ttlMs,
      takenAt: started,
      counterWasMissing: Number(reply[1]) === 1,
    };
  }

  /** Extends our lease; false when it is no longer ours (expired, taken). Throws when Redis is down. */
  async renew(held: Held): Promise<boolean> {
    const started = Date.now();
    const ok = Number(await this.redis.eval(RENEW, 1, this.key, held.token, this.ttlMs)) === 1;
    if (ok) held.validUntil = started + this.ttlMs;
    return ok;
  }

  /** Whether Redis still has our token (checked before a write that only the holder may do). */
  async stillHeld(held: Held): Promise<boolean> {
    return (await this.redis.get(this.key)) === held.token && Date.now() < held.validUntil;
  }

  /** Gives the lease up (if still ours) so another process can take it at once. */
  async release(held: Held): Promise<boolean> {
    return Number(await this.redis.eval(RELEASE, 1, this.key, held.token)) === 1;
  }
}
