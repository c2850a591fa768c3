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
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImapFlow } from 'imapflow';

/** The system user that runs the instances when started as root (scripts/ensure-services.sh). */
export const DOVECOT_TEST_USER = 'duban-mailtest';

const HOST = '127.0.0.1';
const MAIL_USER = 'office@example.test';
const MAIL_PASSWORD = 'test-password';
const START_TIMEOUT_MS = 15_000;
/** Dovecot's master takes about 1.1 s to stop (it waits for its log process). */
const STOP_TIMEOUT_MS = 10_000;

export interface AppendedMessage {
  uid: number;
  uidValidity: string;
}

export interface Dovecot {
  readonly host: string;
  /** The IMAP port (plaintext, loopback). Kept across restart(). */
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The instance's directory: dovecot.conf, passwd, mail/, log/. */
  readonly dir: string;
  readonly running: boolean;
  /** Stops the server (idempotent). The directory and the mail are kept: restart() resumes. */
  stop(): Promise<void>;
  /** Starts it again on the same port (stopping it first if it runs), with the same mail. */
  restart(): Promise<void>;
  /** IMAP APPEND of the exact bytes, as a mail client or the office staff would. */
  append(
    mailbox: string,
    raw: Uint8Array | string,
    flags?: string[],
    internalDate?: Date,
  ): Promise<AppendedMessage>;
  /**
   * Makes the mailbox's UIDVALIDITY change the way it does when a server rebuilds its index (or
   * a mailbox is restored or migrated): the index is deleted while the server is down, and on
   * start Dovecot assigns a new UIDVALIDITY and renumbers every message from UID 1, keeping the
   * messages, their flags and INTERNALDATEs. Restarts the server (connections drop).
   */
  resetUidValidity(mailbox: string): Promise<{ before: string; after: string }>;
  /**
   * Delivers the way a mail server's local delivery does, straight into the Maildir (new/),
   * with the file's mtime as INTERNALDATE; works while the IMAP server is stopped too.
   */
  deliver(mailbox: string, raw: Uint8Array | string, receivedAt?: Date): void;
  /** Makes the server drop every IMAP connection of the user (doveadm kick). */
  kick(): Promise<void>;
  /** The mailbox's UIDVALIDITY, from doveadm. */
  uidValidity(mailbox: string): Promise<string>;
  /** A connected client of our own (another mail client, "office staff"); log it out. */
  openClient(): Promise<ImapFlow>;
  /** The last lines of Dovecot's log, for failure messages. */
  logTail(lines?: number): string;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

interface RunAs {
  user: string;
  group: string;
  uid: number;
  gid: number;
  /** Set when this process must switch to that user to start Dovecot (it runs as root). */
  spawnAs: { uid: number; gid: number } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Cleanup of instances a caller forgot (or could not) stop

const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
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

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

// ---------------------------------------------------------------------------------------------
// Setup

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function resolveRunAs(): RunAs {
  const self = os.userInfo();
  if (self.uid !== 0) {
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { user: self.username, group, uid: self.uid, gid: self.gid, spawnAs: undefined };
  }
  let uid: number;
  let gid: number;
  let group: string;
  try {
    uid = Number(execFileSync('id', ['-u', DOVECOT_TEST_USER], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', DOVECOT_TEST_USER], { encoding: 'utf8' }).trim());
    group = execFileSync('id', ['-gn', DOVECOT_TEST_USER], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `This process runs as root, and Dovecot's login processes refuse to run as root: they run ` +
        `as the system user ${DOVECOT_TEST_USER}, which does not exist. Run ` +
        `\`bash scripts/ensure-services.sh\` (it creates the user and installs dovecot-imapd).`,
    );
  }
  return { user: DOVECOT_TEST_USER, group, uid, gid, spawnAs: { uid, gid } };
}

function dovecotConfig(dir: string, port: number, runAs: RunAs): string {
  // Everything lives in `dir`; nothing of /etc/dovecot is read (-c replaces the config).
  return `# A private instance written by src/dev/dovecot.ts (tests, demo, benchmarks)
protocols = imap
listen = ${HOST}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/log/dovecot.log
info_log_path = ${dir}/log/dovecot-info.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${runAs.user}
default_internal_group = ${runAs.group}
default_login_user = ${runAs.user}
first_valid_uid = ${runAs.uid}
last_valid_uid = ${runAs.uid}
first_valid_gid = ${runAs.gid}
last_valid_gid = ${runAs.gid}
mail_location = maildir:${dir}/mail/%u/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
  default_fields = uid=${runAs.user} gid=${runAs.group} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = ${HOST}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
`;
}

function chownTree(target: string, uid: number, gid: number): void {
  fs.chownSync(target, uid, gid);
  if (!fs.statSync(target).isDirectory()) return;
  for (const entry of fs.readdirSync(target)) chownTree(path.join(target, entry), uid, gid);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Resolves with the first line the server sends, or rejects (refused, closed, timed out). */
function readGreeting(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port });
    let buffered = '';
    const done = (err: Error | null, line?: string): void => {
      socket.destroy();
      if (err) reject(err);
      else resolve(line ?? '');
    };
    socket.setTimeout(timeoutMs, () => done(new Error('no greeting')));
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error('closed before the greeting')));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n');
      if (end >= 0) done(null, buffered.slice(0, end));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let deliveries = 0;

/**
 * The watchdog. $1 = dovecot binary, $2 = config. Prints the master's pid, then waits for it.
 * Background jobs of a non-interactive sh get /dev/null as stdin, hence fd 3 for our pipe.
 * `read` returns at EOF: stop() closed the pipe, or this process died. The master then stops
 * gracefully (about 1.1 s), but imap processes serving open connections outlive it (an IDLE one
 * for many seconds, its client still connected): so once the master is gone, the whole process
 * group (this shell included) is killed, and every connection drops as in a server restart.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$1" -F -c "$2" </dev/null 3<&- &',
  'master=$!',
  'echo "$master"',
  '( read -r _ <&3; kill -TERM "$master" 2>/dev/null ) &',
  'wait "$master"',
  'kill -9 0',
].join('\n');

// ---------------------------------------------------------------------------------------------
// The instance

class DovecotInstance implements Dovecot {
  readonly host = HOST;
  readonly user = MAIL_USER;
  readonly password = MAIL_PASSWORD;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';

  constructor(
    readonly dir: string,
    public port: number,
    private readonly runAs: RunAs,
    private readonly bin: { dovecot: string; doveadm: string },
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  private get confPath(): string {
    return path.join(this.dir, 'dovecot.conf');
  }

  writeConfig(): void {
    fs.writeFileSync(this.confPath, dovecotConfig(this.dir, this.port, this.runAs));
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.stderr = '';
    const child = spawn(
      '/bin/sh',
      ['-c', WATCHDOG, 'duban-dovecot', this.bin.dovecot, this.confPath],
      {
        // Its own process group, so that a last-resort kill(-pid) reaches every Dovecot process.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: this.dir, LANG: 'C.UTF-8' },
        ...(this.runAs.spawnAs ?? {}),
      },
    );
    this.child = child;
    live.set(child, this.dir);
    installExitHook();
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.stdout?.resume();
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        live.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    // A caller that forgets stop() must not keep its process (jest, a script) alive; the watchdog
    // still stops Dovecot.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }

    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.child) break; // exited during start-up
      // Refused (not listening yet) or closed: try again until the deadline.
      const line = await readGreeting(this.port, 2000).catch(() => undefined);
      if (line?.startsWith('* OK')) return;
      if (line !== undefined) {
        await this.stop();
        throw new Error(`Dovecot on ${HOST}:${this.port} greeted ${JSON.stringify(line)}`);
      }
      await sleep(25);
    }
    await this.stop();
    throw new Error(
      `Dovecot did not greet on ${HOST}:${this.port} within ${START_TIMEOUT_MS} ms.\n` +
        `stderr: ${this.stderr.trim() || '(empty)'}\nlog:\n${this.logTail()}`,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // Keep the event loop alive while we wait (the child is unref'd).
    child.ref();
    child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!stopped && child.pid !== undefined) {
      tryKill(-child.pid, 'SIGKILL');
      await this.exited;
    }
    this.child = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private clientOptions(): ConstructorParameters<typeof ImapFlow>[0] {
    return {
      host: HOST,
      port: this.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: MAIL_USER, pass: MAIL_PASSWORD },
      logger: false,
      disableAutoIdle: true,
      clientInfo: { name: 'duban-tests' },
    };
  }

  async openClient(): Promise<ImapFlow> {
    const client = new ImapFlow(this.clientOptions());
    // Without a listener a server-side drop would crash the calling process.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async append(
    mailbox: string,
    raw: Uint8Array | string,
    flags: string[] = [],
    internalDate?: Date,
  ): Promise<AppendedMessage> {
    const client = await this.openClient();
    try {
      const content = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
      const result = await client.append(mailbox, content, flags, internalDate);
      if (!result || result.uid === undefined || result.uidValidity === undefined) {
        throw new Error(`APPEND to ${mailbox} returned no APPENDUID`);
      }
      return { uid: result.uid, uidValidity: result.uidValidity.toString() };
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  private doveadm(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.bin.doveadm,
        ['-c', this.confPath, ...args],
        {
          encoding: 'utf8',
          timeout: 10_000,
          env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: this.dir, LANG: 'C.UTF-8' },
          ...(this.runAs.spawnAs ?? {}),
        },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`doveadm ${args.join(' ')} failed: ${stderr.trim() || err.message}`))
            : resolve(stdout),
      );
    });
  }

  async uidValidity(mailbox: string): Promise<string> {
    const out = await this.doveadm(['mailbox', 'status', '-u', MAIL_USER, 'uidvalidity', mailbox]);
    const m = /uidvalidity=(\d+)/.exec(out);
    if (!m?.[1]) throw new Error(`doveadm printed no uidvalidity: ${out}`);
    return m[1];
  }

  private maildirOf(mailbox: string): string {
    // Maildir++ layout: INBOX is the root, "A/B" is ".A.B". Only plain ASCII names are needed here
    // (others would be stored in modified UTF-7).
    if (!/^[\x20-\x7e]+$/.test(mailbox)) throw new Error(`not a plain ASCII mailbox: ${mailbox}`);
    const root = path.join(this.dir, 'mail', MAIL_USER, 'Maildir');
    return mailbox.toUpperCase() === 'INBOX'
      ? root
      : path.join(root, `.${mailbox.replace(/\//g, '.')}`);
  }

  async resetUidValidity(mailbox: string): Promise<{ before: string; after: string }> {
    const before = await this.uidValidity(mailbox);
    await this.stop();
    const maildir = this.maildirOf(mailbox);
    for (const name of fs.readdirSync(maildir)) {
      if (name === 'dovecot-uidlist' || name.startsWith('dovecot.index')) {
        fs.rmSync(path.join(maildir, name), { force: true });
      }
    }
    await this.start();
    let after = await this.uidValidity(mailbox);
    if (after === before) {
      // Dovecot takes a new value from a counter file; should it ever repeat, force one.
      after = String((Number(before) + 1) % 2 ** 32 || 1);
      await this.doveadm(['mailbox', 'update', '-u', MAIL_USER, '--uid-validity', after, mailbox]);
    }
    return { before, after };
  }

  deliver(mailbox: string, raw: Uint8Array | string, receivedAt: Date = new Date()): void {
    const maildir = this.maildirOf(mailbox);
    if (!fs.existsSync(path.join(maildir, 'new'))) {
      throw new Error(`mailbox ${mailbox} does not exist (create it over IMAP first)`);
    }
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(raw);
    deliveries += 1;
    const name = `${Math.floor(receivedAt.getTime() / 1000)}.M${deliveries}P${process.pid}.duban,S=${bytes.length}`;
    // Written in tmp/ and renamed, as Maildir requires, so Dovecot never sees half a file.
    const tmp = path.join(maildir, 'tmp', name);
    fs.writeFileSync(tmp, bytes);
    fs.utimesSync(tmp, receivedAt, receivedAt);
    if (this.runAs.spawnAs) fs.chownSync(tmp, this.runAs.uid, this.runAs.gid);
    fs.renameSync(tmp, path.join(maildir, 'new', name));
  }

  async kick(): Promise<void> {
    await this.doveadm(['kick', MAIL_USER]);
  }

  logTail(lines = 20): string {
    try {
      const text = fs.readFileSync(path.join(this.dir, 'log', 'dovecot.log'), 'utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

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
