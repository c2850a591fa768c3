/**
 * The fault harness's judges (test/helpers/faults/), on made-up evidence: a judge that never
 * fails proves nothing, so each is shown a violation it must name and a clean history it must
 * accept.
 */
import { answersByOriginal, checkCurrent, type SubmissionRow } from '../helpers/faults/invariants';
import { checkLeases } from '../helpers/faults/leases';
import type { Incarnation, LogLine, Supervisor } from '../helpers/faults/supervisor';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

function lease(
  process: string,
  incarnation: number,
  at: number,
  msg: string,
  role: string,
  fence: number,
): LogLine {
  const json = { msg, role, holder: `${process}-${incarnation}`, fence, time: T0 + at };
  return { at: T0 + at, process, incarnation, stream: 'stderr', text: '', json };
}

function stored(process: string, incarnation: number, at: number): LogLine {
  const json = { msg: 'message stored and handed on', time: T0 + at };
  return { at: T0 + at, process, incarnation, stream: 'stderr', text: '', json };
}

function inc(name: string, number: number, killedAt: number | null = null): Incarnation {
  const exit =
    killedAt === null ? null : { code: null, signal: 'SIGKILL' as const, at: T0 + killedAt };
  return {
    name,
    number,
    pid: 1000 + number,
    startedAt: T0,
    extraEnv: {},
    killedAt: killedAt === null ? null : T0 + killedAt,
    exit,
    exited: new Promise(() => undefined),
    nonJsonLines: 0,
  };
}

function supervisorOf(lines: LogLine[], incarnations: Incarnation[]): Supervisor {
  return { lines, incarnations } as unknown as Supervisor;
}

/** A scheduler held by full-2 throughout, so that only the watcher is judged. */
const SCHEDULER = [lease('full-2', 1, 0, 'lease acquired', 'scheduler', 1)];

describe('the lease judge', () => {
  it('accepts a watcher taken over after its holder was killed, with a higher fence', () => {
    const s = supervisorOf(
      [
        ...SCHEDULER,
        lease('full-1', 1, 0, 'lease acquired', 'watcher', 1),
        stored('full-1', 1, 1000),
        lease('full-2', 1, 8000, 'lease acquired', 'watcher', 2),
        stored('full-2', 1, 9000),
      ],
      [inc('full-1', 1, 5000), inc('full-2', 1), inc('full-1', 2)],
    );
    const { counts, violations } = checkLeases(s, ['full-1', 'full-2']);
    expect(violations).toEqual([]);
    expect(counts.longestTakeoverMs).toBe(3000);
    expect(counts.finalHolders).toEqual({ watcher: 1, scheduler: 1 });
  });

  it('names two live holders at once', () => {
    const s = supervisorOf(
      [
        ...SCHEDULER,
        lease('full-1', 1, 0, 'lease acquired', 'watcher', 1),
        lease('full-2', 1, 2000, 'lease acquired', 'watcher', 2),
        lease('full-1', 1, 4000, 'lease lost', 'watcher', 1),
      ],
      [inc('full-1', 1), inc('full-2', 1)],
    );
    const { counts, violations } = checkLeases(s, ['full-1', 'full-2']);
    expect(counts.overlaps).toBe(1);
    expect(violations).toEqual([expect.stringMatching(/held the lease at once for 2\.0 s/)]);
  });

  it('names a fence that does not increase', () => {
    const s = supervisorOf(
      [
        ...SCHEDULER,
        lease('full-1', 1, 0, 'lease acquired', 'watcher', 5),
        lease('full-1', 1, 1000, 'lease released', 'watcher', 5),
        lease('full-2', 1, 2000, 'lease acquired', 'watcher', 5),
      ],
      [inc('full-1', 1), inc('full-2', 1)],
    );
    expect(checkLeases(s, ['full-1', 'full-2']).violations).toEqual([
      expect.stringMatching(/fence 5 of full-2#1 .* does not exceed fence 5/),
    ]);
  });

  it('names a watcher storing mail without the lease, and a role nobody holds', () => {
    const s = supervisorOf(
      [
        ...SCHEDULER,
        lease('full-1', 1, 0, 'lease acquired', 'watcher', 1),
        stored('full-2', 1, 500),
      ],
      [inc('full-1', 1), inc('full-2', 1)],
    );
    expect(checkLeases(s, ['full-1', 'full-2']).violations).toEqual([
      expect.stringMatching(/full-2#1 stored mail at .* without holding the lease/),
    ]);
    expect(checkLeases(supervisorOf([], []), ['full-1']).violations).toEqual([
      'watcher: no "lease acquired" line in any process\'s log',
      'scheduler: no "lease acquired" line in any process\'s log',
    ]);
  });
});

describe('the current-sheet judge', () => {
  const row = (id: number, arrived: string, status = 'accepted', current = 0): SubmissionRow => ({
    id,
    raw_message_id: id,
    unit_id: 'jiaoyu',
    reporting_week: '2021-03-15',
    arrived_at: `2021-03-15T${arrived}:00.000Z`,
    status,
    is_current: current,
  });

  it('accepts the latest accepted arrival as current, whatever the ids say', () => {
    expect(checkCurrent([row(1, '01:02', 'accepted', 1), row(2, '01:01')]).wrong).toEqual([]);
    expect(
      checkCurrent([row(1, '01:01'), row(2, '01:02', 'rejected'), row(3, '01:00')]).wrong,
    ).toEqual(['jiaoyu 2021-03-15: current is raw message none, latest arrival is 1']);
  });

  it('names an older sheet made current, and ties broken by the raw message id', () => {
    expect(checkCurrent([row(1, '01:01', 'accepted', 1), row(2, '01:02')]).wrong).toEqual([
      'jiaoyu 2021-03-15: current is raw message 1, latest arrival is 2',
    ]);
    expect(checkCurrent([row(1, '01:01', 'accepted', 1), row(2, '01:01')]).wrong).toHaveLength(1);
  });
});

describe('the answer count', () => {
  const mail = (inReplyTo: string | null, id: string) => ({
    mailFrom: 'duban-inbox@example.cn',
    rcptTo: ['jiaoyu@example.cn'],
    at: T0,
    raw: Buffer.from(
      `Message-ID: ${id}\r\n${inReplyTo ? `In-Reply-To: ${inReplyTo}\r\n` : ''}Subject: x\r\n\r\nbody`,
    ),
  });

  it('groups answers by the mail they answer, keeping a re-send under the same Message-ID', () => {
    const { byOriginal, total, other } = answersByOriginal([
      mail('<a@example.cn>', '<r1@example.cn>'),
      mail('<a@example.cn>', '<r1@example.cn>'),
      mail('<b@example.cn>', '<r2@example.cn>'),
      mail(null, '<digest@example.cn>'),
    ]);
    expect(byOriginal.get('<a@example.cn>')).toEqual(['<r1@example.cn>', '<r1@example.cn>']);
    expect(total).toBe(3);
    expect(other).toBe(1);
  });
});
