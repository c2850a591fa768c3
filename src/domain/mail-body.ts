/**
 * Bodies of automatic mails as one structure of blocks, rendered as plain text and as simple
 * HTML, so the two alternatives of a mail never drift apart. Used by the replies to senders and
 * by the reminders (the digest has its own, richer layout).
 */

import { dateOfZh } from './zh/times';

export type Block =
  | { type: 'para'; lines: string[] }
  | { type: 'list'; title: string; items: string[]; ordered?: boolean }
  | { type: 'fields'; title: string; fields: Array<[string, string]> };

export function renderText(blocks: Block[]): string {
  return `${blocks
    .map((b) => {
      switch (b.type) {
        case 'para':
          return b.lines.join('\n');
        case 'list':
          return [
            b.title,
            ...b.items.map((item, i) => (b.ordered ? `${i + 1}. ${item}` : `- ${item}`)),
          ].join('\n');
        case 'fields':
          return [b.title, ...b.fields.map(([k, v]) => `  ${k}：${v}`)].join('\n');
      }
    })
    .join('\n\n')}\n`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderHtml(subject: string, blocks: Block[]): string {
  const body = blocks
    .map((b) => {
      switch (b.type) {
        case 'para':
          return `<p>${b.lines.map(escapeHtml).join('<br>')}</p>`;
        case 'list': {
          const tag = b.ordered ? 'ol' : 'ul';
          const items = b.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('');
          return `<p><strong>${escapeHtml(b.title)}</strong></p><${tag}>${items}</${tag}>`;
        }
        case 'fields': {
          const items = b.fields
            .map(([k, v]) => `<li>${escapeHtml(k)}：${escapeHtml(v)}</li>`)
            .join('');
          return `<p><strong>${escapeHtml(b.title)}</strong></p><ul>${items}</ul>`;
        }
      }
    })
    .join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(subject)}</title></head>\n` +
    "<body style=\"font-family:'Microsoft YaHei','PingFang SC',SimSun,sans-serif;font-size:14px;line-height:1.6\">\n" +
    `${body}\n</body></html>\n`
  );
}

/**
 * The closing of an automatic mail: that the system sent it (and whom to ask, when `contact`),
 * then the signature and the day in the programme's zone.
 */
export function closingBlocks(
  programme: { signature: string; timezone: string },
  now: Date,
  contact: boolean,
): Block[] {
  const { signature, timezone } = programme;
  const note = contact
    ? `本邮件由系统自动发送。如有疑问，请与${signature}联系。`
    : '本邮件由系统自动发送。';
  return [
    { type: 'para', lines: [note] },
    { type: 'para', lines: [signature, dateOfZh(now, timezone)] },
  ];
}
