/**
 * A test's way to kill this process at a precise point, to prove that work killed half-way is
 * finished later without loss or a silent duplicate. `DUBAN_FAILPOINT=<name>` makes the call
 * `failpoint('<name>')` SIGKILL the process; inert unless the variable names this point.
 *
 * Points in use: 'after-submission' (intake: the submission is recorded, the reply not yet
 * queued), 'after-delivery' (sending: the transport accepted the mail, it is not recorded as sent).
 */
export function failpoint(name: string): void {
  if (process.env.DUBAN_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
