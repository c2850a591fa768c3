/**
 * The top-level header block of a message the MIME reader refused (too complex, unreadable),
 * read without any MIME parsing: enough to know who sent it and whether it is automatic, so a
 * known unit can be told its mail could not be read.
 *
 * Bounded and linear: at most MAX_BLOCK bytes are looked at, up to the first empty line; at most
 * MAX_FIELDS fields are kept, each value capped. No encoded-word decoding is needed for the
 * addresses; the subject's encoded words are decoded (UTF-8, GB family via iconv-lite) so the
 * automatic-subject rules can read it. Never throws: a block that yields no From gives null.
 */
import iconv from 'iconv-lite';
import type { MailAddress } from '../../domain/intake/classify';
import type { RecoveredHeaders } from '../../domain/intake/message';
import { oneLine } from '../../domain/one-line';
import { normalizeAddress } from '../../domain/intake/sender';
import { isGbFamilyLabel } from './charsets';
import { intakeHeaders } from './parse-message';

const MAX_BLOCK = 64 * 1024;
const MAX_FIELDS = 500;
const MAX_VALUE = 2000;

/** Field values by lower-cased name, from the first header block (unfolded, one line each). */
export function headerFields(raw: Buffer): Map<string, string[]> {
  const head = raw.subarray(0, MAX_BLOCK).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const fields = new Map<string, string[]>();
  let count = 0;
  for (const line of block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    if (++count > MAX_FIELDS) break;
    const bytes = Buffer.from(m[2], 'latin1');
    const text = oneLine(bytes.toString('utf8'), MAX_VALUE, '');
    const name = m[1].toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), text]);
  }
  return fields;
}

/** The first mailbox of an address header: the <addr-spec> when there is one, else the value. */
export function firstMailbox(value: string | undefined): MailAddress | null {
  if (value === undefined) return null;
  // Quoted display names and comments may show an address that is not the sender's.
  const bare = value.replace(/"(?:[^"\\]|\\.)*"/g, ' ').replace(/\([^()]*\)/g, ' ');
  const angle = /<([^<>]*)>/.exec(bare);
  // A group ("Units: a@x.cn;") names its members after the colon.
  const spec = angle?.[1] ?? (bare.split(',')[0] ?? '').replace(/^[^:@]*:/, '').replace(/;.*$/, '');
  const address = normalizeAddress(spec);
  return address === null ? null : { address, name: '' };
}

/** RFC 2047 encoded words decoded (B and Q; UTF-8 and what iconv-lite knows), the rest kept. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g,
      (word, label: string, enc: string, text: string) => {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : Buffer.from(
                text
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) =>
                    String.fromCharCode(parseInt(h, 16)),
                  ),
                'latin1',
              );
        const charset = isGbFamilyLabel(label) ? 'gb18030' : label.toLowerCase();
        if (!iconv.encodingExists(charset)) return word;
        return iconv.decode(bytes, charset);
      },
    );
}

/** The sender and automatic-mail headers of a raw message, or null when it has no usable From. */
export function recoverHeaders(raw: Buffer): RecoveredHeaders | null {
  const fields = headerFields(raw);
  const from = firstMailbox(fields.get('from')?.[0]);
  if (from === null) return null;
  const messageId = fields.get('message-id')?.[0]?.trim() ?? '';
  return {
    from,
    sender: firstMailbox(fields.get('sender')?.[0]),
    subject: oneLine(decodeWords(fields.get('subject')?.[0] ?? ''), 500, ''),
    messageId: /^<[^<>\s]+>$/.test(messageId) ? messageId : null,
    headers: intakeHeaders(fields),
  };
}
