/**
 * The singleton roles (watcher, scheduler), checked from the service's own log lines
 * ("lease acquired" / "lease lost" / "lease released", with {role, holder, fence}) and from what
 * the supervisor knows: when it SIGKILLed a process, which is when a holder stopped acting
 * without a word.
 *
 * A holder's tenure runs from its "lease acquired" to its "lease lost" or "lease released", or to
 * its death. Per role: tenures of different processes never overlap, fences strictly increase
 * from one acquisition to the next, a dead holder's lease is taken over within a minute, a
 * watcher acts (stores mail) only while it holds the lease, and at the end exactly one live
 * process holds each role.
 */
import type { LogLine, Supervisor } from './supervisor';

export const SINGLETON_ROLES = ['watcher', 'scheduler'] as const;
const TAKEOVER_LIMIT_MS = 60_000;
/** Log lines of the watcher doing its work (storing mail). */
const WATCHER_ACTS = new Set(['message stored and handed on']);

export interface LeaseCounts {
  acquisitions: Record<string, number>;
  overlaps: number;
  fenceViolations: number;
  /** Live holders per role at the end (want 1 each). */
  finalHolders: Record<string, number>;
  longestTakeoverMs: number;
  watcherActsWithoutLease: number;
}

interface Tenure {
  process: string;
  incarnation: number;
  holder: string;
  fence: number;
  start: number;
  /** Infinity: still held at the end. */
  end: number;
  endedBy: 'lost' | 'released' | 'died' | 'held';
}

export function checkLeases(
  supervisor: Supervisor,
  leaseProcesses: string[],
): { counts: LeaseCounts; violations: string[] } {
  const violations: string[] = [];
  const counts: LeaseCounts = {
    acquisitions: {},
    overlaps: 0,
    fenceViolations: 0,
    finalHolders: {},
    longestTakeoverMs: 0,
    watcherActsWithoutLease: 0,
  };
  const lines = supervisor.lines.filter((l) => leaseProcesses.includes(l.process) && l.json);
  for (const role of SINGLETON_ROLES) {
    const tenures = tenuresOf(role, lines, supervisor);
    counts.acquisitions[role] = tenures.length;
    if (tenures.length === 0) {
      violations.push(`${role}: no "lease acquired" line in any process's log`);
      counts.finalHolders[role] = 0;
      continue;
    }
    for (let i = 1; i < tenures.length; i++) {
      const before = tenures[i - 1] as Tenure;
      const t = tenures[i] as Tenure;
      if (!(t.fence > before.fence)) {
        counts.fenceViolations++;
        violations.push(
          `${role}: fence ${t.fence} of ${label(t)} does not exceed fence ${before.fence} of ${label(before)}`,
        );
      }
    }
    for (const [i, a] of tenures.entries()) {
      for (const b of tenures.slice(i + 1)) {
        if (a.process === b.process && a.incarnation === b.incarnation) continue;
        if (a.start < b.end && b.start < a.end) {
          counts.overlaps++;
          violations.push(
            `${role}: ${label(a)} and ${label(b)} held the lease at once for ${fmt(Math.min(a.end, b.end) - Math.max(a.start, b.start))}`,
          );
        }
      }
    }
    // Takeover after a holder died: the next acquisition by anyone.
    for (const t of tenures.filter((x) => x.endedBy === 'died')) {
      const next = tenures.find((x) => x.start >= t.end);
      const gap = (next?.start ?? lastLineAt(supervisor)) - t.end;
      counts.longestTakeoverMs = Math.max(counts.longestTakeoverMs, gap);
      if (!next || gap > TAKEOVER_LIMIT_MS)
        violations.push(
          `${role}: after ${label(t)} died, ${next ? `taken over only after ${fmt(gap)}` : 'never taken over'}`,
        );
    }
    const holding = tenures.filter((t) => t.endedBy === 'held');
    counts.finalHolders[role] = holding.length;
    if (holding.length !== 1)
      violations.push(`${role}: ${holding.length} live holders at the end (want exactly 1)`);
    if (role === 'watcher') {
      for (const act of lines.filter((l) => WATCHER_ACTS.has(String(l.json?.msg)))) {
        const at = timeOf(act);
        const held = tenures.some(
          (t) =>
            t.process === act.process &&
            t.incarnation === act.incarnation &&
            t.start <= at &&
            at <= t.end,
        );
        if (!held) {
          counts.watcherActsWithoutLease++;
          violations.push(
            `watcher: ${act.process}#${act.incarnation} stored mail at ${new Date(at).toISOString()} without holding the lease`,
          );
        }
      }
    }
  }
  return { counts, violations };
}

function tenuresOf(role: string, lines: LogLine[], supervisor: Supervisor): Tenure[] {
  const tenures: Tenure[] = [];
  const open = new Map<string, Tenure>();
  const events = lines
    .filter((l) => l.json?.role === role && String(l.json?.msg).startsWith('lease '))
    .sort((a, b) => timeOf(a) - timeOf(b));
  for (const line of events) {
    const json = line.json as Record<string, unknown>;
    const who = `${line.process}#${line.incarnation}`;
    const at = timeOf(line);
    if (json.msg === 'lease acquired') {
      const t: Tenure = {
        process: line.process,
        incarnation: line.incarnation,
        holder: String(json.holder),
        fence: Number(json.fence),
        start: at,
        end: Infinity,
        endedBy: 'held',
      };
      tenures.push(t);
      open.set(who, t);
    } else if (json.msg === 'lease lost' || json.msg === 'lease released') {
      const t = open.get(who);
      if (!t) continue;
      t.end = at;
      t.endedBy = json.msg === 'lease lost' ? 'lost' : 'released';
      open.delete(who);
    }
  }
  // Tenures still open: ended by the process's death (or still held).
  for (const t of open.values()) {
    const inc = supervisor.incarnations.find(
      (i) => i.name === t.process && i.number === t.incarnation,
    );
    if (inc?.exit) {
      t.end = inc.killedAt ?? inc.exit.at;
      t.endedBy = 'died';
    }
  }
  return tenures;
}

/** pino's own timestamp (the moment the process logged it), else when the harness read it. */
function timeOf(line: LogLine): number {
  const time = line.json?.time;
  return typeof time === 'number' ? time : line.at;
}

function lastLineAt(supervisor: Supervisor): number {
  return supervisor.lines.at(-1)?.at ?? Date.now();
}

function label(t: Tenure): string {
  return `${t.process}#${t.incarnation} (holder ${t.holder}, fence ${t.fence})`;
}

function fmt(ms: number): string {
  return ms === Infinity ? 'ever' : `${(ms / 1000).toFixed(1)} s`;
}
