/**
 * The leases of one process: one Redis connection for all its roles' leases, created on first
 * use and ready before the first try (its commands fail fast while it connects).
 */
import type { Redis } from 'ioredis';
import { readyWithin, redisClient } from '../queue/connection';
import { RoleLease } from './lease';

export interface LeaseSettings {
  redisUrl: string;
  /** The installation's Redis key prefix (DUBAN_QUEUE_PREFIX). */
  prefix: string;
  /** Names this process ("host:pid"). */
  holderName: string;
  ttlMs: number;
  /** The connection's errors (a Redis outage): every one, to be reported once per outage. */
  onError: (err: Error) => void;
}

export class Leases {
  private redis: Redis | null = null;

  constructor(private readonly settings: LeaseSettings) {}

  /** The lease on `role` for this process. */
  async forRole(role: string): Promise<RoleLease> {
    const { redisUrl, prefix, holderName, ttlMs, onError } = this.settings;
    if (!this.redis) {
      // A renewal that hangs (Redis stopped, not gone) must not outlive the lease: it fails
      // within TTL/3 and the holder stops before its lease could run out.
      this.redis = redisClient(redisUrl, onError, { commandTimeoutMs: Math.max(100, ttlMs / 3) });
      await readyWithin(this.redis, 5_000);
    }
    return new RoleLease(this.redis, prefix, role, holderName, ttlMs);
  }

  close(): void {
    this.redis?.disconnect();
    this.redis = null;
  }
}
