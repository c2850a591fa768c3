/** One private Dovecot instance: start, stop, restart, and what tests do to its mailboxes. */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { AppendedMessage, Dovecot } from './api';
import { installExitHook, live, tryKill, WATCHDOG } from './process';
import { dovecotConfig, HOST, MAIL_PASSWORD, MAIL_USER, readGreeting, type RunAs } from './setup';

const START_TIMEOUT_MS = 15_000;
/** Dovecot's master takes about 1.1 s to stop (it waits for its log process). */
const STOP_TIMEOUT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let deliveries = 0;

export class DovecotInstance implements Dovecot {
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
