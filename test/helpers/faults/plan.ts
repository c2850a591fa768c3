/**
 * The faults of a run, and the keeper that restarts what died.
 *
 * - Failpoints: a process started with DUBAN_FAILPOINT dies (SIGKILL, by its own hand) the first
 *   time it reaches that point; the keeper counts it and restarts the process, armed again until
 *   the wanted number of such kills is reached, then without the failpoint.
 * - The plan's own faults: SIGKILL of the watcher's lease holder or of any service process, a
 *   Redis restart (SIGTERM, then started again on the same port), a Dovecot restart, SMTP 451
 *   windows. Scripted (the
 *   test: each fault at a fixed point of the mail phase) or random (the bench: a seeded sequence).
 */
import type { FaultTally } from './invariants';
import type { FaultStack, ServiceKind } from './stack';
import type { Incarnation } from './supervisor';

export interface ServiceSpec {
  name: string;
  kind: ServiceKind;
  /** The failpoint this process is armed with until `failpointKills` such kills happened. */
  failpoint?: 'after-submission' | 'after-delivery';
}

export const SERVICES: ServiceSpec[] = [
  { name: 'io-1', kind: 'intake-outbound', failpoint: 'after-submission' },
  { name: 'io-2', kind: 'intake-outbound', failpoint: 'after-delivery' },
  { name: 'full-1', kind: 'full' },
  { name: 'full-2', kind: 'full' },
];

export function emptyTally(): FaultTally {
  return {
    afterSubmissionKills: 0,
    afterDeliveryKills: 0,
    leaseHolderKills: 0,
    randomKills: 0,
    redisRestarts: 0,
    dovecotRestarts: 0,
    smtpWindows: 0,
  };
}

export interface Keeper {
  /** Processes that died without being killed by the harness or a failpoint. */
  readonly crashes: string[];
  stop(): void;
}

/** Restarts every service process that died, after `downMs`; counts failpoint kills. */
export function keepServicesRunning(
  stack: FaultStack,
  tally: FaultTally,
  opts: { failpointKills: number; downMs: number; note: (what: string) => void },
): Keeper {
  const crashes: string[] = [];
  const counted = new Set<Incarnation>();
  const restarted = new Set<Incarnation>();
  const timer = setInterval(() => {
    for (const spec of SERVICES) {
      const last = stack.supervisor.current(spec.name);
      if (!last?.exit || restarted.has(last)) continue;
      const armed = last.extraEnv.DUBAN_FAILPOINT;
      if (counted.has(last)) {
        // Counted on an earlier tick; waiting for downMs.
      } else if (armed && last.exit.signal === 'SIGKILL' && last.killedAt === null) {
        if (armed === 'after-submission') tally.afterSubmissionKills++;
        else tally.afterDeliveryKills++;
        opts.note(`${spec.name}#${last.number} killed itself at failpoint ${armed}`);
      } else if (last.killedAt === null) {
        const how = last.exit.signal ?? `exit code ${last.exit.code}`;
        crashes.push(`${spec.name}#${last.number} died on its own (${how})`);
        opts.note(`${spec.name}#${last.number} died on its own (${how})`);
      }
      counted.add(last);
      if (Date.now() - last.exit.at < opts.downMs) continue;
      restarted.add(last);
      const kills =
        spec.failpoint === 'after-submission'
          ? tally.afterSubmissionKills
          : tally.afterDeliveryKills;
      const arm = spec.failpoint && kills < opts.failpointKills ? spec.failpoint : undefined;
      const next = stack.startService(spec.name, spec.kind, arm);
      opts.note(`${spec.name}#${next.number} started${arm ? ` with failpoint ${arm}` : ''}`);
    }
  }, 100);
  return {
    crashes,
    stop: () => clearInterval(timer),
  };
}

/** The process holding the watcher's lease now (from its log), else full-1. */
export function watcherHolder(stack: FaultStack): Incarnation | undefined {
  const lines = stack.supervisor.lines.filter(
    (l) => l.json?.role === 'watcher' && String(l.json?.msg).startsWith('lease '),
  );
  const last = lines.at(-1);
  if (last && last.json?.msg === 'lease acquired') {
    const holder = stack.supervisor.current(last.process);
    if (holder && holder.number === last.incarnation && !holder.exit) return holder;
  }
  const fallback = stack.supervisor.current('full-1');
  return fallback && !fallback.exit ? fallback : undefined;
}

export type FaultAction =
  'kill-holder' | 'kill-any' | 'redis-restart' | 'dovecot-restart' | 'smtp-451';

/** Runs one fault now. */
export async function inject(
  action: FaultAction,
  stack: FaultStack,
  tally: FaultTally,
  note: (what: string) => void,
  pick: () => number = Math.random,
): Promise<void> {
  switch (action) {
    case 'kill-holder': {
      const holder = watcherHolder(stack);
      if (!holder) return;
      tally.leaseHolderKills++;
      note(`SIGKILL ${holder.name}#${holder.number} (the watcher's lease holder)`);
      await stack.supervisor.kill(holder);
      return;
    }
    case 'kill-any': {
      const alive = SERVICES.map((s) => stack.supervisor.current(s.name)).filter(
        (i): i is Incarnation => !!i && !i.exit,
      );
      const victim = alive[Math.floor(pick() * alive.length)];
      if (!victim) return;
      tally.randomKills++;
      note(`SIGKILL ${victim.name}#${victim.number}`);
      await stack.supervisor.kill(victim);
      return;
    }
    case 'redis-restart':
      tally.redisRestarts++;
      note('Redis: SIGTERM, restart on the same port');
      await stack.redis.restart(1000);
      note('Redis: up again');
      return;
    case 'dovecot-restart':
      tally.dovecotRestarts++;
      note('Dovecot: restart (connections drop)');
      await stack.dovecot.restart();
      note('Dovecot: up again');
      return;
    case 'smtp-451':
      tally.smtpWindows++;
      note('SMTP: 451 for 2.5 s');
      stack.smtp.failFor(2500, 451);
      return;
  }
}

/** The test's faults, at fixed fractions of the mail phase. */
export const SCRIPTED: Array<{ at: number; action: FaultAction }> = [
  { at: 0.3, action: 'smtp-451' },
  { at: 0.45, action: 'redis-restart' },
  { at: 0.6, action: 'kill-holder' },
  { at: 0.8, action: 'smtp-451' },
];

/** A seeded sequence of faults every 2–6 s over the mail phase (the bench). */
export function randomPlan(
  seed: number,
  phaseMs: number,
): { plan: Array<{ at: number; action: FaultAction }>; random: () => number } {
  const random = mulberry32(seed);
  const plan: Array<{ at: number; action: FaultAction }> = [];
  for (let t = 2000 + random() * 4000; t < phaseMs; t += 2000 + random() * 4000) {
    const r = random();
    const action: FaultAction =
      r < 0.3
        ? 'kill-any'
        : r < 0.45
          ? 'kill-holder'
          : r < 0.6
            ? 'redis-restart'
            : r < 0.7
              ? 'dovecot-restart'
              : 'smtp-451';
    plan.push({ at: t / phaseMs, action });
  }
  return { plan, random };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
