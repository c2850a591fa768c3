/**
 * Chinese charset repairs for mail, applied to raw bytes before mailparser sees them.
 *
 * What Chinese clients send, and what goes wrong:
 * - Labels: Foxmail/QQ write gb18030, Coremail and Outlook GBK or GB2312, but every one of them
 *   encodes with a GBK/GB18030 encoder. mailparser (libmime) decodes every GB2312/GBK label as
 *   GBK, so a GB18030-only character (4-byte sequences: rare name characters such as 𠈌, used in
 *   personal and place names) turns into "�2�0". GB18030 is a superset of GB2312 and GBK, so
 *   relabelling them as GB18030 never loses anything.
 * - Raw 8-bit header bytes: old clients and scripts put GBK bytes straight into Subject or
 *   filename="…" without RFC 2047. mailparser reads such bytes as latin-1 ("Í³¼Æ±í.xlsx" for
 *   统计表.xlsx). Raw UTF-8 (RFC 6532, GNU mailutils) is read correctly and must stay so.
 * - Bodies labelled gb18030 that are really UTF-8 (GNU mailutils copies the locale's label).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Every label libmime decodes as GBK, and the other common names of GB2312/GBK. Written for
 * use inside a larger regular expression (no anchors, no capture groups).
 */
export const GB_FAMILY_LABEL =
  '(?:gb2312|gb_2312(?:-80)?|csgb2312|gbk|x-gbk|cp936|ms936|windows-936|euc-cn|x-euc-cn|chinese|iso-ir-58|csiso58gb231280)';

const GB_FAMILY = new RegExp(`^${GB_FAMILY_LABEL}$`, 'i');

export function isGbFamilyLabel(label: string): boolean {
  return GB_FAMILY.test(label.trim());
}

/** Ideographs (BMP and supplementary), CJK punctuation, full-width forms, kana-free. */
const CJK_CHAR =
  /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2010-\u203a\u00b7\u2026\u3200-\u32ff]|[\u{20000}-\u{3134f}]/u;
const CJK_IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\u{20000}-\u{3134f}]/u;

/**
 * Bytes that are not UTF-8, read as GB18030, when that reading is clean Chinese text: no
 * undecodable byte, at least one ideograph, and every non-ASCII character CJK (ideographs, CJK
 * and full-width punctuation). Returns null otherwise, so the caller keeps the bytes as they were.
 *
 * Hazard: latin-1 bytes followed by a letter can form a valid GBK pair ("Müller" → "M黮ler"),
 * so a raw latin-1 name would be misread. Raw 8-bit headers in a Western charset are very rare
 * today and the senders here are Chinese government units, so GBK is by far the likelier reading.
 */
export function decodeGbText(bytes: Buffer): string | null {
  if (isUtf8(bytes)) return null;
  const text = iconv.decode(bytes, 'gb18030');
  if (text.includes('\uFFFD') || !CJK_IDEOGRAPH.test(text)) return null;
  for (const ch of text) {
    if (ch.charCodeAt(0) >= 0x80 && !CJK_CHAR.test(ch)) return null;
  }
  return text;
}

/** True when the bytes are valid UTF-8 and contain at least one multi-byte character. */
export function isNonAsciiUtf8(bytes: Buffer): boolean {
  return bytes.some((b) => b >= 0x80) && isUtf8(bytes);
}

/**
 * Quoted-printable decoding for the body check below (soft line breaks removed, =XX decoded,
 * anything malformed kept as it is). Only used to look at a text part, never to produce output.
 */
export function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x3d) {
      out[n++] = b;
      continue;
    }
    // Soft line break: "=" followed by optional whitespace and a line ending.
    let j = i + 1;
    while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09)) j++;
    if (bytes[j] === 0x0d && bytes[j + 1] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (bytes[j] === 0x0a || j >= bytes.length) {
      i = j;
      continue;
    }
    const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  return out.subarray(0, n);
}
