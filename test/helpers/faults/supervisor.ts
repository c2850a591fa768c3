/**
 * Starts, watches, kills and restarts the fault harness's child processes (service processes,
 * the private Redis), and keeps every line they write, timestamped on arrival.
 *
 * No process outlives the harness: each child runs in its own process group and is registered
 * with a reaper (./reaper.js) that SIGKILLs the groups still registered when the harness's pipe
 * to it closes, including when the harness itself is SIGKILLed. stopAll() ends them in order
 * first (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One line a child wrote, with the parsed JSON when it is a JSON object. */
export interface LogLine {
  /** When the harness read it (Date.now()). */
  at: number;
  process: string;
  incarnation: number;
  stream: 'stdout' | 'stderr';
  text: string;
  json: Record<string, unknown> | null;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** One run of a named process: restarting it makes a new incarnation. */
export interface Incarnation {
  readonly name: string;
  /** 1, 2, … per name. */
  readonly number: number;
  readonly pid: number;
  readonly startedAt: number;
  /** The environment it was started with beyond the common one (e.g. DUBAN_FAILPOINT). */
  readonly extraEnv: Record<string, string>;
  /** Set when the harness sent SIGKILL (the moment it stopped acting). */
  killedAt: number | null;
  exit: ExitInfo | null;
  readonly exited: Promise<ExitInfo>;
  /** Lines whose stream is not JSON although the process was started with jsonLogs. */
  readonly nonJsonLines: number;
}

export interface StartOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The process logs pino JSON lines: other lines are counted as broken log lines. */
  jsonLogs?: boolean;
}

const REAPER = [
  path.join(__dirname, 'reaper.js'),
  // Compiled into dist/test/helpers/faults/: the script stays in the source tree.
  path.resolve(__dirname, '..', '..', '..', '..', 'test', 'helpers', 'faults', 'reaper.js'),
].find((p) => fs.existsSync(p));

export class Supervisor {
  readonly lines: LogLine[] = [];
  readonly incarnations: Incarnation[] = [];
  private readonly reaper: ChildProcess;
  private readonly children = new Map<Incarnation, ChildProcess>();
  private readonly specs = new Map<string, StartOptions>();

  /** `logDir`: each incarnation's output is also written to <logDir>/<name>-<n>.log. */
  constructor(private readonly logDir: string) {
    if (!REAPER) throw new Error('test/helpers/faults/reaper.js not found');
    this.reaper = spawn(process.execPath, [REAPER], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    this.reaper.unref();
    // The pipe must not keep the harness alive; it closes when the harness exits.
    (this.reaper.stdin as unknown as { unref?: () => void }).unref?.();
    this.reaper.stdin?.on('error', () => undefined);
  }

  /** Starts `name` (a new incarnation); options are remembered for restart(). */
  start(name: string, options: StartOptions, extraEnv: Record<string, string> = {}): Incarnation {
    this.specs.set(name, options);
    const number = this.incarnations.filter((i) => i.name === name).length + 1;
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...options.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // A command that cannot be started (ENOENT) is reported by an 'error' event: without a
    // listener it would crash the harness.
    let spawnError: Error | null = null;
    child.on('error', (err) => (spawnError = err));
    if (child.pid === undefined) {
      throw new Error(
        `could not start ${name} (${options.command}: is it installed and on the PATH?) ${String(spawnError ?? '')}`,
      );
    }
    this.reaper.stdin?.write(`+${child.pid}\n`);
    const file = fs.createWriteStream(path.join(this.logDir, `${name}-${number}.log`));
    let nonJson = 0;
    let resolveExit: (info: ExitInfo) => void = () => undefined;
    const exited = new Promise<ExitInfo>((resolve) => (resolveExit = resolve));
    const incarnation: Incarnation = {
      name,
      number,
      pid: child.pid,
      startedAt: Date.now(),
      extraEnv,
      killedAt: null,
      exit: null,
      exited,
      get nonJsonLines() {
        return nonJson;
      },
    };
    const follow = (stream: NodeJS.ReadableStream, which: 'stdout' | 'stderr'): void => {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        file.write(chunk);
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) {
          if (text.trim() === '') continue;
          const json = parseJsonObject(text);
          if (options.jsonLogs && !json) nonJson++;
          this.lines.push({
            at: Date.now(),
            process: name,
            incarnation: number,
            stream: which,
            text,
            json,
          });
        }
      });
    };
    if (child.stdout) follow(child.stdout, 'stdout');
    if (child.stderr) follow(child.stderr, 'stderr');
    child.once('exit', (code, signal) => {
      const info = { code, signal, at: Date.now() };
      incarnation.exit = info;
      this.reaper.stdin?.write(`-${child.pid}\n`);
      this.children.delete(incarnation);
      // Let the last buffered output arrive before the log file closes.
      setTimeout(() => file.end(), 200);
      resolveExit(info);
    });
    this.children.set(incarnation, child);
    this.incarnations.push(incarnation);
    return incarnation;
  }

  /** The newest incarnation of `name`. */
  current(name: string): Incarnation | undefined {
    return this.incarnations.filter((i) => i.name === name).at(-1);
  }

  alive(name: string): boolean {
    const last = this.current(name);
    return last !== undefined && last.exit === null;
  }

  /** SIGKILL (recorded as the moment it stopped) or another signal; resolves on exit. */
  async kill(incarnation: Incarnation, signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    if (incarnation.exit) return incarnation.exit;
    if (signal === 'SIGKILL') incarnation.killedAt = Date.now();
    try {
      // The group: a process and anything it started.
      process.kill(-incarnation.pid, signal);
    } catch {
      // Already gone.
    }
    return incarnation.exited;
  }

  /** Starts `name` again with the options it was first started with. */
  restart(name: string, extraEnv: Record<string, string> = {}): Incarnation {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`${name} was never started`);
    if (this.alive(name)) throw new Error(`${name} is still running`);
    return this.start(name, spec, extraEnv);
  }

  /** Waits for a line of `name` (any incarnation from `since` on) that `match` accepts. */
  async waitForLine(
    match: (line: LogLine) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<LogLine> {
    const end = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      for (; from < this.lines.length; from++) {
        const line = this.lines[from] as LogLine;
        if (match(line)) return line;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM to every live child, SIGKILL to those still there after `graceMs`; then the reaper. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const running = [...this.children.keys()];
    for (const i of running) {
      try {
        process.kill(-i.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    const timer = new Promise((r) => setTimeout(r, graceMs).unref());
    await Promise.race([Promise.all(running.map((i) => i.exited)), timer]);
    await Promise.all([...this.children.keys()].map((i) => this.kill(i)));
    this.reaper.stdin?.end();
  }
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
