/**
 * A small fixed-window limiter in memory, for sign-in link requests (per address and per client
 * address). One process serves the console; a restart forgets the counts, which is acceptable
 * for a limit meant to stop a flood of mails, not to count precisely.
 */
export interface RateLimit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: RateLimit) {}

  /** Counts a request; the milliseconds to wait when over the limit, else 0. */
  hit(key: string, now: Date): number {
    const t = now.getTime();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.limit.windowMs) {
      if (this.windows.size > 10_000) this.sweep(t);
      this.windows.set(key, { start: t, count: 1 });
      return 0;
    }
    w.count += 1;
    return w.count > this.limit.max ? w.start + this.limit.windowMs - t : 0;
  }

  private sweep(t: number): void {
    for (const [key, w] of this.windows) {
      if (t - w.start >= this.limit.windowMs) this.windows.delete(key);
    }
  }
}
