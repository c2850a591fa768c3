import { createProgress, formatDuration, progressFor, progressText } from '../../src/cli/progress';

/** A stream that records writes, and a clock the test moves. */
function setup(isTTY: boolean) {
  const writes: string[] = [];
  let ms = 0;
  const clock = { now: () => ms, advance: (d: number) => (ms += d) };
  return { writes, clock, stream: { isTTY, write: (s: string) => writes.push(s) } };
}

describe('progress of long CLI commands', () => {
  it('words done/total, the rate and the time left', () => {
    expect(progressText(12, 40, 4000)).toBe('12/40 (30%), 3.0/s, ETA 9s');
    expect(progressText(0, 40, 0)).toBe('0/40 (0%), 0.0/s, ETA ?');
    expect(progressText(40, 40, 8000)).toBe('40/40 (100%), 5.0/s, done');
    expect(progressText(0, 0, 0)).toBe('0/0 (100%), 0.0/s, done');
    expect([formatDuration(9.4), formatDuration(125), formatDuration(3720)]).toEqual([
      '9s',
      '2m05s',
      '1h02m',
    ]);
  });

  it('writes plain periodic lines when stderr is not a terminal', () => {
    const { writes, clock, stream } = setup(false);
    const p = createProgress({
      label: 'reprocess',
      total: 10,
      stream,
      now: clock.now,
      lineEveryMs: 5000,
    });
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      p.tick();
    }
    p.done();
    expect(writes).toEqual([
      'reprocess: 1/10 (10%), 1.0/s, ETA 9s\n',
      'reprocess: 6/10 (60%), 1.0/s, ETA 4s\n',
      'reprocess: 10/10 (100%), 1.0/s, done\n',
    ]);
  });

  it('redraws one line in place with a bar on a terminal, and ends it when done', () => {
    const { writes, clock, stream } = setup(true);
    const p = createProgress({ label: 'reprocess', total: 4, stream, now: clock.now, width: 8 });
    clock.advance(500);
    p.tick();
    clock.advance(50);
    p.tick(); // within the redraw interval: not drawn
    clock.advance(500);
    p.tick();
    clock.advance(500);
    p.tick();
    p.done();
    expect(writes).toEqual([
      '\rreprocess [##......] 1/4 (25%), 2.0/s, ETA 2s',
      '\rreprocess [######..] 3/4 (75%), 2.9/s, ETA 0s',
      // Padded over the longer line before it.
      '\rreprocess [########] 4/4 (100%), 2.6/s, done \n',
    ]);
    expect(writes.slice(0, -1).every((w) => !w.includes('\n'))).toBe(true);
  });

  it('writes only the final line for an empty run', () => {
    const { writes, stream } = setup(false);
    const p = createProgress({ label: 'reprocess', total: 0, stream, now: () => 0 });
    p.done();
    p.done();
    expect(writes).toEqual(['reprocess: 0/0 (100%), 0.0/s, done\n']);
  });

  it('stays silent for short work (progressFor below its threshold)', () => {
    const { writes, stream } = setup(false);
    const short = progressFor({ label: 'list', total: 3, atLeast: 50, stream, now: () => 0 });
    short.tick();
    short.done();
    expect(writes).toEqual([]);
    const long = progressFor({ label: 'list', total: 50, atLeast: 50, stream, now: () => 0 });
    long.done();
    expect(writes).toEqual(['list: 0/50 (0%), 0.0/s, ETA ?\n']);
  });
});
