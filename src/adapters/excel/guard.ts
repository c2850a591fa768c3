/**
 * Looking at a workbook's bytes before any spreadsheet library does.
 *
 * exceljs has no decompression limit (a 0.4 MB file expanding to 400 MB drove it to 941 MB RSS)
 * and reports an encrypted workbook as a zip error, so this guard decides first:
 *  - what the file is (zip package; OLE compound file = encrypted OOXML or legacy .xls/.et; other);
 *  - whether the zip's declared sizes, ratios and entry count are within limits (central directory
 *    only: instant);
 *  - whether a large worksheet has more rows or cells than an issue sheet could hold (streamed,
 *    stopping early);
 *  - whether the workbook uses the 1904 date system (exceljs only honours date1904="1", not
 *    "true"), and whether its XML uses namespace prefixes (<x:workbook>, WPS / Tencent Docs /
 *    OpenXML SDK), which exceljs 4.4.0 crashes on.
 */
import { DubanError } from '../../errors';
import { DEFAULT_LIMITS, type GuardLimits } from './guard-limits';
import { inspectPart } from './part-inspection';
import { checkDeclaredSizes, listZipEntries, type ZipEntry } from './zip-directory';

export { DEFAULT_LIMITS, type GuardLimits } from './guard-limits';
export { prefixesToRewrite } from './part-inspection';
export { inflateEntry, type ZipEntry } from './zip-directory';

export interface WorkbookFacts {
  date1904: boolean;
  /** Namespace prefixes bound to OOXML's main namespaces, per part, to be rewritten before loading. */
  prefixedParts: Map<string, string[]>;
  /** The zip's entries, as checked against the limits (for the XML reader, xml-grid.ts). */
  entries: ZipEntry[];
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b]);

/** Encrypted OOXML is an OLE file holding these streams (names in UTF-16LE). */
const ENCRYPTION_MARKERS = ['EncryptionInfo', 'EncryptedPackage'].map((s) =>
  Buffer.from(s, 'utf16le'),
);

function mb(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`;
}

export function classifyContainer(bytes: Buffer): 'zip' | 'encrypted' | 'legacy' | 'other' {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC)) {
    return ENCRYPTION_MARKERS.some((m) => bytes.includes(m)) ? 'encrypted' : 'legacy';
  }
  if (bytes.subarray(0, 2).equals(ZIP_MAGIC)) return 'zip';
  return 'other';
}

/** Throws DubanError with a registered code when the bytes must not be parsed. */
export async function inspectWorkbook(
  bytes: Buffer,
  limits: GuardLimits = DEFAULT_LIMITS,
): Promise<WorkbookFacts> {
  if (bytes.length > limits.maxFileBytes) {
    throw new DubanError(
      'WORKBOOK_TOO_LARGE',
      `file is ${mb(bytes.length)}, over ${mb(limits.maxFileBytes)}`,
    );
  }
  switch (classifyContainer(bytes)) {
    case 'encrypted':
      throw new DubanError(
        'PASSWORD_PROTECTED',
        'encrypted OOXML (OLE container with EncryptedPackage)',
      );
    case 'legacy':
      throw new DubanError('LEGACY_FORMAT', 'OLE compound file: legacy .xls or WPS .et');
    case 'other':
      throw new DubanError('NOT_A_WORKBOOK', 'not a zip package');
    case 'zip':
      break;
  }
  const entries = await listZipEntries(bytes, limits);
  return scanEntries(entries, bytes, limits);
}

async function scanEntries(
  entries: ZipEntry[],
  bytes: Buffer,
  limits: GuardLimits,
): Promise<WorkbookFacts> {
  const facts: WorkbookFacts = { date1904: false, prefixedParts: new Map(), entries };
  checkDeclaredSizes(entries, limits);
  let sawWorkbook = false;
  const kinds = new Set<'ods' | 'word' | 'other-office'>();
  for (const entry of entries) {
    const name = entry.fileName;
    if (name.endsWith('/')) continue;
    const lower = name.toLowerCase();
    if (lower === 'xl/workbook.xml') sawWorkbook = true;
    else if (lower === 'content.xml' || lower === 'mimetype') kinds.add('ods');
    else if (/^(?:word|ppt)\//.test(lower))
      kinds.add(lower.startsWith('word') ? 'word' : 'other-office');
    const found = await inspectPart(bytes, entry, limits);
    if (found.date1904 && lower === 'xl/workbook.xml') facts.date1904 = true;
    if (found.prefixes.length) facts.prefixedParts.set(name, found.prefixes);
  }
  if (sawWorkbook) return facts;
  if (kinds.has('ods'))
    throw new DubanError('UNSUPPORTED_FORMAT', 'OpenDocument spreadsheet (.ods)');
  if (kinds.size)
    throw new DubanError('NOT_A_WORKBOOK', 'an Office document that is not a workbook');
  throw new DubanError('CORRUPT_WORKBOOK', 'no xl/workbook.xml part');
}
