/**
 * Builds raw messages the way a mail client would, for intake tests: a unit sending its sheet.
 * nodemailer encodes Chinese file names with RFC 2231 (as Outlook and Foxmail do); the corpus
 * covers the other encodings clients use.
 */
import nodemailer from 'nodemailer';

export interface TestMessage {
  from: string;
  to?: string;
  subject?: string;
  date?: Date;
  messageId?: string;
  text?: string;
  /** An HTML alternative body. */
  html?: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType?: string }>;
  headers?: Record<string, string>;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function buildEml(m: TestMessage): Promise<Buffer> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  const info = await builder.sendMail({
    from: m.from,
    to: m.to ?? 'duban-inbox@example.cn',
    subject: m.subject ?? '问题清单',
    date: m.date ?? new Date('2021-03-15T02:00:00Z'),
    messageId: m.messageId ?? `<${Math.random().toString(36).slice(2)}@example.cn>`,
    text: m.text ?? '请查收本周问题清单。',
    ...(m.html === undefined ? {} : { html: m.html }),
    attachments: (m.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType ?? XLSX,
    })),
    headers: m.headers ?? {},
  });
  return info.message as Buffer;
}
