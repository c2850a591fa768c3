/**
 * The archive tool (bsdtar) run as a sandboxed child process: its own process group (killed whole
 * on timeout or when a watcher says so), an address-space and a file-size limit (prlimit), no
 * network (unshare -rn, where this kernel allows unprivileged namespaces), a private working
 * directory, no terminal (a passphrase prompt fails instead of waiting), bounded output.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface ToolRun {
  /** Exit status, or null when ended by a signal. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Why the run was ended early: the time limit, too much output, or the watcher's reason. */
  stopped: string | null;
}

export interface ToolOptions {
  cwd: string;
  /** Written to the tool's standard input (a pipe: the tool cannot seek in it). */
  input?: Buffer;
  timeoutMs: number;
  memoryBytes: number;
  /** RLIMIT_FSIZE: a write past it ends the tool with SIGXFSZ. */
  fileBytes: number;
  maxStdoutBytes: number;
  /** Called every `watchEveryMs`; a string ends the run with that reason. */
  watch?: () => string | null;
  watchEveryMs?: number;
}

const MAX_STDERR = 64 * 1024;

let networkless: boolean | undefined;

/** Whether `unshare -rn` works here (checked once; containers often forbid user namespaces). */
export function canUnshareNetwork(): boolean {
  networkless ??=
    spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return networkless;
}

export function runTool(command: string, args: string[], options: ToolOptions): Promise<ToolRun> {
  const limited = [
    'prlimit',
    `--as=${options.memoryBytes}`,
    `--fsize=${options.fileBytes}`,
    '--core=0',
    '--',
    command,
    ...args,
  ];
  const argv = canUnshareNetwork() ? ['unshare', '-rn', ...limited] : limited;
  return new Promise((resolve) => {
    const child = spawn(argv[0] ?? 'prlimit', argv.slice(1), {
      cwd: options.cwd,
      detached: true,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LC_ALL: 'C.UTF-8',
        HOME: options.cwd,
        TMPDIR: options.cwd,
      },
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let stopped: string | null = null;
    const stop = (reason: string): void => {
      if (stopped !== null) return;
      stopped = reason;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > options.maxStdoutBytes) stop('output over its limit');
      else stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    if (options.input && child.stdin) {
      child.stdin.on('error', () => undefined); // the tool may stop reading early (EPIPE)
      child.stdin.end(options.input);
    }
    const timer = setTimeout(
      () => stop(`no result within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    const watcher = options.watch
      ? setInterval(() => {
          const reason = options.watch?.();
          if (reason) stop(reason);
        }, options.watchEveryMs ?? 100)
      : null;
    const finish = (status: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      if (watcher) clearInterval(watcher);
      resolve({ status, signal, stdout: Buffer.concat(stdout), stderr, stopped });
    };
    child.on('error', (err) => {
      stderr += err.message;
      finish(null, null);
    });
    child.on('close', finish);
  });
}
