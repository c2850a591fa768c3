/**
 * Entry names as a sender's software wrote them, decoded and made safe: UTF-8 when the bytes are
 * valid UTF-8, otherwise GB18030 (Windows and WinRAR on a zh-CN system write the ANSI code page,
 * GBK, of which GB18030 is a superset). Directory parts are kept; "..", ".", drive letters, leading
 * slashes and control characters are removed, so a name can never point outside its container.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Bytes of a name with no declared encoding. */
export function decodeLegacyName(raw: Buffer): string {
  return isUtf8(raw) ? raw.toString('utf8') : iconv.decode(raw, 'gb18030');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A decoded name as a safe relative path ("材料/问题清单.xlsx"), or "" when nothing is left. */
export function safeEntryName(name: string): string {
  return name
    .replace(CONTROL, '')
    .split(/[/\\]+/)
    .map((part) => part.trim())
    .filter(
      (part, i) =>
        part !== '' && part !== '.' && part !== '..' && !(i === 0 && /^[A-Za-z]:$/.test(part)),
    )
    .join('/');
}

/** A file's name when its container gives none usable. */
export const UNNAMED = '未命名文件';
