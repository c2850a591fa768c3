/**
 * The watcher's waiting: pauses that stop() can cut short, a deadline for whatever may hang (a
 * LOGOUT, a stuck sync), and the doorbell that wakes the session when mail arrives.
 */

/**
 * Resolves after `ms`, or earlier when cancelled. The timer never keeps the process alive alone.
 */
export function cancellableDelay(ms: number): { done: Promise<void>; cancel: () => void } {
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
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
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
export class Doorbell {
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
