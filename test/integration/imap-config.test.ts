/**
 * The IMAP section of the environment (src/config/env.ts). Pure: no server, no files (the
 * password file is read through an injected reader).
 */
import { describeImap, loadEnv, type ImapConfig } from '../../src/config/env';
import { DubanError } from '../../src/errors';

const SECRET = 'S3cret-pass/word';

function imap(env: Record<string, string>, files: Record<string, string> = {}): ImapConfig | null {
  return loadEnv(env, {
    readFile: (p) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
  }).imap;
}

/** The problems loadEnv reports (it must throw ENV_INVALID). */
function problemsOf(env: Record<string, string>, files: Record<string, string> = {}): string[] {
  try {
    imap(env, files);
  } catch (err) {
    expect(err).toBeInstanceOf(DubanError);
    const e = err as DubanError;
    expect(e.code).toBe('ENV_INVALID');
    const problems = (e.details as { problems: string[] }).problems;
    expect(e.message).not.toContain(SECRET);
    for (const p of problems) expect(p).not.toContain(SECRET);
    return problems;
  }
  throw new Error('loadEnv accepted the environment');
}

describe('IMAP environment configuration', () => {
  it('is absent (no watcher) when neither IMAP_URL nor IMAP_HOST is set, or they are empty', () => {
    expect(imap({})).toBeNull();
    expect(imap({ IMAP_URL: '', IMAP_HOST: '  ', IMAP_MAILBOX: '' })).toBeNull();
  });

  it('reads everything from IMAP_URL, with the defaults for the rest', () => {
    const config = imap({
      IMAP_URL: `imaps://office%40example.cn:${encodeURIComponent(SECRET)}@imap.example.cn/INBOX`,
    });
    expect(config).toEqual({
      host: 'imap.example.cn',
      port: 993,
      secure: true,
      user: 'office@example.cn',
      password: SECRET,
      mailbox: 'INBOX',
      pollSeconds: 60,
      maxMessageBytes: 25 * 1024 * 1024,
      since: null,
      processedFolder: null,
      failedFolder: null,
      stallMinutes: 10,
      account: 'office@example.cn@imap.example.cn',
    });
  });

  it('reads the separate variables, the password from IMAP_PASSWORD_FILE without its line break', () => {
    const config = imap(
      {
        IMAP_HOST: 'mail.example.cn',
        IMAP_PORT: '143',
        IMAP_USER: 'duban',
        IMAP_PASSWORD_FILE: '/run/secrets/imap',
        IMAP_MAILBOX: '问题清单',
        IMAP_POLL_SECONDS: '120',
        IMAP_MAX_MESSAGE_MB: '0.5',
        IMAP_SINCE: '2021-03-15',
        IMAP_PROCESSED_FOLDER: 'Processed',
        IMAP_FAILED_FOLDER: 'Failed',
        IMAP_STALL_MINUTES: '30',
      },
      { '/run/secrets/imap': `${SECRET}\n` },
    );
    expect(config).toMatchObject({
      host: 'mail.example.cn',
      port: 143,
      // Port 143 without IMAP_SECURE: plain IMAP (STARTTLS when offered).
      secure: false,
      password: SECRET,
      mailbox: '问题清单',
      pollSeconds: 120,
      maxMessageBytes: 524288,
      processedFolder: 'Processed',
      failedFolder: 'Failed',
      stallMinutes: 30,
    });
    // A bare date is midnight in China (UTC+8), whatever the machine's time zone.
    expect(config?.since?.toISOString()).toBe('2021-03-14T16:00:00.000Z');
  });

  it('takes IMAP_SINCE with a time and offset as given', () => {
    const config = imap({
      IMAP_HOST: 'h',
      IMAP_USER: 'u',
      IMAP_PASSWORD: 'p',
      IMAP_SINCE: '2021-03-15T08:30:00Z',
    });
    expect(config?.since?.toISOString()).toBe('2021-03-15T08:30:00.000Z');
  });

  it('lists every problem at once, each naming its variable, and never the password', () => {
    const problems = problemsOf({
      IMAP_URL: `imaps://office:${encodeURIComponent(SECRET)}@imap.example.cn:993/INBOX`,
      IMAP_HOST: 'other.example.cn',
      IMAP_PASSWORD: SECRET,
      IMAP_PORT: '99999',
      IMAP_SECURE: 'maybe',
      IMAP_POLL_SECONDS: 'often',
      IMAP_MAX_MESSAGE_MB: '-1',
      IMAP_SINCE: '2021-02-30',
      IMAP_PROCESSED_FOLDER: 'inbox',
      IMAP_PASWORD: 'typo',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'IMAP_HOST',
        'IMAP_PASSWORD',
        'IMAP_PORT',
        'IMAP_SECURE',
        'IMAP_POLL_SECONDS',
        'IMAP_MAX_MESSAGE_MB',
        'IMAP_SINCE',
        'IMAP_PROCESSED_FOLDER',
        'IMAP_PASWORD',
      ]),
    );
    expect(problems).toContain('IMAP_PASWORD: not a duban variable (did you mean IMAP_PASSWORD?).');
    expect(problems.find((p) => p.startsWith('IMAP_PASSWORD:'))).toMatch(/IMAP_URL, IMAP_PASSWORD/);
  });

  it('requires a user and a password, and says where to put them', () => {
    const problems = problemsOf({ IMAP_HOST: 'imap.example.cn' });
    expect(problems).toEqual([
      'IMAP_USER: required (the login of the office mailbox), or give it in IMAP_URL.',
      expect.stringMatching(/^IMAP_PASSWORD: required; set IMAP_PASSWORD_FILE/),
    ]);
  });

  it('refuses an unusable URL and a missing or empty password file', () => {
    // A password with "/" not percent-encoded makes the URL unparseable: said once, redacted.
    expect(problemsOf({ IMAP_URL: `imaps://u:${SECRET}@imap.example.cn/` })).toEqual([
      expect.stringMatching(/^IMAP_URL: "imaps:\/\/u:\*\*\*@imap.example.cn\/" is not a valid URL/),
    ]);
    expect(problemsOf({ IMAP_URL: 'https://u:p@imap.example.cn/' })).toEqual([
      expect.stringMatching(
        /^IMAP_URL: "https:\/\/u:\*\*\*@imap.example.cn\/" must start with imaps:\/\//,
      ),
    ]);
    expect(problemsOf({ IMAP_HOST: 'h', IMAP_USER: 'u', IMAP_PASSWORD_FILE: '/missing' })).toEqual([
      'IMAP_PASSWORD_FILE: cannot read /missing (ENOENT).',
    ]);
    expect(
      problemsOf(
        { IMAP_HOST: 'h', IMAP_USER: 'u', IMAP_PASSWORD_FILE: '/empty' },
        { '/empty': '\n' },
      ),
    ).toEqual(['IMAP_PASSWORD_FILE: /empty is empty.']);
  });

  it('reports IMAP variables set without a server', () => {
    expect(problemsOf({ IMAP_USER: 'u', IMAP_PASSWORD: SECRET })).toEqual([
      'IMAP_PASSWORD, IMAP_USER: set, but neither IMAP_URL nor IMAP_HOST is; set one of them to watch a mailbox, or unset the IMAP variables.',
    ]);
  });

  it('refuses values that disagree with IMAP_URL and a stall limit within the poll interval', () => {
    const problems = problemsOf({
      IMAP_URL: 'imaps://u:p@imap.example.cn:993/INBOX',
      IMAP_USER: 'someone-else',
      IMAP_SECURE: 'false',
      IMAP_POLL_SECONDS: '600',
      IMAP_STALL_MINUTES: '5',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'IMAP_SECURE',
      'IMAP_STALL_MINUTES',
      'IMAP_USER',
    ]);
  });

  it('describes the server for logs without the password', () => {
    const config = imap({
      IMAP_URL: `imaps://office%40example.cn:${encodeURIComponent(SECRET)}@imap.example.cn/INBOX`,
    });
    expect(config && describeImap(config)).toBe(
      'imaps://office%40example.cn@imap.example.cn:993/INBOX',
    );
  });
});
