/**
 * A private Dovecot IMAP server for tests, the demo and the benchmarks: a fresh temp dir, free
 * loopback ports, one user, plaintext login (loopback only). Never the system instance.
 *
 *   const dovecot = await startDovecot();
 *   await dovecot.append('INBOX', raw, [], new Date('2021-03-15T01:00:00Z'));
 *   …
 *   await dovecot.dispose();
 *
 * (In jest, test/helpers/dovecot.ts's useDovecot() starts one in beforeAll.) Compiled into
 * dist/src/dev/dovecot.js so that plain scripts (bench/, the demo) can use it; it is not used by
 * the service itself.
 *
 * Running as root: Dovecot's login processes refuse to run as root, so the whole instance
 * (master, login, auth, imap) runs as the unprivileged system user `duban-mailtest` that
 * scripts/ensure-services.sh creates; Node starts it with spawn's uid/gid (no su/runuser, so no
 * PAM and no extra process in between). As an ordinary user it runs as that user.
 *
 * No process is left behind: the master runs in the foreground under a small `sh` watchdog whose
 * stdin is a pipe from this process. stop() closes the pipe; if this process dies in any way
 * (even SIGKILL) the kernel closes it too. The watchdog then stops the master with SIGTERM and,
 * once it is gone, kills the rest of the instance's process group (imap processes serving open
 * connections outlive the master), so clients see the server go away as in a restart. A process
 * 'exit' hook also kills the groups of instances still running and deletes their directories
 * (after a SIGKILL the temp dir stays behind; Dovecot does not).
 *
 * Timing: start about 0.1 s, stop about 1.1 s (Dovecot's master waits for its log process).
 *
 * The parts: ./dovecot/setup.ts (user, config, port, greeting), ./dovecot/process.ts (the
 * watchdog and the exit hook), ./dovecot/instance.ts (one running instance).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dovecot } from './dovecot/api';
import { DovecotInstance } from './dovecot/instance';
import {
  chownTree,
  freePort,
  MAIL_PASSWORD,
  MAIL_USER,
  resolveRunAs,
  which,
} from './dovecot/setup';

export type { AppendedMessage, Dovecot } from './dovecot/api';
export { DOVECOT_TEST_USER } from './dovecot/setup';

/**
 * Starts a private Dovecot in a fresh temp dir on a free loopback port and waits for its
 * `* OK` greeting (about 0.1 s). Call dispose() when done (in jest, useDovecot() does).
 */
export async function startDovecot(): Promise<Dovecot> {
  const bin = { dovecot: which('dovecot'), doveadm: which('doveadm') };
  if (!bin.dovecot || !bin.doveadm || !fs.existsSync('/usr/lib/dovecot/imap-login')) {
    throw new Error(
      'Dovecot (Debian package dovecot-imapd) is not installed; run `bash scripts/ensure-services.sh`.',
    );
  }
  const runAs = resolveRunAs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-dovecot-'));
  try {
    for (const sub of ['run', 'state', 'log', 'mail']) fs.mkdirSync(path.join(dir, sub));
    const home = path.join(dir, 'mail', MAIL_USER);
    fs.writeFileSync(
      path.join(dir, 'passwd'),
      `${MAIL_USER}:{PLAIN}${MAIL_PASSWORD}:${runAs.uid}:${runAs.gid}::${home}::\n`,
      { mode: 0o600 },
    );
    // Another process may take the free port before Dovecot binds it: try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const instance = new DovecotInstance(dir, await freePort(), runAs, {
        dovecot: bin.dovecot,
        doveadm: bin.doveadm,
      });
      instance.writeConfig();
      if (runAs.spawnAs) chownTree(dir, runAs.uid, runAs.gid);
      try {
        await instance.start();
        return instance;
      } catch (err) {
        lastError = err;
        if (!/Address already in use/.test(String(err))) break;
      }
    }
    throw lastError;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
