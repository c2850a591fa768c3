/**
 * The watcher's IMAP connection: a fresh imapflow client per connection (an ImapFlow client is
 * single-use), always with an `error` listener, and a LOGOUT that never waits long.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapConfig } from '../../config/env';
import { PACKAGE_ROOT } from '../../paths';
import { imapErrorCode } from './errors';
import { settlesWithin } from './waiting';

export const LOGOUT_TIMEOUT_MS = 2_000;

let cachedVersion: string | undefined;
function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
        version?: unknown;
      };
      cachedVersion = typeof pkg.version === 'string' ? pkg.version : '0';
    } catch {
      cachedVersion = '0';
    }
  }
  return cachedVersion;
}

/** A new client for the watched mailbox (not connected yet). */
export function newImapClient(
  config: ImapConfig,
  options: { log: Logger; imapflowLog: Logger; clientOptions: Partial<ImapFlowOptions> },
): ImapFlow {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth: { user: config.user, pass: config.password },
    // imapflow logs commands at debug and FETCH data at trace, with literals (message bodies)
    // and credentials replaced by placeholders.
    logger: options.imapflowLog,
    clientInfo: { name: 'duban', version: packageVersion(), vendor: 'duban' },
    // IDLE is started by the session loop between syncs, not by imapflow's timer.
    disableAutoIdle: true,
    connectionTimeout: 30_000,
    ...options.clientOptions,
  });
  // Always attached: without it, a server dropping an idle connection crashes the process.
  client.on('error', (err: Error) => {
    options.log.warn({ err, code: imapErrorCode(err, false) }, 'IMAP connection error');
  });
  return client;
}

export async function disconnectClient(client: ImapFlow): Promise<void> {
  if (client.usable) {
    // LOGOUT politely, but never wait long for it: close() below always ends the socket.
    await settlesWithin(client.logout(), LOGOUT_TIMEOUT_MS);
  }
  client.close();
}
