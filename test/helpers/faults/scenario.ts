/**
 * One fault run, from an empty installation to the checked invariants:
 *
 * 1. the stack (./stack.ts) and four service processes: two intake+outbound processes (io-1
 *    armed with the after-submission failpoint, io-2 with after-delivery) and two full-role
 *    `duban serve` processes at once (full-1, full-2: both want to be the watcher and the
 *    scheduler);
 * 2. the mail phase: the mails (./mails.ts) APPENDed one by one over `mailPhaseMs`, while the
 *    faults (./plan.ts) happen and the keeper restarts whatever died;
 * 3. quiescence: every mail stored, processed and answered, and no new answer for a while (long
 *    enough for a mail whose sender died to be sent again after its claim's lease);
 * 4. the invariants (./invariants.ts), checked while the processes still run, then everything
 *    stopped and removed.
 *
 * Used by test/integration/faults.test.ts (a short scripted run) and bench/fault-harness.js
 * (N mails, random faults), through dist/ for the latter.
 */
import { Client } from 'pg';
import { loadScheduleFile } from '../../../src/config/load-schedule';
import { answersByOriginal, checkInvariants, type FaultReport } from './invariants';
import { buildFaultMails, type FaultMail } from './mails';
import {
  emptyTally,
  inject,
  keepServicesRunning,
  randomPlan,
  SCRIPTED,
  SERVICES,
  type FaultAction,
} from './plan';
import { FAULT_TIMINGS, ROOT, startFaultStack, type FaultStack } from './stack';
import * as path from 'node:path';

export interface FaultRunOptions {
  mails: number;
  /** The APPENDs are spread over this long. */
  mailPhaseMs: number;
  /** How long to wait for quiescence after the mail phase. */
  quiesceTimeoutMs: number;
  faults: 'scripted' | 'random';
  seed?: number;
  /** Failpoint kills wanted of each kind (after-submission, after-delivery). */
  failpointKills?: number;
  postgresUrl: string;
  /** Keep the temp dir (service logs) for a post-mortem. */
  keepDir?: boolean;
  /** Progress lines (the timeline), as they happen. */
  onNote?: (line: string) => void;
}

export interface FaultRun {
  report: FaultReport;
  /** Whether the run reached quiescence before the timeout (else the report says what lacks). */
  quiescent: boolean;
  timeline: string[];
  crashes: string[];
  durationMs: number;
  dir: string;
}

export async function runFaultScenario(opts: FaultRunOptions): Promise<FaultRun> {
  const started = Date.now();
  const timeline: string[] = [];
  const note = (what: string): void => {
    const line = `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${what}`;
    timeline.push(line);
    opts.onNote?.(line);
  };
  const loaded = await loadScheduleFile(path.join(ROOT, 'config', 'schedule.example.yaml'));
  if (!loaded.ok) throw new Error('the example schedule does not load');
  const mails = await buildFaultMails(loaded.schedule, opts.mails, `${process.pid}-${started}`);
  note(`${mails.length} mails built`);

  const stack = await startFaultStack({ postgresUrl: opts.postgresUrl, keepDir: opts.keepDir });
  const tally = emptyTally();
  let keeper: ReturnType<typeof keepServicesRunning> | undefined;
  try {
    note(
      `stack up: Redis :${stack.redis.port}, Dovecot :${stack.dovecot.port}, SMTP :${stack.smtp.port}`,
    );
    for (const spec of SERVICES) stack.startService(spec.name, spec.kind, spec.failpoint);
    await Promise.all(SERVICES.map((spec) => untilServing(stack, spec.name)));
    note('service processes serving');
    keeper = keepServicesRunning(stack, tally, {
      failpointKills: opts.failpointKills ?? 2,
      downMs: 500,
      note,
    });

    const { plan, random } =
      opts.faults === 'scripted'
        ? { plan: SCRIPTED, random: Math.random }
        : randomPlan(opts.seed ?? 1, opts.mailPhaseMs);
    const phaseStart = Date.now();
    const faults = runPlan(plan, phaseStart, opts.mailPhaseMs, stack, tally, note, random);
    const spacing = opts.mailPhaseMs / Math.max(1, mails.length);
    for (const [i, mail] of mails.entries()) {
      await sleepUntil(phaseStart + i * spacing);
      await appendWithRetry(stack, mail, note);
    }
    note(`${mails.length} mails appended`);
    await faults;

    const quiescent = await quiesce(stack, mails, opts.quiesceTimeoutMs, note);
    keeper.stop();
    const report = await checkInvariants({
      databaseUrl: stack.databaseUrl,
      mails,
      captured: stack.smtp.messages,
      refused: stack.smtp.refused,
      redisPort: stack.redis.port,
      supervisor: stack.supervisor,
      tally,
      crashes: keeper.crashes,
      leaseProcesses: SERVICES.filter((s) => s.kind === 'full').map((s) => s.name),
      serviceProcesses: SERVICES.map((s) => s.name),
    });
    return {
      report,
      quiescent,
      timeline,
      crashes: keeper.crashes,
      durationMs: Date.now() - started,
      dir: stack.dir,
    };
  } finally {
    keeper?.stop();
    await stack.dispose();
    note('stack stopped and removed');
  }
}

async function runPlan(
  plan: Array<{ at: number; action: FaultAction }>,
  phaseStart: number,
  phaseMs: number,
  stack: FaultStack,
  tally: ReturnType<typeof emptyTally>,
  note: (what: string) => void,
  random: () => number,
): Promise<void> {
  for (const step of plan) {
    await sleepUntil(phaseStart + step.at * phaseMs);
    try {
      await inject(step.action, stack, tally, note, random);
    } catch (err) {
      note(`fault ${step.action} failed: ${String(err)}`);
    }
  }
}

/**
 * Waits until every mail is stored, processed and answered, no outgoing mail is left unsent and
 * no answer came for QUIET_MS. A mail whose sender died mid-send stays claimed until its lease
 * runs out and it is sent again (the duplicate is captured before the row says 'sent'), so
 * unsent rows hold quiescence back; rows stuck for ever (the bug the lease fixes) give up after
 * twice the lease and more, and the invariants report them.
 */
async function quiesce(
  stack: FaultStack,
  mails: FaultMail[],
  timeoutMs: number,
  note: (what: string) => void,
): Promise<boolean> {
  const stuckMs = 2 * FAULT_TIMINGS.MAIL_CLAIM_LEASE_MS + 5000;
  const end = Date.now() + timeoutMs;
  const client = new Client({ connectionString: stack.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  let seen = -1;
  let changedAt = Date.now();
  let progressAt = Date.now();
  let last = '';
  try {
    while (Date.now() < end) {
      const count = stack.smtp.messages.length;
      if (count !== seen) {
        seen = count;
        changedAt = Date.now();
      }
      const answers = answersByOriginal(stack.smtp.messages).byOriginal;
      const unanswered = mails.filter((m) => !answers.has(m.messageId)).length;
      const row = (
        await client.query<{ stored: string; pending: string; unsent: string }>(
          `select (select count(*) from raw_messages) as stored,
                  (select count(*) from raw_messages where outcome is null) as pending,
                  (select count(*) from outgoing_mails where status <> 'sent') as unsent`,
        )
      ).rows[0];
      const stored = Number(row?.stored ?? 0);
      const pending = Number(row?.pending ?? 0);
      const unsent = Number(row?.unsent ?? 0);
      const quiet = Date.now() - changedAt;
      const state = `stored ${stored}/${mails.length}, unprocessed ${pending}, unanswered ${unanswered}, outgoing not sent ${unsent}`;
      if (state !== last) {
        note(state);
        progressAt = Date.now();
      }
      last = state;
      if (Date.now() - Math.max(progressAt, changedAt) > NO_PROGRESS_MS) {
        note(`no progress for ${NO_PROGRESS_MS / 1000} s: giving up on quiescence`);
        return false;
      }
      if (stored >= mails.length && pending === 0 && unanswered === 0) {
        if (quiet >= (unsent === 0 ? QUIET_MS : stuckMs)) {
          note('quiescent');
          return true;
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    note(`not quiescent after ${timeoutMs / 1000} s: ${last}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits for the process's "duban serving" line; fails with its output if it exits first. */
async function untilServing(stack: FaultStack, name: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const { supervisor } = stack;
  while (Date.now() < end) {
    const current = supervisor.current(name);
    if (supervisor.lines.some((l) => l.process === name && l.json?.msg === 'duban serving')) return;
    if (current?.exit) {
      const output = supervisor.lines.filter((l) => l.process === name).map((l) => l.text);
      throw new Error(`${name} exited before serving:\n${output.slice(-10).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not start serving within ${timeoutMs / 1000} s`);
}

/**
 * APPEND, tried again while Dovecot restarts. An APPEND whose answer was lost may store the mail
 * twice in the mailbox: the same bytes, which duban stores once.
 */
async function appendWithRetry(
  stack: FaultStack,
  mail: FaultMail,
  note: (what: string) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await stack.dovecot.append('INBOX', mail.raw, [], mail.internalDate);
      return;
    } catch (err) {
      if (attempt >= 30) throw err;
      if (attempt === 1) note(`APPEND of ${mail.messageId} failed (${String(err)}); trying again`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

const QUIET_MS = 3000;
/** Nothing changed for this long: the run is stuck (retries back off to 3.2 s at 200 ms). */
const NO_PROGRESS_MS = 60_000;

function sleepUntil(at: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
}
