/**
 * Redis reachability, reported once per outage.
 *
 * Every BullMQ object (Queue, Worker, QueueEvents, a queue's job schedulers) and our own clients
 * emit an `error` for every reconnection attempt while Redis is down: several lines a second
 * per object. Without a listener BullMQ prints each as a multi-line block on stderr, breaking the
 * JSON log stream. Every such object is therefore watched here: an outage is logged once
 * (REDIS_UNAVAILABLE, error level) when a PING of our own confirms it, and "Redis reachable
 * again" once when a PING answers again. Errors that are not about reaching Redis are logged as
 * they come.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Code } from '../../errors';
import { isRedisOutage, readyWithin, redisClient } from './connection';

interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

const CODE: Code = 'REDIS_UNAVAILABLE';

export class RedisWatch {
  private probe: Redis | null = null;
  private down: { since: number; sources: Set<string> } | null = null;
  private checking = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly backListeners: Array<() => void> = [];

  constructor(
    private readonly redisUrl: string,
    private readonly logger: Logger,
    private readonly probeEveryMs = 1_000,
  ) {}

  /** Whether Redis answered the last check (true until an outage is confirmed). */
  get reachable(): boolean {
    return this.down === null;
  }

  /** Attaches the error listener every BullMQ object needs; `source` names it in the logs. */
  watch<T extends ErrorEmitter>(emitter: T, source: string): T {
    emitter.on('error', (err: Error) => this.report(err, source));
    return emitter;
  }

  /** Called when Redis answers again after an outage (e.g. to sweep what was left over). */
  onReachableAgain(listener: () => void): void {
    this.backListeners.push(listener);
  }

  report(err: unknown, source: string): void {
    if (!isRedisOutage(err)) {
      this.logger.error({ err, source }, 'queue error');
      return;
    }
    if (this.closed) return;
    if (this.down) {
      this.down.sources.add(source);
      return;
    }
    // One stale connection's error is not an outage: confirm with a PING of our own first.
    if (this.checking) return;
    this.checking = true;
    void this.ping().then((ok) => {
      this.checking = false;
      if (ok || this.closed || this.down) return;
      this.down = { since: Date.now(), sources: new Set([source]) };
      this.logger.error(
        { code: CODE, source, err: err instanceof Error ? { message: err.message } : err },
        'Redis unreachable: queued work waits until it is back',
      );
      this.timer = setInterval(() => void this.checkBack(), this.probeEveryMs);
      this.timer.unref();
    });
  }

  private async checkBack(): Promise<void> {
    if (!this.down || this.checking) return;
    this.checking = true;
    const ok = await this.ping();
    this.checking = false;
    if (!ok || !this.down || this.closed) return;
    const { since, sources } = this.down;
    this.down = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.logger.info(
      { code: CODE, downMs: Date.now() - since, sources: [...sources] },
      'Redis reachable again',
    );
    for (const listener of this.backListeners) {
      try {
        listener();
      } catch (err) {
        this.logger.error({ err }, 'error in a Redis-back listener');
      }
    }
  }

  private async ping(): Promise<boolean> {
    if (this.closed) return false;
    // The probe's own errors are the outage itself: nothing more to log.
    const probe = (this.probe ??= redisClient(this.redisUrl, () => undefined));
    try {
      if (probe.status !== 'ready') await readyWithin(probe, 2_000);
      await probe.ping();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.probe?.disconnect();
    this.probe = null;
  }
}
