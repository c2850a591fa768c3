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
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import { DubanError } from '../../errors';

export interface GuardLimits {
  maxFileBytes: number;
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Compression ratio allowed for entries larger than `ratioAppliesAbove`. */
  maxRatio: number;
  ratioAppliesAbove: number;
  maxRowsPerSheet: number;
  maxCellsPerSheet: number;
}

export const DEFAULT_LIMITS: GuardLimits = {
  maxFileBytes: 30 * 1024 * 1024,
  maxEntries: 5000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 150 * 1024 * 1024,
  maxRatio: 200,
  ratioAppliesAbove: 1024 * 1024,
  maxRowsPerSheet: 50_000,
  maxCellsPerSheet: 1_000_000,
};

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
  // The central directory is read synchronously (fast, the common case); yauzl reads what this
  // small reader does not handle (ZIP64 records), so no valid package is refused for its form.
  const entries = readCentralDirectory(bytes, limits) ?? (await listWithYauzl(bytes, limits));
  return scanEntries(entries, bytes, limits);
}

/** What the guard needs of a zip entry, from the central directory. */
export interface ZipEntry {
  fileName: string;
  compressedSize: number;
  uncompressedSize: number;
  compressionMethod: number;
  relativeOffsetOfLocalHeader: number;
  encrypted: boolean;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;

/**
 * The entries listed in the central directory, or null when the package uses ZIP64 records
 * (left to yauzl). Throws NOT_A_WORKBOOK / CORRUPT_WORKBOOK for a directory that is not one.
 */
function readCentralDirectory(bytes: Buffer, limits: GuardLimits): ZipEntry[] | null {
  // The end record sits in the last 22 bytes plus an optional comment of up to 65535 bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DubanError('NOT_A_WORKBOOK', 'no zip end-of-central-directory record');
  const count = bytes.readUInt16LE(eocd + 10);
  const size = bytes.readUInt32LE(eocd + 12);
  const offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) return null;
  if (count > limits.maxEntries) {
    throw new DubanError('WORKBOOK_TOO_LARGE', `over ${limits.maxEntries} zip entries`);
  }
  if (offset + size > eocd)
    throw new DubanError('CORRUPT_WORKBOOK', 'central directory out of bounds');
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new DubanError('CORRUPT_WORKBOOK', 'damaged zip central directory');
    }
    const flags = bytes.readUInt16LE(at + 8);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const uncompressedSize = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    if (
      compressedSize === 0xffffffff ||
      uncompressedSize === 0xffffffff ||
      localOffset === 0xffffffff
    ) {
      return null;
    }
    const nameEnd = at + 46 + nameLength;
    if (nameEnd > eocd) throw new DubanError('CORRUPT_WORKBOOK', 'damaged zip central directory');
    // Bit 11: UTF-8 names. Part names of OOXML packages are ASCII either way.
    const fileName = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, nameEnd);
    entries.push({
      fileName,
      compressedSize,
      uncompressedSize,
      compressionMethod: bytes.readUInt16LE(at + 10),
      relativeOffsetOfLocalHeader: localOffset,
      encrypted: (flags & 0x1) !== 0,
    });
    at = nameEnd + extraLength + commentLength;
  }
  return entries;
}

/** The entries as yauzl reads them (ZIP64 and other forms the small reader leaves alone). */
async function listWithYauzl(bytes: Buffer, limits: GuardLimits): Promise<ZipEntry[]> {
  const zip = await openZip(bytes);
  try {
    return await new Promise<ZipEntry[]>((resolve, reject) => {
      const entries: ZipEntry[] = [];
      zip.on('error', (err: Error) =>
        reject(new DubanError('CORRUPT_WORKBOOK', `damaged zip: ${err.message}`)),
      );
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entries.length >= limits.maxEntries) {
          return reject(
            new DubanError('WORKBOOK_TOO_LARGE', `over ${limits.maxEntries} zip entries`),
          );
        }
        entries.push({
          fileName: entry.fileName,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          compressionMethod: entry.compressionMethod,
          relativeOffsetOfLocalHeader: entry.relativeOffsetOfLocalHeader,
          encrypted: entry.isEncrypted(),
        });
        zip.readEntry();
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true },
      (err, zip) => {
        if (err || !zip)
          reject(new DubanError('NOT_A_WORKBOOK', `unreadable zip: ${err?.message ?? 'no zip'}`));
        else resolve(zip);
      },
    );
  });
}

const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/i;
const XML_PART = /\.(?:xml|rels)$/i;
/** Namespaces exceljs expects as the default (unprefixed) namespace of elements. */
const DEFAULT_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  'http://schemas.openxmlformats.org/package/2006/relationships',
  'http://schemas.openxmlformats.org/package/2006/content-types',
]);

async function scanEntries(
  entries: ZipEntry[],
  bytes: Buffer,
  limits: GuardLimits,
): Promise<WorkbookFacts> {
  const facts: WorkbookFacts = { date1904: false, prefixedParts: new Map(), entries };
  let declaredTotal = 0;
  let sawWorkbook = false;
  const kinds = new Set<'ods' | 'word' | 'other-office'>();
  for (const entry of entries) {
    declaredTotal += entry.uncompressedSize;
    const name = entry.fileName;
    if (entry.uncompressedSize > limits.maxEntryBytes || declaredTotal > limits.maxTotalBytes) {
      throw new DubanError(
        'WORKBOOK_TOO_LARGE',
        `expands to over ${mb(Math.max(entry.uncompressedSize, declaredTotal))} (${name})`,
      );
    }
    if (
      entry.uncompressedSize > limits.ratioAppliesAbove &&
      entry.uncompressedSize > entry.compressedSize * limits.maxRatio
    ) {
      throw new DubanError(
        'WORKBOOK_TOO_LARGE',
        `compression ratio over ${limits.maxRatio}:1 (${name})`,
      );
    }
    if (name.endsWith('/')) continue;
    const lower = name.toLowerCase();
    if (lower === 'xl/workbook.xml') sawWorkbook = true;
    else if (lower === 'content.xml' || lower === 'mimetype') kinds.add('ods');
    else if (/^(?:word|ppt)\//.test(lower))
      kinds.add(lower.startsWith('word') ? 'word' : 'other-office');
    const found = await readEntry(bytes, entry, limits);
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

interface EntryFindings {
  date1904: boolean;
  prefixes: string[];
}

/**
 * A worksheet part smaller than this cannot hold more rows than the limit (a row tag takes at
 * least 12 bytes), so only larger ones are inflated in full to count rows and cells.
 */
const COUNT_ROWS_ABOVE = 512 * 1024;
/** Compressed bytes inflated to read the head of an XML part (root element, namespaces). */
const HEAD_BYTES = 4096;

/** Where an entry's compressed data starts: after its local header (whose lengths may differ from the central directory's). */
function entryData(bytes: Buffer, entry: ZipEntry): Buffer {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) {
    throw new DubanError('CORRUPT_WORKBOOK', `bad local header for ${entry.fileName}`);
  }
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length)
    throw new DubanError('CORRUPT_WORKBOOK', `truncated entry ${entry.fileName}`);
  return bytes.subarray(start, end);
}

/**
 * The whole of a checked entry, inflated, never past its declared size (a part that inflates to
 * more is damaged or lying: CORRUPT_WORKBOOK).
 */
export function inflateEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  const data = entryData(bytes, entry);
  if (entry.compressionMethod === 0) {
    if (data.length !== entry.uncompressedSize)
      throw new DubanError('CORRUPT_WORKBOOK', `${entry.fileName}: stored size differs`);
    return data;
  }
  try {
    // maxOutputLength makes a lying header fail here instead of inflating without bound.
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (err) {
    throw new DubanError(
      'CORRUPT_WORKBOOK',
      `cannot inflate ${entry.fileName}: ${(err as Error).message}`,
    );
  }
}

/**
 * Looks inside one entry. Only what the checks need is inflated: the head of each XML part, and
 * the whole of a large worksheet (streamed, never past its declared size, so a header that lies
 * is caught and a million-row sheet is refused after its first rows). Parts not inflated here
 * are bounded by their declared sizes and ratio, and by the sandbox's memory limit.
 */
async function readEntry(
  bytes: Buffer,
  entry: ZipEntry,
  limits: GuardLimits,
): Promise<EntryFindings> {
  if (entry.encrypted)
    throw new DubanError('PASSWORD_PROTECTED', `encrypted zip entry ${entry.fileName}`);
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) {
    throw new DubanError(
      'CORRUPT_WORKBOOK',
      `unsupported compression method ${method} (${entry.fileName})`,
    );
  }
  const isXml = XML_PART.test(entry.fileName);
  if (!isXml) return { date1904: false, prefixes: [] };
  const data = entryData(bytes, entry);
  const isSheet = WORKSHEET_PART.test(entry.fileName);
  if (!isSheet || entry.uncompressedSize <= COUNT_ROWS_ABOVE) {
    let head: Buffer;
    try {
      head =
        method === 0
          ? data.subarray(0, HEAD_BYTES)
          : zlib.inflateRawSync(data.subarray(0, HEAD_BYTES), {
              finishFlush: zlib.constants.Z_SYNC_FLUSH,
            });
    } catch (err) {
      throw new DubanError(
        'CORRUPT_WORKBOOK',
        `cannot inflate ${entry.fileName}: ${(err as Error).message}`,
      );
    }
    return findings(head.toString('latin1', 0, Math.min(head.length, HEAD_BYTES)));
  }
  const counter = new TagCounter(entry.fileName, limits);
  // A large part: stream it, so a worksheet with a million rows is refused after the first few.
  return new Promise((resolve, reject) => {
    const inflate = method === 0 ? null : zlib.createInflateRaw();
    let head = '';
    let seen = 0;
    let done = false;
    const stop = (err: unknown): void => {
      if (done) return;
      done = true;
      inflate?.destroy();
      reject(
        err instanceof DubanError
          ? err
          : new DubanError(
              'CORRUPT_WORKBOOK',
              `cannot inflate ${entry.fileName}: ${(err as Error).message}`,
            ),
      );
    };
    const onChunk = (chunk: Buffer): void => {
      if (done) return;
      seen += chunk.length;
      if (seen > entry.uncompressedSize)
        return stop(
          new DubanError(
            'CORRUPT_WORKBOOK',
            `${entry.fileName} is larger than its header declares`,
          ),
        );
      if (!isXml) return;
      const text = chunk.toString('latin1');
      if (head.length < 4096) head += text.slice(0, 4096);
      if (isSheet) {
        try {
          counter.add(text);
        } catch (err) {
          stop(err);
        }
      }
    };
    const onEnd = (): void => {
      if (done) return;
      done = true;
      resolve(findings(head));
    };
    if (!inflate) {
      onChunk(data);
      return onEnd();
    }
    inflate.on('data', onChunk);
    inflate.on('error', stop);
    inflate.on('end', onEnd);
    inflate.end(data);
  });
}

function findings(head: string): EntryFindings {
  return {
    date1904: /<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["'](?:1|true|on)["']/i.test(head),
    prefixes: prefixesToRewrite(head),
  };
}

/** Counts <row> and <c> start tags across chunks; throws once a worksheet is implausibly large. */
class TagCounter {
  private rows = 0;
  private cells = 0;
  private tail = '';

  constructor(
    private readonly part: string,
    private readonly limits: GuardLimits,
  ) {}

  add(chunk: string): void {
    // Only matches ending inside the new chunk count, so a tag split across chunks counts once.
    const text = this.tail + chunk;
    const from = this.tail.length;
    this.rows += countTags(text, ROW_TAG, from);
    this.cells += countTags(text, CELL_TAG, from);
    this.tail = text.slice(-16);
    if (this.rows > this.limits.maxRowsPerSheet) {
      throw new DubanError(
        'WORKBOOK_TOO_LARGE',
        `worksheet ${this.part} has over ${this.limits.maxRowsPerSheet} rows`,
      );
    }
    if (this.cells > this.limits.maxCellsPerSheet) {
      throw new DubanError(
        'WORKBOOK_TOO_LARGE',
        `worksheet ${this.part} has over ${this.limits.maxCellsPerSheet} cells`,
      );
    }
  }
}

const ROW_TAG = /<(?:\w+:)?row[\s>/]/g;
const CELL_TAG = /<(?:\w+:)?c[\s>/]/g;

function countTags(text: string, re: RegExp, from: number): number {
  re.lastIndex = 0;
  let n = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) if (m.index + m[0].length > from) n++;
  return n;
}

/** Prefixes bound to a namespace exceljs needs as the default one (e.g. x → spreadsheetml). */
export function prefixesToRewrite(xmlHead: string): string[] {
  const out: string[] = [];
  for (const m of xmlHead.matchAll(/\bxmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']+)["']/g)) {
    const [, prefix, ns] = m;
    if (prefix && ns && DEFAULT_NAMESPACES.has(ns) && new RegExp(`<${prefix}:`).test(xmlHead))
      out.push(prefix);
  }
  return out;
}
