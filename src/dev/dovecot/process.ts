/**
 * Keeping no Dovecot process behind: the watchdog shell every instance runs under, and the
 * process 'exit' hook for instances a caller forgot (or could not) stop.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

export const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dir] of live) {
      // Synchronous only: the process is exiting. The watchdog would stop Dovecot anyway when our
      // end of its pipe closes; this is the second line of defence.
      if (child.pid !== undefined) tryKill(-child.pid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

export function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * The watchdog. $1 = dovecot binary, $2 = config. Prints the master's pid, then waits for it.
 * Background jobs of a non-interactive sh get /dev/null as stdin, hence fd 3 for our pipe.
 * `read` returns at EOF: stop() closed the pipe, or this process died. The master then stops
 * gracefully (about 1.1 s), but imap processes serving open connections outlive it (an IDLE one
 * for many seconds, its client still connected): so once the master is gone, the whole process
 * group (this shell included) is killed, and every connection drops as in a server restart.
 */
export const WATCHDOG = [
  'exec 3<&0',
  '"$1" -F -c "$2" </dev/null 3<&- &',
  'master=$!',
  'echo "$master"',
  '( read -r _ <&3; kill -TERM "$master" 2>/dev/null ) &',
  'wait "$master"',
  'kill -9 0',
].join('\n');
