/**
 * The whole environment read in one place (src/config/env.ts): every problem of every section
 * (IMAP, SMTP, the service, the database) listed in one error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAP_VARIABLES, loadConfig } from '../../src/config/env';
import { readServiceEnv } from '../../src/config/service-env';
import { DubanError } from '../../src/errors';
import { capture, run } from '../helpers/cli';

const MAILBOX = 'duban-inbox@example.cn';
const CWD = '/srv/duban';
const SECRET = 'S3cret-pass';

function failure(env: Record<string, string>): DubanError {
  try {
    loadConfig(env, { mailbox: MAILBOX, cwd: CWD, readFile: () => SECRET });
  } catch (err) {
    expect(err).toBeInstanceOf(DubanError);
    return err as DubanError;
  }
  throw new Error('loadConfig accepted the environment');
}

const problemsOf = (err: DubanError) => (err.details as { problems: string[] }).problems;

describe('the environment, read in one place', () => {
  it('gives every section its defaults when nothing is set', () => {
    const config = loadConfig({}, { mailbox: MAILBOX, cwd: CWD });
    expect(config.imap).toBeNull();
    expect(config.mail).toEqual({
      transport: { mode: 'outbox', dir: '/srv/duban/data/outbox' },
      from: MAILBOX,
      dailyCap: 10,
      warnings: [],
    });
    // toMatchObject: other service variables keep being added; these are the long-standing ones.
    expect(config.service).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'duban',
      intakeConcurrency: 2,
      outboundConcurrency: 4,
      retryDelayMs: 5000,
      queueLockMs: 30_000,
      replyToUnknownSenders: true,
      authservId: null,
      logLevel: 'info',
    });
    expect(config.database).toEqual({
      url: undefined,
      location: { dialect: 'sqlite', file: '/srv/duban/data/duban.sqlite' },
    });
  });

  it('lists the problems of IMAP, SMTP, the service and the database together in one error', () => {
    const err = failure({
      IMAP_HOST: 'imap.example.cn',
      IMAP_PASSWORD: SECRET,
      IMAP_POLL_SECONDS: 'soon',
      SMTP_HOST: 'smtp.example.cn',
      SMTP_PORT: '70000',
      SMTP_PASSWORD: SECRET,
      REDIS_URL: 'http://127.0.0.1:6379',
      RETRY_DELAY_MS: '1',
      LOG_LEVEL: 'loud',
      DATABASE_URL: `mysql://office:${SECRET}@db.example.cn/duban`,
    });
    expect(err.code).toBe('ENV_INVALID');
    expect(problemsOf(err)).toEqual([
      'IMAP_USER: required (the login of the office mailbox), or give it in IMAP_URL.',
      'IMAP_POLL_SECONDS: "soon" is not a whole number; write a whole number of seconds.',
      'SMTP_PORT "70000" is not a port number (1-65535).',
      'A password is set without SMTP_USER.',
      'REDIS_URL: "http://127.0.0.1:6379" is not a redis:// or rediss:// URL.',
      'LOG_LEVEL: use one of fatal, error, warn, info, debug, trace, silent.',
      'RETRY_DELAY_MS: 1 is out of range; use 10 to 3600000.',
      expect.stringMatching(
        /^DATABASE_URL "mysql:\/\/office:\*\*\*@db.example.cn\/duban" is not supported/,
      ),
    ]);
    expect(err.message).toMatch(/^The environment has 8 problems:\n {2}IMAP_USER: required/);
    expect(err.message).not.toContain(SECRET);
  });

  it("keeps a section's own code when only that section is wrong", () => {
    expect(failure({ MAIL_DAILY_CAP: '0' }).code).toBe('SMTP_CONFIG_INVALID');
    expect(failure({ DATABASE_URL: 'sqlite:' }).code).toBe('DATABASE_URL_INVALID');
    expect(failure({ QUEUE_LOCK_MS: '5' }).code).toBe('ENV_INVALID');
    expect(failure({ IMAP_URL: 'http://imap.example.cn' }).code).toBe('ENV_INVALID');
  });

  it('still reads the service section alone through readServiceEnv', () => {
    expect(readServiceEnv({ RETRY_DELAY_MS: '250' }).retryDelayMs).toBe(250);
    expect(() => readServiceEnv({ INTAKE_CONCURRENCY: '0' })).toThrow(
      /INTAKE_CONCURRENCY: 0 is out of range; use 1 to 32\./,
    );
  });
});

describe('duban serve with a wrong environment', () => {
  it('exits 1 listing the problems of every section at once, before connecting to anything', async () => {
    const { code, io } = await run(
      ['serve', '--config', 'config/schedule.example.yaml'],
      capture({
        IMAP_HOST: 'imap.example.cn',
        IMAP_USER: 'office@example.cn',
        IMAP_PASSWORD: SECRET,
        IMAP_STALL_MINUTES: 'never',
        SMTP_URL: 'http://smtp.example.cn',
        DUBAN_QUEUE_PREFIX: 'duban:prod',
      }),
    );
    expect(code).toBe(1);
    expect(io.stderr).toBe(
      'duban serve: ENV_INVALID: The environment has 3 problems:\n' +
        '  IMAP_STALL_MINUTES: "never" is not a number; write a number of minutes.\n' +
        '  SMTP_URL must start with smtp:// or smtps://, not http://.\n' +
        '  DUBAN_QUEUE_PREFIX: use letters, digits, "-" and "_" only.\n',
    );
  });
});

describe("the README's environment table", () => {
  it('names every variable the parsers read', () => {
    const root = path.resolve(__dirname, '..', '..');
    const dir = path.join(root, 'src', 'config', 'env');
    const files = [
      ...fs.readdirSync(dir).map((name) => path.join(dir, name)),
      path.join(root, 'src', 'config', 'service-env.ts'),
    ];
    const read = new Set<string>(IMAP_VARIABLES);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /\b(?:string|number|boolean|raw|has|setting)\('([A-Z][A-Z0-9_]+)'/g,
      )) {
        if (m[1]) read.add(m[1]);
      }
    }
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Environment variables'),
      readme.indexOf('## The mail intake'),
    );
    const documented = new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(30);
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });
});
