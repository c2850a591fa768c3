/**
 * The process environment, read and validated in one place. Each concern is one section with its
 * own parser, returning its value or its problems: ./env/imap.ts, ./env/smtp.ts,
 * ./env/database.ts and ./service-env.ts (Redis, queues, intake, log level). `loadConfig` runs
 * them all and throws one DubanError listing every problem of every section,
 * each naming its variable, so an operator fixes the whole environment in one go. Secrets are
 * never part of a message.
 *
 * Conventions for every variable (./env/reader.ts): an empty (or blank) value counts as unset;
 * values other than passwords are trimmed.
 */
import { DATABASE_VARIABLES, parseDatabaseEnv, type DatabaseSettings } from './env/database';
import { IMAP_VARIABLES, parseImapEnv, type ImapConfig, type LoadEnvOptions } from './env/imap';
import { envError, valueOrThrow, type Env, type Parsed } from './env/reader';
import { parseServiceEnv, SERVICE_VARIABLES, type ServiceEnv } from './service-env';
import { parseSmtpEnv, SMTP_VARIABLES, type MailSettings } from './env/smtp';
import { parseWebEnv, WEB_VARIABLES, type WebEnv } from './env/web';

export * from './env/imap';
export { EnvReader, type Env, type EnvCode, type Parsed } from './env/reader';
export { databaseUrlFromEnv, type DatabaseSettings } from './env/database';
export type { ServiceEnv } from './service-env';
export type { MailSettings } from './env/smtp';
export { parseWebEnv, readWebEnv, type WebEnv } from './env/web';

/**
 * Every variable duban reads, for deployment files to be checked against (the compose test):
 * each section's own list, and DUBAN_CONFIG (the schedule file, read by the CLI). Variables for
 * tests only (TEST_POSTGRES_URL, TEST_REDIS_URL, DUBAN_FAILPOINT) are not part of it.
 */
export const DUBAN_VARIABLES: readonly string[] = [
  ...DATABASE_VARIABLES,
  'DUBAN_CONFIG',
  ...IMAP_VARIABLES,
  ...SMTP_VARIABLES,
  ...SERVICE_VARIABLES,
  ...WEB_VARIABLES,
];

/** Everything the service reads from the environment. */
export interface DubanConfig {
  /** The office mailbox; null when neither IMAP_URL nor IMAP_HOST is set (no watcher runs). */
  imap: ImapConfig | null;
  /** Where outgoing mail goes (SMTP or the file outbox), MAIL_FROM, MAIL_DAILY_CAP. */
  mail: MailSettings;
  /** Redis, the queues, intake answers, the log level. */
  service: ServiceEnv;
  database: DatabaseSettings;
  /** The console (the `web` role): HTTP_HOST, HTTP_PORT, PUBLIC_URL, CONSOLE_IDLE_MINUTES. */
  web: WebEnv;
}

export interface LoadConfigOptions extends LoadEnvOptions {
  /** schedule.programme.mailbox: the default MAIL_FROM. */
  mailbox: string;
  /** Relative OUTBOX_DIR, SMTP_PASSWORD_FILE and SQLite paths are resolved against it. */
  cwd?: string;
}

/**
 * Reads and validates the whole environment. Throws one DubanError listing every problem of
 * every section (`details.problems`), one per line: code ENV_INVALID, or the section's own code
 * when all problems are of one section that has one (SMTP_CONFIG_INVALID, DATABASE_URL_INVALID).
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions): DubanConfig {
  const cwd = options.cwd ?? process.cwd();
  const imap = parseImapEnv(env, options);
  const mail = parseSmtpEnv(env, { mailbox: options.mailbox, cwd });
  const service = parseServiceEnv(env);
  const database = parseDatabaseEnv(env, cwd);
  const web = parseWebEnv(env);
  if (!imap.ok || !mail.ok || !service.ok || !database.ok || !web.ok) {
    const sections: Parsed<unknown>[] = [imap, mail, service, database, web];
    throw envError(sections.flatMap((s) => (s.ok ? [] : [s])));
  }
  return {
    imap: imap.value,
    mail: mail.value,
    service: service.value,
    database: database.value,
    web: web.value,
  };
}

/** The IMAP section alone (for `duban health`): ENV_INVALID listing its problems. */
export interface DubanEnv {
  imap: ImapConfig | null;
}

export function loadEnv(env: Env = process.env, options: LoadEnvOptions = {}): DubanEnv {
  return { imap: valueOrThrow(parseImapEnv(env, options)) };
}
