/**
 * One pass over a raw message before mailparser reads it: measure its MIME structure against our
 * limits, and repair the Chinese charset problems mailparser cannot (see charsets.ts).
 *
 * Why a pass of our own:
 * - Limits first. A hostile message nests multiparts or message/rfc822 parts a thousand levels
 *   deep; we refuse it here, in one linear scan with an explicit stack (no recursion, so no stack
 *   overflow), before any library builds a tree from it.
 * - mailparser's charset option (`Iconv`) reaches bodies only, not headers, and it would replace
 *   libmime's careful decoders for every other charset. Relabelling GB2312/GBK as GB18030 in the
 *   header blocks fixes headers, RFC 2231 parameters and bodies at once, with libmime still doing
 *   the decoding.
 *
 * Only header blocks are rewritten (and only the pieces named below); body bytes are copied
 * untouched, so an attachment's content can never be altered. The scan follows the same rules as
 * mailparser's splitter (a delimiter of any open multipart closes everything inside it; the first
 * Content-Type wins), but if the two ever disagree the worst outcome is a charset label left as
 * it was.
 */
import { DubanError } from '../../errors';
import {
  GB_FAMILY_LABEL,
  decodeGbText,
  decodeQuotedPrintable,
  isGbFamilyLabel,
  isNonAsciiUtf8,
} from './charsets';

export interface StructureLimits {
  /** Deepest nesting of multipart and message/rfc822 containers. */
  maxDepth: number;
  /** Most MIME parts (entities) in one message. */
  maxParts: number;
  /** Largest header block of one part, in bytes. */
  maxHeaderBytes: number;
}

export interface PreparedMessage {
  /** The message to parse: the input itself when nothing needed repair, else a repaired copy. */
  raw: Buffer;
  /** The deepest container nesting seen, counting from `depthOffset`. */
  depth: number;
  parts: number;
  /** False when the top-level header block holds no header field at all: not a mail message. */
  hasHeaderFields: boolean;
}

/** A text part's body is only looked at up to this size (for the mislabelled-UTF-8 check). */
const MAX_WATCHED_BODY = 1024 * 1024;

const ENCODED_WORD_GB = new RegExp(`=\\?${GB_FAMILY_LABEL}((?:\\*[^?]*)?\\?[BbQq]\\?)`, 'gi');
const RFC2231_GB = new RegExp(`(\\*\\s*=\\s*"?)${GB_FAMILY_LABEL}'`, 'gi');
const CHARSET_PARAM = /(;\s*charset\s*=\s*"?)([A-Za-z0-9_.:+-]+)/i;

interface Frame {
  kind: 'multipart' | 'message';
  boundary: Buffer | null;
}

interface HeaderInfo {
  /** The block rewritten, or null when it needed no change. */
  rewritten: Buffer | null;
  mimeType: string;
  boundary: Buffer | null;
  transferEncoding: string;
  charset: string;
  hasFields: boolean;
}

/** A text part labelled as Chinese whose body may really be UTF-8. */
interface TextPartWatch {
  segment: number;
  header: Buffer;
  transferEncoding: string;
  chunks: Buffer[];
  size: number;
}

function tooComplex(message: string): DubanError {
  return new DubanError('MESSAGE_TOO_COMPLEX', message);
}

function isBlankLine(line: Buffer): boolean {
  return (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d);
}

/** Split a header block into fields, each with its continuation lines and line endings. */
function splitFields(block: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let start = 0;
  let pos = 0;
  while (pos < block.length) {
    const nl = block.indexOf(0x0a, pos);
    const next = nl === -1 ? block.length : nl + 1;
    const first = block[next];
    // A following line that starts with a space or tab continues this field (folding).
    if (next >= block.length || (first !== 0x20 && first !== 0x09)) {
      fields.push(block.subarray(start, next));
      start = next;
    }
    pos = next;
  }
  return fields;
}

function unfoldedValue(field: string): string {
  const colon = field.indexOf(':');
  return field
    .slice(colon + 1)
    .replace(/\r?\n/g, '')
    .trim();
}

function param(value: string, name: string): string {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return (m?.[1] ?? m?.[2] ?? '').trim();
}

/**
 * Repair one header block and read what the scan needs from it. Every change is one of:
 * raw 8-bit GBK field → the same text in UTF-8 (which mailparser reads as RFC 6532 UTF-8);
 * a GB2312/GBK label in an encoded word, an RFC 2231 parameter or Content-Type's charset →
 * gb18030.
 */
function readHeaderBlock(block: Buffer): HeaderInfo {
  let changed = false;
  let hasFields = false;
  let contentType: string | null = null;
  let transferEncoding: string | null = null;
  const out: Buffer[] = [];
  for (const original of splitFields(block)) {
    let field = original;
    if (field.some((b) => b >= 0x80)) {
      const text = decodeGbText(field);
      if (text !== null) field = Buffer.from(text, 'utf8');
    }
    // latin1 keeps bytes one to one, so the ASCII patterns below never touch UTF-8 text.
    let s = field.toString('latin1');
    const name = s
      .slice(0, Math.max(s.indexOf(':'), 0))
      .trim()
      .toLowerCase();
    if (/^[!-9;-~]+$/.test(name)) hasFields = true;
    s = s.replace(ENCODED_WORD_GB, '=?gb18030$1').replace(RFC2231_GB, "$1gb18030'");
    if (name === 'content-type' && contentType === null) {
      const label = CHARSET_PARAM.exec(s)?.[2];
      if (label && isGbFamilyLabel(label)) s = s.replace(CHARSET_PARAM, '$1gb18030');
      contentType = unfoldedValue(s);
    }
    if (name === 'content-transfer-encoding' && transferEncoding === null) {
      transferEncoding = unfoldedValue(s).toLowerCase();
    }
    const rewritten = Buffer.from(s, 'latin1');
    if (!rewritten.equals(original)) changed = true;
    out.push(rewritten);
  }
  const ct = contentType ?? '';
  const boundaryText = param(ct, 'boundary').trimEnd();
  // Like mailparser's splitter: a boundary that is not ASCII counts as none.
  const boundary =
    boundaryText && !/[^\x20-\x7e]/.test(boundaryText) ? Buffer.from(boundaryText, 'latin1') : null;
  return {
    rewritten: changed ? Buffer.concat(out) : null,
    mimeType: (ct.split(';')[0] ?? '').trim().toLowerCase(),
    boundary,
    transferEncoding: transferEncoding ?? '',
    charset: param(ct, 'charset').toLowerCase(),
    hasFields,
  };
}

/** Which open multipart a delimiter line belongs to (innermost first), and whether it closes it. */
function matchDelimiter(
  raw: Buffer,
  start: number,
  end: number,
  frames: Frame[],
): { index: number; close: boolean } | null {
  // Trailing CR/LF and whitespace are not part of a delimiter.
  let stop = end;
  while (stop > start && [0x0a, 0x0d, 0x20, 0x09].includes(raw[stop - 1] as number)) stop--;
  for (let i = frames.length - 1; i >= 0; i--) {
    const b = (frames[i] as Frame).boundary;
    if (!b) continue;
    const after = start + 2 + b.length;
    if (after > stop || raw.compare(b, 0, b.length, start + 2, after) !== 0) continue;
    if (after === stop) return { index: i, close: false };
    if (raw[after] === 0x2d && raw[after + 1] === 0x2d) return { index: i, close: true };
  }
  return null;
}

/** Content-Type's charset set to utf-8 (for a text part whose "gb18030" body is really UTF-8). */
function relabelUtf8(header: Buffer): Buffer {
  return Buffer.concat(
    splitFields(header).map((field) => {
      const s = field.toString('latin1');
      if (!/^content-type\s*:/i.test(s)) return field;
      return Buffer.from(s.replace(CHARSET_PARAM, '$1utf-8'), 'latin1');
    }),
  );
}

function decodeTransfer(body: Buffer, transferEncoding: string): Buffer {
  if (transferEncoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (transferEncoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/**
 * Scan `raw`, refusing it (MESSAGE_TOO_COMPLEX) when it breaks a limit, and return it with its
 * header blocks repaired. `depthOffset` is the nesting at which this message sits when it was
 * found inside another one.
 */
export function prepareRawMessage(
  raw: Buffer,
  limits: StructureLimits,
  depthOffset = 0,
): PreparedMessage {
  if (depthOffset > limits.maxDepth) {
    throw tooComplex(`forwarded messages nested more than ${limits.maxDepth} levels deep`);
  }
  const out: Buffer[] = [];
  let copyFrom = 0;
  const frames: Frame[] = [];
  let state: 'header' | 'body' = 'header';
  let headerStart = 0;
  let parts = 1;
  let deepest = depthOffset;
  let hasHeaderFields: boolean | null = null;
  let watch: TextPartWatch | null = null;

  const push = (frame: Frame): void => {
    frames.push(frame);
    deepest = Math.max(deepest, depthOffset + frames.length);
    if (deepest > limits.maxDepth) {
      throw tooComplex(`MIME parts nested more than ${limits.maxDepth} levels deep`);
    }
  };
  const newPart = (start: number): void => {
    state = 'header';
    headerStart = start;
    if (++parts > limits.maxParts) {
      throw tooComplex(`more than ${limits.maxParts} MIME parts`);
    }
  };
  /** Keep the header block in a segment of its own, so it can be replaced later. */
  const headerSegment = (blockEnd: number, bytes: Buffer): number => {
    out.push(raw.subarray(copyFrom, headerStart));
    copyFrom = blockEnd;
    return out.push(bytes) - 1;
  };
  const endBody = (): void => {
    if (!watch) return;
    const { segment, header, transferEncoding, chunks, size } = watch;
    watch = null;
    if (size > MAX_WATCHED_BODY) return;
    if (isNonAsciiUtf8(decodeTransfer(Buffer.concat(chunks), transferEncoding))) {
      out[segment] = relabelUtf8(header);
    }
  };
  /** The header block ends at `blockEnd`; its body (if any) starts at `bodyStart`. */
  const endHeader = (blockEnd: number, bodyStart: number | null): void => {
    const block = raw.subarray(headerStart, blockEnd);
    const info = readHeaderBlock(block);
    if (hasHeaderFields === null) hasHeaderFields = info.hasFields;
    const header = info.rewritten ?? block;
    const watchText =
      info.mimeType.startsWith('text/') &&
      (isGbFamilyLabel(info.charset) || info.charset === 'gb18030') &&
      ['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable'].includes(info.transferEncoding);
    // A rewritten block replaces the original; a watched one may be relabelled after its body.
    const segment = info.rewritten || watchText ? headerSegment(blockEnd, header) : -1;
    if (bodyStart === null) return;
    const identity = ['', '7bit', '8bit', 'binary'].includes(info.transferEncoding);
    if (info.mimeType.startsWith('multipart/') && info.boundary) {
      push({ kind: 'multipart', boundary: info.boundary });
      state = 'body';
    } else if (
      (info.mimeType === 'message/rfc822' || info.mimeType === 'message/global') &&
      identity
    ) {
      // An embedded message follows directly: its own header block starts the body.
      push({ kind: 'message', boundary: null });
      newPart(bodyStart);
    } else {
      state = 'body';
      if (watchText) {
        watch = {
          segment,
          header,
          transferEncoding: info.transferEncoding,
          chunks: [],
          size: 0,
        };
      }
    }
  };

  let pos = 0;
  while (pos < raw.length) {
    const nl = raw.indexOf(0x0a, pos);
    const start = pos;
    const end = nl === -1 ? raw.length : nl + 1;
    pos = end;
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d && frames.length > 0) {
      const hit = matchDelimiter(raw, start, end, frames);
      if (hit) {
        if (state === 'header') endHeader(start, null);
        endBody();
        frames.length = hit.close ? hit.index : hit.index + 1;
        if (hit.close) state = 'body';
        else newPart(end);
        continue;
      }
    }
    if (state === 'header') {
      if (isBlankLine(raw.subarray(start, end))) endHeader(start, end);
      else if (end - headerStart > limits.maxHeaderBytes) {
        throw tooComplex(`a header block larger than ${limits.maxHeaderBytes} bytes`);
      }
      continue;
    }
    const w = watch as TextPartWatch | null;
    if (w) {
      w.size += end - start;
      if (w.size <= MAX_WATCHED_BODY) w.chunks.push(raw.subarray(start, end));
    }
  }
  if (state === 'header') endHeader(raw.length, null);
  endBody();

  if (out.length > 0) out.push(raw.subarray(copyFrom));
  return {
    raw: out.length > 0 ? Buffer.concat(out) : raw,
    depth: deepest,
    parts,
    hasHeaderFields: hasHeaderFields ?? false,
  };
}
