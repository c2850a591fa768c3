/**
 * The text of an HTML file (an attached "报表.xls" that an OA system wrote as HTML, an Excel or
 * LibreOffice "save as web page"): a byte-order mark first, then the charset its head declares
 * (<meta charset=…>, <meta http-equiv="Content-Type" content="…; charset=gb2312">, an XML
 * declaration's encoding), else UTF-8 when the bytes are UTF-8, else GB18030. GB2312 and GBK labels
 * are decoded as GB18030, their superset (every Chinese writer encodes with a GBK/GB18030 encoder,
 * whatever the label; rare name characters exist only in GB18030). A UTF-8 label on bytes that are
 * not UTF-8 (an OA system writing GBK under a copied template head) is read as GB18030 too.
 * A web archive (.mht, Excel's "single file web page") gives the HTML of its parts.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { isGbFamilyLabel } from '../mail/charsets';
import { isWebArchive, webArchiveHtmlParts } from './web-archive';

/** How far into the file the declaration is looked for (Excel's head carries long styles). */
const PRESCAN_BYTES = 8192;

export function decodeHtmlBytes(bytes: Buffer): string {
  // A web archive (.mht): its HTML parts, each in its own charset, one after the other.
  if (isWebArchive(bytes)) {
    return webArchiveHtmlParts(bytes)
      .map((part) => decodeDeclared(part.bytes, part.charset))
      .join('\n');
  }
  return decodeDeclared(bytes, null);
}

/** Bytes of one HTML page; `label` is a charset named outside it (a MIME part's Content-Type). */
function decodeDeclared(bytes: Buffer, outside: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return bytes.subarray(3).toString('utf8');
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  // An ASCII label on the part says nothing about the page's own declaration.
  const named = outside !== null && !/^(?:us-)?ascii$/i.test(outside.trim()) ? outside : null;
  const label = named ?? declaredCharset(bytes.subarray(0, PRESCAN_BYTES).toString('latin1'));
  const encoding = label === null ? null : encodingOf(label);
  if (encoding !== null && encoding !== 'utf8') return iconv.decode(bytes, encoding);
  return isUtf8(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');
}

const META = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i;
const XML_DECL = /^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_:.+-]+)/i;

function declaredCharset(head: string): string | null {
  return META.exec(head)?.[1] ?? XML_DECL.exec(head)?.[1] ?? null;
}

/** The iconv-lite encoding for a declared label; null when unknown (then sniffed). */
function encodingOf(label: string): string | null {
  const l = label.trim().toLowerCase();
  if (isGbFamilyLabel(l) || l === 'gb18030') return 'gb18030';
  if (l === 'utf-8' || l === 'utf8' || l === 'unicode-1-1-utf-8') return 'utf8';
  // A UTF-16 label without a BOM is read as UTF-8 (the HTML standard's rule).
  if (l.startsWith('utf-16') || l === 'unicode') return 'utf8';
  // Browsers read latin-1 labels as windows-1252.
  if (l === 'iso-8859-1' || l === 'latin1' || l === 'us-ascii' || l === 'ascii') {
    return 'windows-1252';
  }
  return iconv.encodingExists(l) ? l : null;
}
