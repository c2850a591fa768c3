/**
 * The SMTP section of the environment: where outgoing mail goes (an SMTP server, or the file
 * outbox when none is configured), its From address and the daily cap of automatic replies.
 * The mail adapter (src/adapters/mail/transport.ts) takes these settings, never the environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPlainAddress } from '../../domain/mail/address';
import { EnvReader, valueOrThrow, type Env, type Parsed } from './reader';
import { reportUnknownNames } from './unknown-names';

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

/** Every variable of this section. */
export const SMTP_VARIABLES = [
  'SMTP_URL',
  'SMTP_HOST',
  'SMTP_PORT',
  'SMTP_SECURE',
  'SMTP_USER',
  'SMTP_PASSWORD',
  'SMTP_PASSWORD_FILE',
  'OUTBOX_DIR',
  'MAIL_FROM',
  'MAIL_DAILY_CAP',
] as const;

export const DEFAULT_OUTBOX_DIR = path.join('data', 'outbox');
export const DEFAULT_DAILY_CAP = 10;

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
 * Empty strings count as unset. Every problem is listed (code SMTP_CONFIG_INVALID);
 * no message ever contains a password.
 */
export function parseSmtpEnv(env: Env, options: MailEnvOptions): Parsed<MailSettings> {
  const cwd = options.cwd ?? process.cwd();
  const r = new EnvReader(env);
  const setting = (name: string) => r.string(name);
  const problems = r.problems;
  const warnings: string[] = [];
  reportUnknownNames(
    r,
    'SMTP_',
    SMTP_VARIABLES.filter((name) => name.startsWith('SMTP_')),
    SMTP_VARIABLES,
  );

  const url = setting('SMTP_URL');
  const host = setting('SMTP_HOST');
  const portText = setting('SMTP_PORT');
  const secureText = setting('SMTP_SECURE');
  const userSetting = setting('SMTP_USER');
  // A password is taken as written (spaces may be part of it); only blank means unset.
  const passwordSetting = r.raw('SMTP_PASSWORD');
  const passwordFile = setting('SMTP_PASSWORD_FILE');

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
    ].filter((name) => setting(name) !== undefined);
    if (stray.length > 0) {
      // Without this, a typo in SMTP_HOST would quietly send every mail to the outbox.
      problems.push(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but neither SMTP_URL nor SMTP_HOST is; set SMTP_URL or SMTP_HOST, or unset them to use the file outbox.`,
      );
    }
    transport = {
      mode: 'outbox',
      dir: path.resolve(cwd, setting('OUTBOX_DIR') ?? DEFAULT_OUTBOX_DIR),
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
    if (setting('OUTBOX_DIR') !== undefined) {
      warnings.push('OUTBOX_DIR is ignored: SMTP is configured.');
    }
  }

  const from = setting('MAIL_FROM') ?? options.mailbox;
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
  const capText = setting('MAIL_DAILY_CAP');
  if (capText !== undefined) {
    dailyCap = Number(capText);
    if (!/^\d+$/.test(capText) || dailyCap < 1 || dailyCap > 10_000) {
      problems.push(
        `MAIL_DAILY_CAP ${JSON.stringify(capText)} is not a whole number from 1 to 10000.`,
      );
    }
  }

  return r.result({ transport, from, dailyCap, warnings }, 'SMTP_CONFIG_INVALID');
}

/** The mail settings, or a DubanError SMTP_CONFIG_INVALID listing every problem. */
export function smtpConfigFromEnv(env: Env, options: MailEnvOptions): MailSettings {
  return valueOrThrow(parseSmtpEnv(env, options));
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
