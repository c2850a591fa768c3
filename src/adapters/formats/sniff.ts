/**
 * What a file is, from its first bytes and (for zip packages) its part names: the one place that
 * decides a file's format. Never from the file name: a .et is BIFF8, a .zip named .rar is a zip,
 * an OA system's "report.xls" is often an HTML table. Synchronous and cheap (no inflation).
 */
import type { FileIdentity } from '../../domain/sheet/formats';
import { readCfbDirectory } from './cfb';
import { zipEntryNames } from '../excel/zip-directory';

const starts = (bytes: Buffer, magic: number[], at = 0): boolean =>
  bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const SEVEN_Z = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const RAR = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]; // "Rar!\x1a\x07" (v4: 00, v5: 01 00)
const TNEF = [0x78, 0x9f, 0x3e, 0x22];
const PDF = [0x25, 0x50, 0x44, 0x46];

const ODF = 'application/vnd.oasis.opendocument.';

export function sniffFile(bytes: Buffer): FileIdentity {
  if (starts(bytes, ZIP) || starts(bytes, ZIP_EMPTY)) return sniffZip(bytes);
  if (bytes.length >= 512 && starts(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return sniffCfb(bytes);
  }
  if (starts(bytes, SEVEN_Z)) return { kind: 'container', format: '7z' };
  if (starts(bytes, RAR)) return { kind: 'container', format: 'rar' };
  if (starts(bytes, TNEF)) return { kind: 'container', format: 'tnef' };
  if (starts(bytes, PDF)) return { kind: 'other', format: 'pdf' };
  if (isImage(bytes)) return { kind: 'other', format: 'image' };
  return sniffText(bytes);
}

function sniffZip(bytes: Buffer): FileIdentity {
  const names = zipEntryNames(bytes) ?? localHeaderNames(bytes);
  const has = (n: string): boolean => names.includes(n);
  // An ODF package starts with an uncompressed "mimetype" entry naming its kind.
  if (names[0] === 'mimetype' || has('mimetype')) {
    const head = bytes.subarray(0, 200).toString('latin1');
    if (head.includes(`${ODF}spreadsheet`)) return { kind: 'sheet', format: 'ods' };
    if (head.includes(`${ODF}text`)) return { kind: 'sheet', format: 'odt' };
  }
  if (has('xl/workbook.xml') || names.some((n) => /^xl\/workbook\d*\.xml$/i.test(n))) {
    return { kind: 'sheet', format: has('xl/vbaProject.bin') ? 'xlsm' : 'xlsx' };
  }
  if (has('word/document.xml') || names.some((n) => /^word\/document\d*\.xml$/i.test(n))) {
    return { kind: 'sheet', format: 'docx' };
  }
  // A package with OOXML parts but no workbook or document part is a damaged workbook (the
  // workbook reader says so), not an archive.
  if (
    names.some((n) => n.startsWith('xl/')) ||
    (names.length === 1 && has('[Content_Types].xml'))
  ) {
    return { kind: 'sheet', format: 'xlsx' };
  }
  if (names.some((n) => n.startsWith('word/'))) return { kind: 'sheet', format: 'docx' };
  return { kind: 'container', format: 'zip' };
}

/** Names from the local headers, for a zip whose central directory is damaged. */
function localHeaderNames(bytes: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (names.length < 50 && at + 30 <= bytes.length && bytes.readUInt32LE(at) === 0x04034b50) {
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    const compressed = bytes.readUInt32LE(at + 18);
    names.push(bytes.toString('latin1', at + 30, Math.min(bytes.length, at + 30 + nameLength)));
    if (bytes.readUInt16LE(at + 6) & 0x8) break; // sizes in a data descriptor: stop here
    at += 30 + nameLength + extraLength + compressed;
  }
  return names;
}

const BOF_BIFF8 = 0x0809;
const FILEPASS = 0x002f;

function sniffCfb(bytes: Buffer): FileIdentity {
  const dir = readCfbDirectory(bytes);
  if (!dir) return { kind: 'other', format: 'unknown' };
  const stream = (name: string) => dir.streams.find((s) => s.name.toLowerCase() === name);
  if (stream('encryptedpackage')) return { kind: 'encrypted', format: 'xlsx' };
  const book = stream('workbook') ?? stream('book');
  if (book) {
    // Workbook globals start BOF, then FILEPASS at once when the file has an open password.
    const head = dir.head(book, 512);
    if (head && head.length >= 8 && head.readUInt16LE(0) === BOF_BIFF8) {
      const next = 4 + head.readUInt16LE(2);
      if (next + 2 <= head.length && head.readUInt16LE(next) === FILEPASS) {
        return { kind: 'encrypted', format: 'xls' };
      }
    }
    return { kind: 'sheet', format: 'xls' };
  }
  const word = stream('worddocument');
  if (word) {
    // The FIB's flags: fEncrypted is bit 8 of the word at 0x0A.
    const head = dir.head(word, 512);
    if (head && head.length >= 12 && (head.readUInt16LE(0x0a) & 0x0100) !== 0) {
      return { kind: 'encrypted', format: 'doc' };
    }
    return { kind: 'sheet', format: 'doc' };
  }
  return { kind: 'other', format: 'unknown' };
}

function isImage(bytes: Buffer): boolean {
  return (
    starts(bytes, [0xff, 0xd8, 0xff]) ||
    starts(bytes, [0x89, 0x50, 0x4e, 0x47]) ||
    starts(bytes, [0x47, 0x49, 0x46, 0x38]) ||
    starts(bytes, [0x42, 0x4d]) ||
    (starts(bytes, [0x52, 0x49, 0x46, 0x46]) && starts(bytes, [0x57, 0x45, 0x42, 0x50], 8))
  );
}

const TEXT_PROBE = 64 * 1024;

function sniffText(bytes: Buffer): FileIdentity {
  // UTF-16 text with a BOM: Excel's "Unicode text" (tab-separated) save.
  if (starts(bytes, [0xff, 0xfe]) || starts(bytes, [0xfe, 0xff])) {
    return { kind: 'sheet', format: 'csv' };
  }
  const probe = bytes.subarray(0, TEXT_PROBE);
  if (probe.length === 0 || probe.includes(0)) return { kind: 'other', format: 'unknown' };
  // latin1 keeps every byte; the markers looked for are ASCII in UTF-8, GBK and GB18030 alike.
  const text = probe.toString('latin1');
  const lead = text
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if ((lead.startsWith('<') || lead.startsWith('mime-version')) && /<table[\s>]/i.test(text)) {
    return { kind: 'sheet', format: 'html' };
  }
  const lines = text.split(/\r\n|\n|\r/).slice(0, 40);
  const tabular = lines.filter((l) => /(,.*){2,}|(\t.*){2,}/.test(l)).length;
  if (tabular >= 2) return { kind: 'sheet', format: 'csv' };
  return { kind: 'other', format: 'text' };
}
