/**
 * A real SMTP server in the test process (smtp-server, by nodemailer's author) that captures
 * every message with its envelope, for asserting on what actually went over the wire:
 *
 *   const smtp = await startTestSmtpServer();      // 127.0.0.1, a free port
 *   smtp.failNext(2, 451);                           // next two messages: "451 … try later"
 *   smtp.failNext(1, 550);                           // next message: refused for good
 *   smtp.failFor(2000, 451);                         // every message for 2 s: "451 … try later"
 *   … send …
 *   const [mail] = smtp.messages;                    // { mailFrom, rcptTo, raw }
 *   const parsed = await parseCaptured(mail);        // mailparser
 *   await smtp.close();
 *
 * Failures are answered at the end of DATA (after the whole message was read), where a real
 * server answers a greylisting 451 or a content 550, so the client has really sent the message
 * and must not count it as delivered.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  /** MAIL FROM. */
  mailFrom: string | null;
  /** RCPT TO, in order. */
  rcptTo: string[];
  /** The message bytes as received (after SMTP dot-unstuffing). */
  raw: Buffer;
  /** When the end of DATA was answered (Date.now()). */
  at: number;
}

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  /** smtp://127.0.0.1:<port> */
  readonly url: string;
  /** Messages accepted (2xx), in order. */
  readonly messages: CapturedMail[];
  /** Messages answered with an error, with the code they got. */
  readonly refused: Array<CapturedMail & { code: number }>;
  /** Answer the next `count` messages with `code` (4xx: try later; 5xx: refused). */
  failNext(count: number, code: number, text?: string): void;
  /**
   * Answer every message with `code` for the next `ms` milliseconds (a greylisting window, a
   * server in maintenance); failNext's queue is used up first.
   */
  failFor(ms: number, code: number, text?: string): void;
  /** Resolves once `count` messages were accepted (rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Require this login (AUTH PLAIN/LOGIN; the server has no TLS, so test on 127.0.0.1 only). */
  auth?: { user: string; pass: string };
}

export async function startTestSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const messages: CapturedMail[] = [];
  const refused: Array<CapturedMail & { code: number }> = [];
  const failures: Array<{ code: number; text: string }> = [];
  let window: { until: number; code: number; text: string } | null = null;
  const waiters: Array<() => void> = [];

  const server = new SMTPServer({
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    // Close quickly in afterAll even when a client left a connection open.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      const ok =
        options.auth !== undefined &&
        auth.username === options.auth.user &&
        auth.password === options.auth.pass;
      if (ok) callback(null, { user: auth.username });
      else
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail: CapturedMail = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          at: Date.now(),
        };
        const failure = failures.shift() ?? (window && mail.at < window.until ? window : undefined);
        if (failure) {
          refused.push({ ...mail, code: failure.code });
          callback(Object.assign(new Error(failure.text), { responseCode: failure.code }));
          return;
        }
        messages.push(mail);
        callback(null, 'Queued as test');
        for (const wake of waiters.splice(0)) wake();
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    refused,
    failNext(count, code, text) {
      const reply = text ?? defaultReply(code);
      for (let i = 0; i < count; i++) failures.push({ code, text: reply });
    },
    failFor(ms, code, text) {
      window = { until: Date.now() + ms, code, text: text ?? defaultReply(code) };
    },
    async waitForMessages(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`expected ${count} messages, got ${messages.length}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function defaultReply(code: number): string {
  return code < 500 ? 'Greylisted, please try again later' : 'Message refused by policy';
}

/** The captured message parsed by mailparser (headers, text, html, attachments). */
export function parseCaptured(mail: CapturedMail | Buffer): Promise<ParsedMail> {
  return simpleParser(Buffer.isBuffer(mail) ? mail : mail.raw);
}

/** The header section of a raw message, unfolded, one field per element ("Name: value"). */
export function headerFields(raw: Buffer): string[] {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  return head.split(/\r\n(?![ \t])/).map((field) => field.replace(/\r\n[ \t]+/g, ' '));
}
