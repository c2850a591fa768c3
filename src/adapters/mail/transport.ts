/**
 * Where outgoing mail goes: an SMTP server, or (with no SMTP configured) the file outbox, which
 * writes each mail as an .eml file into ./data/outbox, like Django's file e-mail backend, so the
 * service runs and can be tried with no mail server at all.
 *
 * Both take the finished bytes (built once by ./compose-mime.ts) and an explicit envelope, and
 * report failures as MailDeliveryError with one of our codes and whether another attempt makes
 * sense: SMTP 4xx and connection errors are retryable, 5xx are permanent.
 *
 * `smtpConfigFromEnv` reads the SMTP settings for now; it will move into src/config/env.ts.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { DubanError, type Code } from '../../errors';
import { isPlainAddress } from './compose-mime';

// ---------------------------------------------------------------------------------------------
// Settings

export interface SmtpSettings {
  mode: 'smtp';
  host: string;
  port: number;
  /** TLS from the first byte (smtps, usually port 465); otherwise STARTTLS when offered. */
  secure: boolean;
  auth: { user: string; pass: string } | null;
  /** Refuse to log in without STARTTLS (set when a password would cross a network). */
  requireTLS: boolean;
}

export interface OutboxSettings {
  mode: 'outbox';
  /** Absolute directory the .eml files are written to. */
  dir: string;
}

export interface MailSettings {
  transport: SmtpSettings | OutboxSettings;
  /** The From address of every automatic mail (MAIL_FROM; default the programme mailbox). */
  from: string;
  /** Automatic replies one address may get in 24 hours (MAIL_DAILY_CAP; default 10). */
  dailyCap: number;
  /** Likely mistakes that do not stop the service; the caller logs them. */
  warnings: string[];
}

export interface MailEnvOptions {
  /** schedule.programme.mailbox: the default MAIL_FROM. */
  mailbox: string;
  /** Relative OUTBOX_DIR and SMTP_PASSWORD_FILE paths are resolved against it. */
  cwd?: string;
}

export const DEFAULT_OUTBOX_DIR = path.join('data', 'outbox');
export const DEFAULT_DAILY_CAP = 10;

type Env = Readonly<Record<string, string | undefined>>;

/** An environment value, or undefined when unset or blank (an empty string means unset). */
function setting(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Reads the mail settings from the environment:
 * - `SMTP_URL` (`smtp://host:587` or `smtps://user:pass@host:465`), or `SMTP_HOST` with
 *   `SMTP_PORT` (default 465 when secure, else 587) and `SMTP_SECURE` (default: port 465);
 * - `SMTP_USER` with `SMTP_PASSWORD` or `SMTP_PASSWORD_FILE` (QQ/163: the authorization code);
 * - `MAIL_FROM` (default the programme mailbox), `MAIL_DAILY_CAP` (default 10);
 * - with neither SMTP_URL nor SMTP_HOST: the file outbox in `OUTBOX_DIR` (default ./data/outbox).
 * Empty strings count as unset. Every problem is listed at once in one SMTP_CONFIG_INVALID error;
 * no message ever contains a password.
 */
export function smtpConfigFromEnv(env: Env, options: MailEnvOptions): MailSettings {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const warnings: string[] = [];

  const url = setting(env, 'SMTP_URL');
  const host = setting(env, 'SMTP_HOST');
  const portText = setting(env, 'SMTP_PORT');
  const secureText = setting(env, 'SMTP_SECURE');
  const userSetting = setting(env, 'SMTP_USER');
  // A password is taken as written (spaces may be part of it); only blank means unset.
  const passwordSetting = env.SMTP_PASSWORD?.trim() ? env.SMTP_PASSWORD : undefined;
  const passwordFile = setting(env, 'SMTP_PASSWORD_FILE');

  let password: string | undefined = passwordSetting;
  if (passwordSetting !== undefined && passwordFile !== undefined) {
    problems.push('SMTP_PASSWORD and SMTP_PASSWORD_FILE are both set; set only one.');
  } else if (passwordFile !== undefined) {
    try {
      // One trailing line break is what editors and `echo` add; it is not part of the password.
      password = fs.readFileSync(path.resolve(cwd, passwordFile), 'utf8').replace(/\r?\n$/u, '');
      if (password === '') problems.push(`SMTP_PASSWORD_FILE ${passwordFile} is empty.`);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      problems.push(
        `SMTP_PASSWORD_FILE ${passwordFile} cannot be read (${typeof code === 'string' ? code : 'error'}).`,
      );
    }
  }

  let transport: SmtpSettings | OutboxSettings;
  let user = userSetting;
  if (url !== undefined) {
    if (host !== undefined || portText !== undefined || secureText !== undefined) {
      problems.push('Set either SMTP_URL or SMTP_HOST/SMTP_PORT/SMTP_SECURE, not both.');
    }
    const parsed = parseSmtpUrl(url, problems);
    if (parsed.user !== undefined) {
      if (userSetting !== undefined) {
        problems.push('SMTP_USER is set and SMTP_URL has a user too; set only one.');
      }
      user = parsed.user;
    }
    if (parsed.password !== undefined) {
      if (password !== undefined) {
        problems.push('SMTP_URL has a password and SMTP_PASSWORD(_FILE) is set too; set only one.');
      }
      password = parsed.password;
    }
    transport = {
      mode: 'smtp',
      host: parsed.host,
      port: parsed.port,
      secure: parsed.secure,
      auth: null,
      requireTLS: false,
    };
  } else if (host !== undefined) {
    if (!/^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$/.test(host)) {
      problems.push(`SMTP_HOST ${JSON.stringify(host)} is not a host name or IP address.`);
    }
    let secure: boolean | undefined;
    if (secureText !== undefined) {
      secure = BOOLEANS[secureText.toLowerCase()];
      if (secure === undefined) {
        problems.push(`SMTP_SECURE ${JSON.stringify(secureText)} is not true or false.`);
      }
    }
    let port = secure === true ? 465 : 587;
    if (portText !== undefined) {
      port = Number(portText);
      if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
        problems.push(`SMTP_PORT ${JSON.stringify(portText)} is not a port number (1-65535).`);
      }
    }
    transport = {
      mode: 'smtp',
      host: host.replace(/^\[|\]$/g, ''),
      port,
      secure: secure ?? port === 465,
      auth: null,
      requireTLS: false,
    };
  } else {
    const stray = [
      'SMTP_PORT',
      'SMTP_SECURE',
      'SMTP_USER',
      'SMTP_PASSWORD',
      'SMTP_PASSWORD_FILE',
    ].filter((name) => setting(env, name) !== undefined);
    if (stray.length > 0) {
      // Without this, a typo in SMTP_HOST would quietly send every mail to the outbox.
      problems.push(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but neither SMTP_URL nor SMTP_HOST is; set SMTP_URL or SMTP_HOST, or unset them to use the file outbox.`,
      );
    }
    transport = {
      mode: 'outbox',
      dir: path.resolve(cwd, setting(env, 'OUTBOX_DIR') ?? DEFAULT_OUTBOX_DIR),
    };
  }

  if (transport.mode === 'smtp') {
    if (user !== undefined && password === undefined) {
      problems.push('SMTP_USER is set without SMTP_PASSWORD or SMTP_PASSWORD_FILE.');
    } else if (user === undefined && password !== undefined) {
      problems.push('A password is set without SMTP_USER.');
    } else if (user !== undefined && password !== undefined) {
      transport.auth = { user, pass: password };
      // A password must not cross a network in clear: insist on STARTTLS unless TLS is on from
      // the start or the server is on this machine.
      transport.requireTLS = !transport.secure && !isLoopback(transport.host);
    }
    if (transport.secure && transport.port !== 465) {
      warnings.push(
        `SMTP is secure (TLS from the start) on port ${transport.port}; that is usually port 465.`,
      );
    }
    if (!transport.secure && transport.port === 465) {
      warnings.push(
        'SMTP port 465 usually needs TLS from the start (smtps:// or SMTP_SECURE=true).',
      );
    }
    if (setting(env, 'OUTBOX_DIR') !== undefined) {
      warnings.push('OUTBOX_DIR is ignored: SMTP is configured.');
    }
  }

  const from = setting(env, 'MAIL_FROM') ?? options.mailbox;
  if (!isPlainAddress(from)) {
    problems.push(
      `MAIL_FROM ${JSON.stringify(from)} is not a plain address such as duban-inbox@example.cn.`,
    );
  } else if (
    transport.mode === 'smtp' &&
    transport.auth &&
    transport.auth.user.includes('@') &&
    transport.auth.user.toLowerCase() !== from.toLowerCase()
  ) {
    warnings.push(
      `MAIL_FROM ${from} differs from the SMTP login ${transport.auth.user}; QQ Mail, Tencent Exmail and others refuse a From other than the login.`,
    );
  }

  let dailyCap = DEFAULT_DAILY_CAP;
  const capText = setting(env, 'MAIL_DAILY_CAP');
  if (capText !== undefined) {
    dailyCap = Number(capText);
    if (!/^\d+$/.test(capText) || dailyCap < 1 || dailyCap > 10_000) {
      problems.push(
        `MAIL_DAILY_CAP ${JSON.stringify(capText)} is not a whole number from 1 to 10000.`,
      );
    }
  }

  if (problems.length > 0) {
    throw new DubanError(
      'SMTP_CONFIG_INVALID',
      `mail settings: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${problems.join('\n- ')}`,
      { problems },
    );
  }
  return { transport, from, dailyCap, warnings };
}

function parseSmtpUrl(
  url: string,
  problems: string[],
): { host: string; port: number; secure: boolean; user?: string; password?: string } {
  const fallback = { host: '', port: 587, secure: false };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    problems.push(
      'SMTP_URL is not a URL (as smtp://smtp.example.cn:587 or smtps://user:pass@smtp.example.cn:465).',
    );
    return fallback;
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    problems.push(`SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//.`);
    return fallback;
  }
  const secure = u.protocol === 'smtps:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === '') problems.push('SMTP_URL has no host.');
  if ((u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '') {
    problems.push(
      'SMTP_URL must be only scheme, user, password, host and port (no path or ?options).',
    );
  }
  const port = u.port === '' ? (secure ? 465 : 587) : Number(u.port);
  const decode = (part: string, what: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      problems.push(`SMTP_URL's ${what} is not valid percent-encoding.`);
      return undefined;
    }
  };
  const user = decode(u.username, 'user');
  const password = decode(u.password, 'password');
  return {
    host,
    port,
    secure,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

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
    readonly retryable: boolean,
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
  const response = typeof e.response === 'string' ? e.response.slice(0, 1000) : null;
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
