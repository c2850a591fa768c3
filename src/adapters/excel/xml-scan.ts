/**
 * A small single-pass scanner of the XML parts of an .xlsx, for the sheet reader (xml-grid.ts).
 * It decodes what saxes (exceljs's parser) decodes the same way: the five predefined entities and
 * character references, line ends (\r\n and \r become \n), and tabs and line ends in attribute
 * values (each becomes a space). Anything it does not reproduce exactly (a DOCTYPE, CDATA, an
 * unknown entity, a stray "<" or "&") makes it decline with NotForXmlReader, and the workbook is
 * read by exceljs instead, so the two readers never disagree on a file this one accepts.
 */

/** The XML reader does not take this workbook; exceljs reads it (and refuses it, if it must). */
export class NotForXmlReader extends Error {}

export function decline(why: string): never {
  throw new NotForXmlReader(why);
}

export interface ScanHandler {
  /** `name` is the element's name with any namespace prefix of `prefixes` dropped. */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Raw text (entities not yet decoded: see decodeText). */
  text(raw: string): void;
}

/**
 * Calls the handler for each tag and run of text. `prefixes` are the namespace prefixes bound to
 * the main OOXML namespaces in this part (the ones exceljs's loader rewrites away); other
 * prefixes stay in the name, so those elements never match the names the readers look for.
 */
export function scan(xml: string, prefixes: readonly string[], handler: ScanHandler): void {
  const local = (qname: string): string => {
    const colon = qname.indexOf(':');
    if (colon < 0) return qname;
    return prefixes.includes(qname.slice(0, colon)) ? qname.slice(colon + 1) : qname;
  };
  let at = 0;
  const n = xml.length;
  // saxes fails on text or a second element outside the root (exceljs then refuses the file).
  let depth = 0;
  let roots = 0;
  const text = (raw: string): void => {
    if (depth > 0) handler.text(raw);
    else if (raw.trim() !== '') decline('text outside the root element');
  };
  while (at < n) {
    const lt = xml.indexOf('<', at);
    if (lt < 0) {
      text(xml.slice(at));
      return;
    }
    if (lt > at) text(xml.slice(at, lt));
    const next = xml.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) decline('unterminated processing instruction');
      at = end + 2;
      continue;
    }
    if (next === 33 /* ! */) {
      if (!xml.startsWith('<!--', lt)) decline('DOCTYPE or CDATA');
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) decline('unterminated comment');
      at = end + 3;
      continue;
    }
    const gt = tagEnd(xml, lt + 1);
    if (next === 47 /* / */) {
      if (--depth < 0) decline('unbalanced end tag');
      handler.close(local(xml.slice(lt + 2, gt).trim()));
      at = gt + 1;
      continue;
    }
    const selfClosing = xml.charCodeAt(gt - 1) === 47;
    const body = xml.slice(lt + 1, selfClosing ? gt - 1 : gt);
    let nameEnd = 0;
    while (nameEnd < body.length && !isSpace(body.charCodeAt(nameEnd))) nameEnd++;
    if (nameEnd === 0) decline('empty tag name');
    const name = local(body.slice(0, nameEnd));
    if (depth === 0 && ++roots > 1) decline('a second root element');
    depth++;
    handler.open(name, body.slice(nameEnd), selfClosing);
    if (selfClosing) {
      depth--;
      handler.close(name);
    }
    at = gt + 1;
  }
}

/** The ">" that ends the tag starting at `from`, skipping quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
      else if (c === 60) decline('"<" in an attribute value');
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
    else if (c === 60) decline('"<" inside a tag');
  }
  return decline('unterminated tag');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The attributes of a tag by their qualified names, values decoded as saxes decodes them. */
export function attributes(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (raw.trim() === '') return out;
  ATTR.lastIndex = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = ATTR.exec(raw))) {
    if (raw.slice(consumed, m.index).trim() !== '') decline('malformed attributes');
    consumed = m.index + m[0].length;
    const name = m[1] as string;
    if (out.has(name)) decline('repeated attribute');
    out.set(name, decodeAttribute(m[2] ?? m[3] ?? ''));
  }
  if (raw.slice(consumed).trim() !== '') decline('malformed attributes');
  return out;
}

function decodeAttribute(raw: string): string {
  // Literal tabs and line ends (a \r\n pair counts once) become spaces; references keep theirs.
  return decodeEntities(raw.replace(/\r\n|[\r\n\t]/g, ' '));
}

/** Element text as saxes delivers it: line ends normalised, then references decoded. */
export function decodeText(raw: string): string {
  const text = raw.indexOf('\r') >= 0 ? raw.replace(/\r\n?/g, '\n') : raw;
  return decodeEntities(text);
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  let out = '';
  let at = 0;
  for (;;) {
    const amp = text.indexOf('&', at);
    if (amp < 0) return out + text.slice(at);
    const semi = text.indexOf(';', amp);
    if (semi < 0) decline('bare "&"');
    const ref = text.slice(amp + 1, semi);
    out += text.slice(at, amp) + reference(ref);
    at = semi + 1;
  }
}

function reference(ref: string): string {
  const named = PREDEFINED[ref];
  if (named !== undefined) return named;
  const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
  if (!m) return decline(`entity &${ref};`);
  const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2] as string, 10);
  const valid =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!valid) decline(`character reference &${ref};`);
  return String.fromCodePoint(code);
}

/** exceljs's TextXform decodes `_xHHHH_` (upper-case hex) in shared strings and rich runs. */
export function unescapeX(text: string): string {
  return text.indexOf('_x') < 0
    ? text
    : text.replace(/_x([0-9A-F]{4})_/g, (_m, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
}
