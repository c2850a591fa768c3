/**
 * Setting up a private Dovecot: which user runs it, its configuration (everything in its own
 * directory), a free loopback port, and the greeting that says it is up.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The system user that runs the instances when started as root (scripts/ensure-services.sh). */
export const DOVECOT_TEST_USER = 'duban-mailtest';

export const HOST = '127.0.0.1';
export const MAIL_USER = 'office@example.test';
export const MAIL_PASSWORD = 'test-password';

export interface RunAs {
  user: string;
  group: string;
  uid: number;
  gid: number;
  /** Set when this process must switch to that user to start Dovecot (it runs as root). */
  spawnAs: { uid: number; gid: number } | undefined;
}

export function which(command: string): string | undefined {
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

export function resolveRunAs(): RunAs {
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

export function dovecotConfig(dir: string, port: number, runAs: RunAs): string {
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

export function chownTree(target: string, uid: number, gid: number): void {
  fs.chownSync(target, uid, gid);
  if (!fs.statSync(target).isDirectory()) return;
  for (const entry of fs.readdirSync(target)) chownTree(path.join(target, entry), uid, gid);
}

export async function freePort(): Promise<number> {
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
export function readGreeting(port: number, timeoutMs: number): Promise<string> {
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
