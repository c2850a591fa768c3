/**
 * The service section of the environment: Redis and the queues, how the intake answers, the log
 * level. One of the sections loadConfig (src/config/env.ts) checks together, with the same
 * EnvReader conventions (./env/reader.ts): empty means unset, every problem listed at once. A new
 * variable is one field of ServiceEnv and one read in parseServiceEnv.
 */
import { EnvReader, valueOrThrow, type Env, type Parsed } from './env/reader';
import { parseLang, type Lang } from './schedule-error-format';

export interface ServiceEnv {
  redisUrl: string;
  queuePrefix: string;
  intakeConcurrency: number;
  outboundConcurrency: number;
  /** First retry delay of a failed job (SMTP 4xx, a crash), doubled at each attempt. */
  retryDelayMs: number;
  /**
   * How long a worker's lock on a job lasts without renewal: a worker that died (SIGKILL, power
   * cut) leaves its job to be taken over after about this long.
   */
  queueLockMs: number;
  /**
   * How long a claim on an outgoing mail holds (MAIL_CLAIM_LEASE_MS): a sender that died
   * mid-send leaves its mail to be sent again, with the same Message-ID, after this long; a mail
   * not sent this long after it was queued is reported (src/adapters/mail/send.ts).
   */
  mailClaimLeaseMs: number;
  /**
   * The watcher's and the scheduler's lease (one process each per installation): a holder that
   * died is replaced within about this long and a third more.
   */
  leaseTtlMs: number;
  /** How often the sweeper looks for unfinished work (SWEEP_EVERY_MS, default 60 s). */
  sweepEveryMs: number;
  /**
   * Unfinished work younger than this is left to its job (SWEEP_GRACE_MS, default 2 minutes).
   * Jobs are lost when Redis restarts without persistence: the sweeper finds them again.
   */
  sweepGraceMs: number;
  replyToUnknownSenders: boolean;
  authservId: string | null;
  logLevel: string;
  /**
   * The language of schedule errors in CLI output (DUBAN_LANG, default zh-CN: the office reads
   * them). The admin alert mail and the console are always zh-CN; logs always English.
   */
  lang: Lang;
}

/** Every variable of this section. */
export const SERVICE_VARIABLES = [
  'REDIS_URL',
  'DUBAN_QUEUE_PREFIX',
  'LOG_LEVEL',
  'INTAKE_CONCURRENCY',
  'OUTBOUND_CONCURRENCY',
  'RETRY_DELAY_MS',
  'QUEUE_LOCK_MS',
  'MAIL_CLAIM_LEASE_MS',
  'SWEEP_EVERY_MS',
  'SWEEP_GRACE_MS',
  'LEASE_TTL_MS',
  'INTAKE_REPLY_UNKNOWN',
  'AUTHSERV_ID',
  'DUBAN_LANG',
] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The service's settings alone: throws DubanError ENV_INVALID listing every problem. */
export function readServiceEnv(env: Env = process.env): ServiceEnv {
  return valueOrThrow(parseServiceEnv(env));
}

/** The service section (problems under ENV_INVALID). */
export function parseServiceEnv(env: Env): Parsed<ServiceEnv> {
  const r = new EnvReader(env);
  const redisUrl = r.string('REDIS_URL') ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl))
    r.problem(`REDIS_URL: "${redisUrl}" is not a redis:// or rediss:// URL.`);
  const queuePrefix = r.string('DUBAN_QUEUE_PREFIX') ?? 'duban';
  if (!/^[A-Za-z0-9_-]+$/.test(queuePrefix)) {
    r.problem('DUBAN_QUEUE_PREFIX: use letters, digits, "-" and "_" only.');
  }
  const logLevel = (r.string('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) r.problem(`LOG_LEVEL: use one of ${LOG_LEVELS.join(', ')}.`);
  const langText = r.string('DUBAN_LANG');
  const lang = langText === undefined ? 'zh-CN' : parseLang(langText);
  if (lang === null)
    r.problem(`DUBAN_LANG: "${langText ?? ''}" is not a language; use zh-CN or en.`);
  // Every number of this section is a whole one: (name, default, min, max).
  const number = (name: string, fallback: number, min: number, max: number) =>
    r.number(name, { default: fallback, min, max, integer: true });
  const config: ServiceEnv = {
    redisUrl,
    queuePrefix,
    intakeConcurrency: number('INTAKE_CONCURRENCY', 2, 1, 32),
    outboundConcurrency: number('OUTBOUND_CONCURRENCY', 4, 1, 32),
    retryDelayMs: number('RETRY_DELAY_MS', 5000, 10, 3_600_000),
    queueLockMs: number('QUEUE_LOCK_MS', 30_000, 1000, 600_000),
    // Below a minute only for tests (the fault test uses 3 s): a lease shorter than a slow send
    // would send that mail again while it is still going out.
    mailClaimLeaseMs: number('MAIL_CLAIM_LEASE_MS', 600_000, 1000, 86_400_000),
    sweepEveryMs: number('SWEEP_EVERY_MS', 60_000, 100, 3_600_000),
    sweepGraceMs: number('SWEEP_GRACE_MS', 120_000, 0, 86_400_000),
    leaseTtlMs: number('LEASE_TTL_MS', 30_000, 300, 600_000),
    replyToUnknownSenders: r.boolean('INTAKE_REPLY_UNKNOWN') ?? true,
    authservId: r.string('AUTHSERV_ID') ?? null,
    logLevel,
    lang: lang ?? 'zh-CN',
  };
  return r.result(config);
}
