/**
 * The IMAP section of the environment: the office mailbox the watcher reads. Null when neither
 * IMAP_URL nor IMAP_HOST is set (no watcher runs). Secrets are never part of a message.
 */
import * as fs from 'node:fs';
import { EnvReader, type Env, type Parsed } from './reader';
import { reportUnknownNames } from './unknown-names';

export interface ImapConfig {
  host: string;
  port: number;
  /** Implicit TLS (imaps, usually port 993). False: plain IMAP, upgraded by STARTTLS if offered. */
  secure: boolean;
  user: string;
  /** Never log it; `describeImap()` gives a safe description. */
  password: string;
  /** The watched mailbox (default INBOX). */
  mailbox: string;
  /** The safety-net poll interval (IDLE is only a doorbell). */
  pollSeconds: number;
  /** Larger messages are stored as headers only and answered "too large". */
  maxMessageBytes: number;
  /**
   * Messages whose INTERNALDATE is before this are recorded as history and never answered (so a
   * first run on a full mailbox does not answer years of mail). Null: every message is new.
   */
  since: Date | null;
  /** Move processed messages here (created if missing); null = never move. */
  processedFolder: string | null;
  /** For messages that could not be used; null = never move. */
  failedFolder: string | null;
  /** No successful sync for this long counts as stalled (health check, warn log). */
  stallMinutes: number;
  /** How storage names this account (raw_messages.account, mailbox_state): `login@host`. */
  account: string;
}

/** Injected for tests: how IMAP_PASSWORD_FILE is read. */
export interface LoadEnvOptions {
  readFile?: (path: string) => string;
}

export const IMAP_VARIABLES = [
  'IMAP_URL',
  'IMAP_HOST',
  'IMAP_PORT',
  'IMAP_SECURE',
  'IMAP_USER',
  'IMAP_PASSWORD',
  'IMAP_PASSWORD_FILE',
  'IMAP_MAILBOX',
  'IMAP_POLL_SECONDS',
  'IMAP_MAX_MESSAGE_MB',
  'IMAP_SINCE',
  'IMAP_PROCESSED_FOLDER',
  'IMAP_FAILED_FOLDER',
  'IMAP_STALL_MINUTES',
] as const;

export const IMAP_DEFAULTS = {
  mailbox: 'INBOX',
  pollSeconds: 60,
  maxMessageMb: 25,
  stallMinutes: 10,
} as const;

const MB = 1024 * 1024;

/**
 * China has one time zone and no daylight saving time, so a bare IMAP_SINCE date means midnight
 * at UTC+08:00 (the office's midnight, whatever the server's TZ is).
 */
const CHINA_OFFSET = '+08:00';

interface ImapUrlParts {
  host: string;
  port: number | undefined;
  secure: boolean;
  user: string | undefined;
  password: string | undefined;
  mailbox: string | undefined;
}

/** The URL with any password replaced by ***, for messages (works on unparseable text too). */
export function redactImapUrl(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  if (!scheme) return text;
  const rest = text.slice(scheme[0].length);
  // The user info ends at the last "@": a login such as office@example.cn may contain one.
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return text;
  return `${scheme[0]}${rest.slice(0, colon)}:***${rest.slice(at)}`;
}

function parseImapUrl(r: EnvReader, text: string): ImapUrlParts | undefined {
  const shown = redactImapUrl(text);
  const usage = 'write it as imaps://user:password@imap.example.cn:993/INBOX';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    r.problem(
      `IMAP_URL: "${shown}" is not a valid URL; ${usage} ` +
        '(percent-encode special characters in the password, or give it in IMAP_PASSWORD).',
    );
    return undefined;
  }
  const protocol = url.protocol.toLowerCase();
  if (protocol !== 'imap:' && protocol !== 'imaps:') {
    r.problem(`IMAP_URL: "${shown}" must start with imaps:// (TLS) or imap://; ${usage}.`);
    return undefined;
  }
  if (url.hostname === '') {
    r.problem(`IMAP_URL: "${shown}" names no server; ${usage}.`);
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    r.problem(`IMAP_URL: "${shown}" has a query or fragment, which duban does not use; ${usage}.`);
  }
  const decode = (part: string, what: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      r.problem(`IMAP_URL: the ${what} in "${shown}" is not valid percent-encoding.`);
      return undefined;
    }
  };
  return {
    host: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    secure: protocol === 'imaps:',
    user: decode(url.username, 'user'),
    password: decode(url.password, 'password'),
    mailbox: decode(url.pathname.replace(/^\//, ''), 'mailbox'),
  };
}

/**
 * A value that may come from IMAP_URL or from its own variable: one or the other, or both when
 * they agree.
 */
function oneOf<T>(
  r: EnvReader,
  name: string,
  fromUrl: T | undefined,
  fromVar: T | undefined,
  shown: (v: T) => string = String,
): T | undefined {
  if (fromUrl !== undefined && fromVar !== undefined && fromUrl !== fromVar) {
    r.problem(
      `${name}: ${shown(fromVar)} disagrees with IMAP_URL (${shown(fromUrl)}); set it in one place.`,
    );
  }
  return fromVar ?? fromUrl;
}

function readSince(r: EnvReader): Date | null {
  const text = r.string('IMAP_SINCE');
  if (text === undefined) return null;
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(
    text,
  );
  const date = dateOnly
    ? new Date(`${text}T00:00:00${CHINA_OFFSET}`)
    : withZone
      ? new Date(text)
      : new Date(NaN);
  // Reject dates that roll over (2021-02-30): the calendar day must survive the round trip.
  const rolledOver =
    dateOnly !== null &&
    !Number.isNaN(date.getTime()) &&
    new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 10) !== text;
  if (Number.isNaN(date.getTime()) || rolledOver) {
    r.problem(
      `IMAP_SINCE: "${text}" is not an ISO date; write 2021-03-15 (midnight China time) or a ` +
        'time with its offset, such as 2021-03-15T08:00:00+08:00.',
    );
    return null;
  }
  return date;
}

function readFolder(r: EnvReader, name: string, mailbox: string): string | null {
  const folder = r.string(name);
  if (folder === undefined) return null;
  if (folder.toUpperCase() === mailbox.toUpperCase()) {
    r.problem(
      `${name}: "${folder}" is the watched mailbox itself; name another folder or unset it.`,
    );
    return null;
  }
  return folder;
}

/** The IMAP section; null when IMAP is not configured. */
export function readImap(r: EnvReader, options: LoadEnvOptions = {}): ImapConfig | null {
  const setNames = r.namesWithPrefix('IMAP_');
  const known = new Set<string>(IMAP_VARIABLES);
  reportUnknownNames(r, 'IMAP_', IMAP_VARIABLES);

  const urlText = r.string('IMAP_URL');
  const hostVar = r.string('IMAP_HOST');
  if (urlText === undefined && hostVar === undefined) {
    const stray = setNames.filter((n) => known.has(n));
    if (stray.length > 0) {
      r.problem(
        `${stray.join(', ')}: set, but neither IMAP_URL nor IMAP_HOST is; set one of them to ` +
          'watch a mailbox, or unset the IMAP variables.',
      );
    }
    return null;
  }
  if (urlText !== undefined && hostVar !== undefined) {
    r.problem('IMAP_HOST: set together with IMAP_URL; give the server in one of them.');
  }
  const fromUrl = urlText === undefined ? undefined : parseImapUrl(r, urlText);
  // An unusable IMAP_URL is reported once; "user required" and the like would only add noise.
  const urlUnusable = urlText !== undefined && fromUrl === undefined;

  const host = hostVar ?? fromUrl?.host ?? '';
  const secureVar = r.boolean('IMAP_SECURE');
  const portVar = r.has('IMAP_PORT')
    ? r.number('IMAP_PORT', { default: 0, min: 1, max: 65535, integer: true })
    : undefined;
  const secure =
    oneOf(r, 'IMAP_SECURE', fromUrl?.secure, secureVar) ??
    // Without IMAP_SECURE: TLS, unless the port is plain IMAP's 143.
    (portVar ?? fromUrl?.port) !== 143;
  const port =
    oneOf(r, 'IMAP_PORT', fromUrl?.port, portVar === 0 ? undefined : portVar) ??
    (secure ? 993 : 143);

  const user = oneOf(r, 'IMAP_USER', fromUrl?.user, r.string('IMAP_USER'));
  if (user === undefined && !urlUnusable) {
    r.problem('IMAP_USER: required (the login of the office mailbox), or give it in IMAP_URL.');
  }

  const password = readPassword(r, fromUrl?.password, options, urlUnusable);

  const mailbox =
    oneOf(r, 'IMAP_MAILBOX', fromUrl?.mailbox, r.string('IMAP_MAILBOX')) ?? IMAP_DEFAULTS.mailbox;
  const pollSeconds = r.number('IMAP_POLL_SECONDS', {
    default: IMAP_DEFAULTS.pollSeconds,
    min: 5,
    max: 86_400,
    integer: true,
    unit: 'seconds',
  });
  const maxMessageMb = r.number('IMAP_MAX_MESSAGE_MB', {
    default: IMAP_DEFAULTS.maxMessageMb,
    min: 0.01,
    max: 2048,
    unit: 'MB',
  });
  const stallMinutes = r.number('IMAP_STALL_MINUTES', {
    default: IMAP_DEFAULTS.stallMinutes,
    min: 1,
    max: 10_080,
    unit: 'minutes',
  });
  if (stallMinutes * 60 <= pollSeconds) {
    r.problem(
      `IMAP_STALL_MINUTES: ${stallMinutes} minutes is not longer than the poll interval ` +
        `(IMAP_POLL_SECONDS ${pollSeconds}); the watcher would always look stalled.`,
    );
  }

  return {
    host,
    port,
    secure,
    user: user ?? '',
    password: password ?? '',
    mailbox,
    pollSeconds,
    maxMessageBytes: Math.round(maxMessageMb * MB),
    since: readSince(r),
    processedFolder: readFolder(r, 'IMAP_PROCESSED_FOLDER', mailbox),
    failedFolder: readFolder(r, 'IMAP_FAILED_FOLDER', mailbox),
    stallMinutes,
    account: `${user ?? ''}@${host}`,
  };
}

function readPassword(
  r: EnvReader,
  fromUrl: string | undefined,
  options: LoadEnvOptions,
  urlUnusable: boolean,
): string | undefined {
  const direct = r.raw('IMAP_PASSWORD');
  const file = r.string('IMAP_PASSWORD_FILE');
  const sources = [
    fromUrl !== undefined ? 'IMAP_URL' : undefined,
    direct !== undefined ? 'IMAP_PASSWORD' : undefined,
    file !== undefined ? 'IMAP_PASSWORD_FILE' : undefined,
  ].filter((s): s is string => s !== undefined);
  if (sources.length > 1) {
    r.problem(`IMAP_PASSWORD: given more than once (${sources.join(', ')}); give it in one place.`);
  }
  if (sources.length === 0) {
    if (urlUnusable) return undefined;
    r.problem(
      'IMAP_PASSWORD: required; set IMAP_PASSWORD_FILE to a file holding it (preferred), ' +
        'or IMAP_PASSWORD, or put it in IMAP_URL.',
    );
    return undefined;
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = (options.readFile ?? ((p: string) => fs.readFileSync(p, 'utf8')))(file);
    } catch (err) {
      const reason = (err as { code?: unknown }).code ?? 'unreadable';
      r.problem(`IMAP_PASSWORD_FILE: cannot read ${file} (${String(reason)}).`);
      return undefined;
    }
    // Files written by editors and `echo` end with a line break that is not part of the password.
    const password = text.replace(/\r?\n$/, '');
    if (password === '') {
      r.problem(`IMAP_PASSWORD_FILE: ${file} is empty.`);
      return undefined;
    }
    return password;
  }
  return direct ?? fromUrl;
}

/** For logs and messages: `imaps://office%40example.cn@imap.example.cn:993/INBOX`, no password. */
export function describeImap(config: ImapConfig): string {
  const scheme = config.secure ? 'imaps' : 'imap';
  const user = encodeURIComponent(config.user);
  return `${scheme}://${user}@${config.host}:${config.port}/${config.mailbox}`;
}

/** The IMAP section on its own (problems under ENV_INVALID). */
export function parseImapEnv(env: Env, options: LoadEnvOptions = {}): Parsed<ImapConfig | null> {
  const r = new EnvReader(env);
  const imap = readImap(r, options);
  return r.result(imap);
}
