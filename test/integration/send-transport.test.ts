/** Mail settings from the environment, and how delivery errors are classified. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  classifyDeliveryError,
  describeMailSettings,
  MailDeliveryError,
} from '../../src/adapters/mail/transport';
import { smtpConfigFromEnv } from '../../src/config/env/smtp';
import { isPlainAddress } from '../../src/adapters/mail/send';
import { DubanError } from '../../src/errors';

const MAILBOX = 'duban-inbox@example.cn';
const CWD = '/srv/duban';

function problemsOf(env: Record<string, string>): string[] {
  try {
    smtpConfigFromEnv(env, { mailbox: MAILBOX, cwd: CWD });
  } catch (err) {
    expect(err).toBeInstanceOf(DubanError);
    expect((err as DubanError).code).toBe('SMTP_CONFIG_INVALID');
    return ((err as DubanError).details as { problems: string[] }).problems;
  }
  throw new Error('expected SMTP_CONFIG_INVALID');
}

describe('mail settings from the environment', () => {
  it('uses the file outbox in ./data/outbox when no SMTP is set (empty strings are unset)', () => {
    const settings = smtpConfigFromEnv(
      { SMTP_URL: '', SMTP_HOST: ' ', MAIL_FROM: '', OUTBOX_DIR: '' },
      { mailbox: MAILBOX, cwd: CWD },
    );
    expect(settings).toEqual({
      transport: { mode: 'outbox', dir: '/srv/duban/data/outbox' },
      from: MAILBOX,
      dailyCap: 10,
      warnings: [],
    });
    expect(describeMailSettings(settings)).toBe('outbox /srv/duban/data/outbox');
  });

  it('reads SMTP_URL with a percent-encoded password, and never shows the password', () => {
    const settings = smtpConfigFromEnv(
      { SMTP_URL: 'smtps://duban-inbox%40example.cn:p%40ss%3Aw0rd@smtp.example.cn:465' },
      { mailbox: MAILBOX },
    );
    expect(settings.transport).toEqual({
      mode: 'smtp',
      host: 'smtp.example.cn',
      port: 465,
      secure: true,
      auth: { user: 'duban-inbox@example.cn', pass: 'p@ss:w0rd' },
      requireTLS: false,
    });
    expect(settings.warnings).toEqual([]);
    expect(describeMailSettings(settings)).toBe(
      'smtps://duban-inbox%40example.cn@smtp.example.cn:465',
    );
  });

  it('defaults the port by scheme and requires STARTTLS before a password crosses a network', () => {
    const plain = smtpConfigFromEnv(
      { SMTP_URL: 'smtp://smtp.example.cn', SMTP_USER: 'u@example.cn', SMTP_PASSWORD: 'x' },
      { mailbox: 'u@example.cn' },
    );
    expect(plain.transport).toMatchObject({ port: 587, secure: false, requireTLS: true });
    const local = smtpConfigFromEnv(
      { SMTP_HOST: '127.0.0.1', SMTP_PORT: '2525', SMTP_USER: 'u', SMTP_PASSWORD: 'x' },
      { mailbox: MAILBOX },
    );
    expect(local.transport).toMatchObject({ port: 2525, secure: false, requireTLS: false });
  });

  it('reads SMTP_HOST, SMTP_SECURE and the password from SMTP_PASSWORD_FILE', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-smtp-'));
    try {
      fs.writeFileSync(path.join(dir, 'smtp-password'), ' 授权码 with spaces \n');
      const settings = smtpConfigFromEnv(
        {
          SMTP_HOST: 'smtp.exmail.example.cn',
          SMTP_SECURE: 'TRUE',
          SMTP_USER: 'duban-inbox@example.cn',
          SMTP_PASSWORD_FILE: 'smtp-password',
          MAIL_DAILY_CAP: '20',
        },
        { mailbox: MAILBOX, cwd: dir },
      );
      expect(settings.transport).toMatchObject({
        host: 'smtp.exmail.example.cn',
        port: 465,
        secure: true,
        auth: { user: 'duban-inbox@example.cn', pass: ' 授权码 with spaces ' },
      });
      expect(settings.dailyCap).toBe(20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('warns when MAIL_FROM differs from the login (QQ and Exmail refuse that)', () => {
    const settings = smtpConfigFromEnv(
      {
        SMTP_URL: 'smtps://office%40example.cn:x@smtp.example.cn',
        MAIL_FROM: 'other@example.cn',
      },
      { mailbox: MAILBOX },
    );
    expect(settings.from).toBe('other@example.cn');
    expect(settings.warnings).toEqual([
      'MAIL_FROM other@example.cn differs from the SMTP login office@example.cn; QQ Mail, Tencent Exmail and others refuse a From other than the login.',
    ]);
  });

  it('lists every problem at once, without the password', () => {
    const problems = problemsOf({
      SMTP_URL: 'smtps://u:hunter2@smtp.example.cn:465/path?x=1',
      SMTP_HOST: 'smtp.example.cn',
      SMTP_PASSWORD: 'hunter3',
      SMTP_PASSWORD_FILE: '/nonexistent',
      MAIL_FROM: 'a@example.cn\r\nBcc: evil@example.org',
      MAIL_DAILY_CAP: '0',
    });
    expect(problems).toEqual([
      'SMTP_PASSWORD and SMTP_PASSWORD_FILE are both set; set only one.',
      'Set either SMTP_URL or SMTP_HOST/SMTP_PORT/SMTP_SECURE, not both.',
      'SMTP_URL must be only scheme, user, password, host and port (no path or ?options).',
      'SMTP_URL has a password and SMTP_PASSWORD(_FILE) is set too; set only one.',
      'MAIL_FROM "a@example.cn\\r\\nBcc: evil@example.org" is not a plain address such as duban-inbox@example.cn.',
      'MAIL_DAILY_CAP "0" is not a whole number from 1 to 10000.',
    ]);
    expect(problems.join('\n')).not.toMatch(/hunter/);
  });

  it('refuses SMTP settings that would be ignored for want of a host', () => {
    expect(problemsOf({ SMTP_USER: 'u', SMTP_PASSWORD: 'x', SMTP_HOSTNAME: 'typo' })).toEqual([
      'SMTP_HOSTNAME: not a duban variable (did you mean SMTP_HOST?).',
      'SMTP_USER, SMTP_PASSWORD are set but neither SMTP_URL nor SMTP_HOST is; set SMTP_URL or SMTP_HOST, or unset them to use the file outbox.',
    ]);
  });

  it.each([
    [
      { SMTP_URL: 'http://smtp.example.cn' },
      'SMTP_URL must start with smtp:// or smtps://, not http://.',
    ],
    [{ SMTP_URL: 'not a url' }, 'SMTP_URL is not a URL'],
    [
      { SMTP_HOST: 'smtp.example.cn', SMTP_PORT: '70000' },
      'SMTP_PORT "70000" is not a port number',
    ],
    [
      { SMTP_HOST: 'smtp.example.cn', SMTP_SECURE: 'maybe' },
      'SMTP_SECURE "maybe" is not true or false.',
    ],
    [{ SMTP_HOST: 'smtp.example.cn', SMTP_USER: 'u' }, 'SMTP_USER is set without SMTP_PASSWORD'],
    [{ SMTP_HOST: 'smtp.example.cn\r\nx' }, 'is not a host name or IP address'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });
});

describe('plain addresses', () => {
  it.each([
    ['jiaoyu@example.cn', true],
    ['first.last+tag@mail.example.com.cn', true],
    ['under_score%x@example.cn', true],
    ['a@x\r\nBcc: evil@y.example', false],
    ['"quoted"@example.cn', false],
    ['Name <a@example.cn>', false],
    ['a@example.cn, b@example.cn', false],
    ['a@localhost', false],
    ['a@@example.cn', false],
    ['.a@example.cn', false],
    ['a@-example.cn', false],
    ['用户@example.cn', false],
    ['a@127.0.0.1', false],
  ])('%j → %s', (address, ok) => {
    expect(isPlainAddress(address)).toBe(ok);
  });
});

describe('delivery errors', () => {
  const smtpError = (responseCode: number, response: string, extra: object = {}) =>
    Object.assign(new Error(`Message failed: ${response}`), {
      code: 'EMESSAGE',
      responseCode,
      response,
      ...extra,
    });

  it.each([
    [smtpError(421, '421 4.7.0 Try again later'), 'SMTP_TEMPORARY_FAILURE', true],
    [smtpError(451, '451 4.7.1 Greylisted'), 'SMTP_TEMPORARY_FAILURE', true],
    [smtpError(550, '550 5.1.1 User unknown'), 'SMTP_REJECTED', false],
    [smtpError(554, '554 5.7.1 Spam', { permanent: true }), 'SMTP_REJECTED', false],
    [
      smtpError(503, '503 5.5.1 Bad sequence', { permanent: false }),
      'SMTP_TEMPORARY_FAILURE',
      true,
    ],
    [
      smtpError(535, '535 5.7.8 Authentication failed', { code: 'EAUTH' }),
      'SMTP_AUTH_FAILED',
      true,
    ],
    [
      Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }),
      'SMTP_TEMPORARY_FAILURE',
      true,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }),
      'SMTP_TEMPORARY_FAILURE',
      true,
    ],
    [
      Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }),
      'SMTP_TEMPORARY_FAILURE',
      true,
    ],
    [
      Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }),
      'SMTP_REJECTED',
      false,
    ],
    [new Error('something else'), 'SMTP_TEMPORARY_FAILURE', true],
  ])('%s → %s (retryable: %s)', (err, code, retryable) => {
    const classified = classifyDeliveryError(err);
    expect(classified).toBeInstanceOf(MailDeliveryError);
    expect([classified.code, classified.retryable]).toEqual([code, retryable]);
  });

  it('keeps the server response to record it', () => {
    const classified = classifyDeliveryError(smtpError(550, '550 5.1.1 <x@example.cn>: unknown'));
    expect(classified.smtpResponse).toBe('550 5.1.1 <x@example.cn>: unknown');
    expect(classified.responseCode).toBe(550);
  });
});
