/**
 * The HTML of a web archive (.mht/.mhtml, Excel's "single file web page", which some OA systems
 * also send as "报表.xls"): a MIME message whose text/html parts hold the page and, for a workbook
 * of several sheets, one page per sheet. Only what reading its tables needs: the parts' headers,
 * their transfer encoding (quoted-printable, base64) and charset. Synchronous and linear.
 */
import { decodeQuotedPrintable } from '../mail/charsets';

export interface HtmlPart {
  bytes: Buffer;
  /** The charset its Content-Type names, if any. */
  charset: string | null;
}

/** The file is a MIME message: it starts with header lines, MIME-Version among them. */
export function isWebArchive(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 4096)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  const end = head.search(/\r?\n\r?\n/);
  const headers = end < 0 ? head : head.slice(0, end);
  return /^[\x21-\x39\x3b-\x7e]+:/.test(headers) && /^mime-version\s*:/im.test(headers);
}

/** The text/html parts of a web archive, in order (the whole body when it is not multipart). */
export function webArchiveHtmlParts(bytes: Buffer): HtmlPart[] {
  const text = bytes.toString('latin1');
  const { headers, body } = splitPart(text);
  const type = headers.get('content-type') ?? 'text/html';
  const boundary = param(type, 'boundary');
  if (!/^\s*multipart\//i.test(type) || !boundary) {
    return /^\s*text\/html/i.test(type) ? [decodePart(headers, body)] : [];
  }
  const parts: HtmlPart[] = [];
  const delimiter = `--${boundary}`;
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = body.indexOf('\n', at);
    if (start < 0 || body.startsWith(`${delimiter}--`, at)) break;
    const next = body.indexOf(`\n${delimiter}`, start);
    const raw = body.slice(start + 1, next < 0 ? body.length : next).replace(/\r$/, '');
    const part = splitPart(raw);
    if (/^\s*text\/html/i.test(part.headers.get('content-type') ?? '')) {
      parts.push(decodePart(part.headers, part.body));
    }
    at = next < 0 ? -1 : next + 1;
  }
  return parts;
}

/** Headers (lower-case names, folded lines joined) and body of a MIME entity, as latin-1 text. */
function splitPart(text: string): { headers: Map<string, string>; body: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function param(value: string, name: string): string | null {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

function decodePart(headers: Map<string, string>, body: string): HtmlPart {
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const raw = Buffer.from(body, 'latin1');
  const bytes =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(raw)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
        : raw;
  return { bytes, charset: param(headers.get('content-type') ?? '', 'charset') };
}
