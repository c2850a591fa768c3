/**
 * What an imapflow (or socket) error means for the watcher, as one of our registered codes.
 * imapflow errors carry a string `code` and flags such as `authenticationFailed`; errors from
 * Node's modules fail `instanceof Error` under Jest, so everything is read by shape.
 */
import type { Code } from '../../errors';
import { oneLine } from '../../domain/one-line';

export type ImapErrorCode = Extract<
  Code,
  'IMAP_UNAVAILABLE' | 'IMAP_AUTH_FAILED' | 'IMAP_MAILBOX_NOT_FOUND' | 'IMAP_SYNC_FAILED'
>;

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
  mailboxMissing?: unknown;
  responseText?: unknown;
}

/** Socket, TLS, DNS and imapflow connection codes: the server is (for now) out of reach. */
const CONNECTION_CODES = new Set([
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
  'ETHROTTLE',
  'StateLogout',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * The code for an error. `connected` tells whether the connection was still usable afterwards:
 * anything that broke the connection is IMAP_UNAVAILABLE, whatever its own code.
 */
export function imapErrorCode(err: unknown, connected: boolean): ImapErrorCode {
  const e = (err ?? {}) as ErrorShape;
  const serverCode = typeof e.serverResponseCode === 'string' ? e.serverResponseCode : '';
  if (e.authenticationFailed === true || serverCode === 'AUTHENTICATIONFAILED') {
    return 'IMAP_AUTH_FAILED';
  }
  if (e.mailboxMissing === true || serverCode === 'NONEXISTENT') return 'IMAP_MAILBOX_NOT_FOUND';
  if (!connected) return 'IMAP_UNAVAILABLE';
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return 'IMAP_UNAVAILABLE';
  return 'IMAP_SYNC_FAILED';
}

/** A one-line description of an error for the mailbox_state record and health(). */
export function errorText(err: unknown): string {
  const e = (err ?? {}) as ErrorShape;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
  const server =
    typeof e.responseText === 'string' && e.responseText !== '' && e.responseText !== message
      ? ` (server: ${e.responseText})`
      : '';
  return oneLine(`${message}${code}${server}`, 500, '');
}
