/**
 * Progress of a long CLI command, on stderr: on a terminal one line redrawn in place (`\r`) with a
 * bar, done/total, the rate and the time left; otherwise (a log file, a pipe, CI) a plain line now
 * and then, so the output stays readable. The final line is always written.
 */

/** Where progress goes: stderr, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is being counted, e.g. "reprocess". */
  label: string;
  total: number;
  stream: ProgressStream;
  /** Milliseconds clock (default Date.now): tests fix it. */
  now?: () => number;
  /** A terminal line is redrawn at most this often (default 100 ms). */
  redrawMs?: number;
  /** Without a terminal, a line at most this often (default 5 s). */
  lineEveryMs?: number;
  /** Width of the bar in characters (default 24). */
  width?: number;
}

export interface Progress {
  /** Counts `n` more done (default 1). */
  tick(n?: number): void;
  /** Writes the final line. */
  done(): void;
}

/** "9s", "2m05s", "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The words of one progress line (without the bar): "12/40 (30%), 3.0/s, ETA 9s". */
export function progressText(done: number, total: number, elapsedMs: number): string {
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const left = total - done;
  const eta = done >= total ? 'done' : rate > 0 ? `ETA ${formatDuration(left / rate)}` : 'ETA ?';
  return `${done}/${total} (${pct}%), ${rate.toFixed(1)}/s, ${eta}`;
}

/** Nothing shown: for work too short to need progress. */
export const NO_PROGRESS: Progress = { tick: () => undefined, done: () => undefined };

/** Progress for `total` items, or none when there are fewer than `atLeast` (short work). */
export function progressFor(options: ProgressOptions & { atLeast: number }): Progress {
  return options.total >= options.atLeast ? createProgress(options) : NO_PROGRESS;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const tty = options.stream.isTTY === true;
  const width = options.width ?? 24;
  const start = now();
  let done = 0;
  let lastDraw = -Infinity;
  let lastLength = 0;
  let finished = false;

  const bar = () => {
    const filled =
      options.total > 0 ? Math.min(width, Math.floor((done / options.total) * width)) : width;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  const draw = (final: boolean) => {
    const at = now();
    const text = progressText(done, options.total, at - start);
    if (tty) {
      const line = `${options.label} ${bar()} ${text}`;
      // Pad over a longer previous line; the final line ends the terminal line.
      options.stream.write(`\r${line.padEnd(lastLength)}${final ? '\n' : ''}`);
      lastLength = line.length;
    } else {
      options.stream.write(`${options.label}: ${text}\n`);
    }
    lastDraw = at;
  };

  return {
    tick(n = 1) {
      if (finished) return;
      done = Math.min(options.total, done + n);
      const every = tty ? (options.redrawMs ?? 100) : (options.lineEveryMs ?? 5000);
      if (done < options.total && now() - lastDraw >= every) draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
    },
  };
}
