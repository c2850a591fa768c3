/**
 * Where outgoing mail goes: an SMTP server, or (with no SMTP configured) the file outbox, which
 * writes each mail as an .eml file into ./data/outbox, like Django's file e-mail backend, so the
 * service runs and can be tried with no mail server at all.
 *
 * Both take the finished bytes (built once by ./compose-mime.ts) and an explicit envelope, and
 * report failures as MailDeliveryError with one of our codes and whether another attempt makes
 * sense: SMTP 4xx and connection errors are retryable, 5xx are permanent.
 *
 * The settings come parsed (src/config/env/smtp.ts, through loadConfig); this module never reads
 * the environment.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailSettings, SmtpSettings } from '../../config/env/smtp';
import { DubanError, type Code } from '../../errors';
import { oneLine } from '../../domain/one-line';

export {
  DEFAULT_DAILY_CAP,
  DEFAULT_OUTBOX_DIR,
  type MailEnvOptions,
  type MailSettings,
  type OutboxSettings,
  type SmtpSettings,
} from '../../config/env/smtp';

/** The settings for logs: never the password. */
export function describeMailSettings(settings: MailSettings): string {
  const t = settings.transport;
  if (t.mode === 'outbox') return `outbox ${t.dir}`;
  const user = t.auth ? `${encodeURIComponent(t.auth.user)}@` : '';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.secure ? 'smtps' : 'smtp'}://${user}${host}:${t.port}`;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A failed delivery, with our code and whether another attempt makes sense. */
export class MailDeliveryError extends DubanError {
  constructor(
    code: Code,
    message: string,
    override readonly retryable: boolean,
    /** The server's reply ("550 5.1.1 <x@example.cn>: Recipient address rejected"), if any. */
    readonly smtpResponse: string | null = null,
    readonly responseCode: number | null = null,
  ) {
    super(code, message);
    this.name = 'MailDeliveryError';
  }
}

/** Errors of a connection, not of the message: another attempt may well succeed. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Translates a nodemailer (or socket) error. RFC 5321: 4yz replies are transient, 5yz permanent;
 * nodemailer's `permanent` flag follows that and treats 503 (bad sequence of commands: a session
 * problem, not a verdict on the message) as transient, and so do we. A failed login is a
 * configuration problem, not the message's: retryable, so receipts go out once it is fixed.
 *
 * Hazard: a connection lost after the final "." of DATA but before the server's reply leaves it
 * unknown whether the mail was accepted. It is retried (a rare duplicate beats a lost receipt).
 */
export function classifyDeliveryError(err: unknown): MailDeliveryError {
  if (err instanceof MailDeliveryError) return err;
  const e = (err ?? {}) as {
    code?: unknown;
    responseCode?: unknown;
    response?: unknown;
    permanent?: unknown;
    message?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = typeof e.response === 'string' ? oneLine(e.response, 1000, '') : null;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const detail = response ?? message;

  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new MailDeliveryError('SMTP_AUTH_FAILED', detail, true, response, responseCode);
  }
  if (responseCode !== null && responseCode >= 400) {
    const permanent =
      typeof e.permanent === 'boolean' ? e.permanent : responseCode >= 500 && responseCode !== 503;
    return permanent
      ? new MailDeliveryError('SMTP_REJECTED', detail, false, response, responseCode)
      : new MailDeliveryError('SMTP_TEMPORARY_FAILURE', detail, true, response, responseCode);
  }
  if (code === 'ECONFIG') {
    return new MailDeliveryError('SMTP_CONFIG_INVALID', message, false);
  }
  if (code === 'EENVELOPE') {
    // Refused before any server reply: the envelope itself is wrong, another try changes nothing.
    return new MailDeliveryError('SMTP_REJECTED', message, false);
  }
  if (CONNECTION_CODES.has(code)) {
    return new MailDeliveryError('SMTP_TEMPORARY_FAILURE', message, true);
  }
  // Unknown: assume transient rather than drop the mail for good.
  return new MailDeliveryError('SMTP_TEMPORARY_FAILURE', message, true);
}

// ---------------------------------------------------------------------------------------------
// Transports

export interface Envelope {
  /** MAIL FROM. */
  from: string;
  /** RCPT TO, validated plain addresses. */
  to: string[];
}

export interface DeliveryRequest {
  /** The mail key (names the outbox file). */
  key: string;
  /** The finished message (RFC 5322, CRLF). */
  raw: Buffer;
  envelope: Envelope;
  now: Date;
}

export interface Delivery {
  /** The server's final reply, or where the outbox wrote the file. */
  response: string;
  /** Recipients the server refused while accepting the others. */
  rejected: string[];
}

export interface MailTransport {
  readonly mode: 'smtp' | 'outbox';
  /** Where mail goes, safe for logs. */
  readonly description: string;
  /** Sends the bytes as they are; throws MailDeliveryError. */
  deliver(request: DeliveryRequest): Promise<Delivery>;
  /** Checks that mail can go out (SMTP: connect and log in; outbox: the directory is writable). */
  verify(): Promise<void>;
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Milliseconds to connect, to wait for the greeting, and of socket inactivity. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export function createMailTransport(
  settings: MailSettings,
  options: TransportOptions = {},
): MailTransport {
  const description = describeMailSettings(settings);
  return settings.transport.mode === 'smtp'
    ? smtpTransport(settings.transport, description, options)
    : outboxTransport(settings.transport.dir, description);
}

function smtpTransport(
  settings: SmtpSettings,
  description: string,
  options: TransportOptions,
): MailTransport {
  const transporter = nodemailer.createTransport({
    // Reuse connections: a new connection (and TLS and AUTH) per mail was what limited sending
    // (bench/README.md, Intake). A few at once, closed when idle.
    pool: true,
    maxConnections: 4,
    maxMessages: 100,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.requireTLS,
    ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
    // nodemailer's defaults (2 min to connect, 10 min idle) would hold a job for minutes on a
    // server that hangs; a retry later is better.
    connectionTimeout: options.connectionTimeoutMs ?? 30_000,
    greetingTimeout: options.greetingTimeoutMs ?? 30_000,
    socketTimeout: options.socketTimeoutMs ?? 120_000,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    mode: 'smtp',
    description,
    async deliver(request) {
      try {
        // `raw`: the bytes go out exactly as built and stored; `envelope`: the recipients are
        // the validated addresses, never re-parsed from the headers.
        const info = await transporter.sendMail({
          raw: request.raw,
          envelope: { from: request.envelope.from, to: [...request.envelope.to] },
        });
        return {
          response: String(info.response ?? ''),
          rejected: (info.rejected ?? []).map(String),
        };
      } catch (err) {
        throw classifyDeliveryError(err);
      }
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (err) {
        throw classifyDeliveryError(err);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

/** "receipt:42" → "receipt_42": letters, digits, "." "_" "-" only, never a leading dot, capped. */
function fileSafe(key: string): string {
  const safe = key
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 100);
  return safe === '' ? 'mail' : safe;
}

/**
 * The file outbox. Each mail is written to a hidden temporary file in the same directory,
 * flushed, then renamed to `<UTC timestamp>-<key>.eml`: a reader (or a crash) never sees half
 * a file under the final name, since a rename within one directory is atomic.
 */
function outboxTransport(dir: string, description: string): MailTransport {
  return {
    mode: 'outbox',
    description,
    async deliver(request) {
      const name = `${request.now.toISOString().replace(/[-:]/g, '')}-${fileSafe(request.key)}.eml`;
      const target = path.join(dir, name);
      const temp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await fs.promises.mkdir(dir, { recursive: true });
        const handle = await fs.promises.open(temp, 'wx', 0o640);
        try {
          await handle.writeFile(request.raw);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.promises.rename(temp, target);
      } catch (err) {
        await fs.promises.rm(temp, { force: true }).catch(() => undefined);
        const code = (err as { code?: unknown }).code;
        throw new MailDeliveryError(
          'OUTBOX_WRITE_FAILED',
          `cannot write ${target}: ${typeof code === 'string' ? code : String(err)}`,
          true,
        );
      }
      return { response: `written ${target}`, rejected: [] };
    },
    async verify() {
      try {
        await fs.promises.mkdir(dir, { recursive: true });
        await fs.promises.access(dir, fs.constants.W_OK);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        throw new MailDeliveryError(
          'OUTBOX_WRITE_FAILED',
          `outbox ${dir} is not writable: ${typeof code === 'string' ? code : String(err)}`,
          true,
        );
      }
    },
    async close() {},
  };
}
