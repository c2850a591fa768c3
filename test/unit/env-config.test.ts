/**
 * The whole environment read in one place (src/config/env.ts): every problem of every section
 * (IMAP, SMTP, the service, the database) listed in one error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import {
  DUBAN_VARIABLES,
  IMAP_VARIABLES,
  databaseUrlFromEnv,
  loadConfig,
} from '../../src/config/env';
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

/** Every variable name the section parsers read (each read is `r.string('NAME')` or the like). */
function variablesRead(): Set<string> {
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
  return read;
}

describe('DUBAN_LANG, the language of schedule errors in CLI output', () => {
  it('defaults to zh-CN, accepts en, and refuses a language duban does not speak', () => {
    expect(loadConfig({}, { mailbox: MAILBOX, cwd: CWD }).service.lang).toBe('zh-CN');
    expect(loadConfig({ DUBAN_LANG: 'en' }, { mailbox: MAILBOX, cwd: CWD }).service.lang).toBe(
      'en',
    );
    expect(problemsOf(failure({ DUBAN_LANG: 'fr' }))).toEqual([
      'DUBAN_LANG: "fr" is not a language; use zh-CN or en.',
    ]);
  });
});

describe('DUBAN_VARIABLES, the names deployment files are checked against', () => {
  it('is exactly what the parsers read, and DUBAN_CONFIG (the schedule file)', () => {
    expect([...DUBAN_VARIABLES].sort()).toEqual([...variablesRead(), 'DUBAN_CONFIG'].sort());
    expect(new Set(DUBAN_VARIABLES).size).toBe(DUBAN_VARIABLES.length);
  });
});

describe('names that look like duban variables but are not', () => {
  it('stop the service, naming the variable meant: TLS is SECURE, SMTP_FROM is MAIL_FROM', () => {
    const err = failure({
      IMAP_HOST: 'imap.example.cn',
      IMAP_USER: 'office@example.cn',
      IMAP_PASSWORD: SECRET,
      IMAP_TLS: 'true',
      SMTP_HOST: 'smtp.example.cn',
      SMTP_TLS: 'true',
      SMTP_FROM: 'office@example.cn',
      SMTP_PASWORD: SECRET,
    });
    expect(problemsOf(err)).toEqual([
      'IMAP_TLS: not a duban variable (did you mean IMAP_SECURE?).',
      'SMTP_FROM: not a duban variable (did you mean MAIL_FROM?).',
      'SMTP_PASWORD: not a duban variable (did you mean SMTP_PASSWORD?).',
      'SMTP_TLS: not a duban variable (did you mean SMTP_SECURE?).',
    ]);
    expect(err.message).not.toContain(SECRET);
  });
});

describe('DATABASE_URL_FILE: the database URL from a file (a Docker secret)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-env-'));
  const url = `postgres://duban:${SECRET}@db.example.cn:5432/duban`;
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the URL without the line break an editor or echo adds, for loadConfig and every command', () => {
    const file = write('database_url', `${url}\n`);
    const config = loadConfig({ DATABASE_URL_FILE: file }, { mailbox: MAILBOX, cwd: CWD });
    expect(config.database).toEqual({ url, location: { dialect: 'postgres', url } });
    expect(databaseUrlFromEnv({ DATABASE_URL_FILE: file }, CWD)).toBe(url);
  });

  it('resolves a relative path against the working directory', () => {
    write('relative_url', 'sqlite:data/x.sqlite\r\n');
    expect(databaseUrlFromEnv({ DATABASE_URL_FILE: 'relative_url' }, dir)).toBe(
      'sqlite:data/x.sqlite',
    );
  });

  it('refuses both forms at once, a missing file and an empty one, never showing the URL', () => {
    const file = write('both', url);
    const both = failure({ DATABASE_URL: url, DATABASE_URL_FILE: file });
    expect(both.code).toBe('DATABASE_URL_INVALID');
    expect(problemsOf(both)).toEqual([
      'DATABASE_URL and DATABASE_URL_FILE are both set; set only one.',
    ]);
    expect(problemsOf(failure({ DATABASE_URL_FILE: path.join(dir, 'none') }))).toEqual([
      `DATABASE_URL_FILE: cannot read ${path.join(dir, 'none')} (ENOENT).`,
    ]);
    const empty = write('empty', '\n');
    expect(problemsOf(failure({ DATABASE_URL_FILE: empty }))).toEqual([
      `DATABASE_URL_FILE: ${empty} is empty.`,
    ]);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: url, DATABASE_URL_FILE: file })).toThrow(
      /DATABASE_URL and DATABASE_URL_FILE are both set/,
    );
    expect(both.message).not.toContain(SECRET);
  });

  it('checks the URL read from the file like DATABASE_URL itself', () => {
    const file = write('mysql', `mysql://office:${SECRET}@db.example.cn/duban\n`);
    const err = failure({ DATABASE_URL_FILE: file });
    expect(err.code).toBe('DATABASE_URL_INVALID');
    expect(err.message).toContain('is not supported');
    expect(err.message).not.toContain(SECRET);
  });
});

describe("the README's environment table", () => {
  it('names every variable the parsers read', () => {
    const root = path.resolve(__dirname, '..', '..');
    const read = variablesRead();
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
