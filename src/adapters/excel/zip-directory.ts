/**
 * A workbook's zip package, read by hand for the guard (guard.ts) and the XML reader (xml-grid.ts):
 * its entries as the central directory declares them (read synchronously; yauzl for ZIP64 records,
 * so no valid package is refused for its form), and an entry's compressed or inflated data.
 */
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import { DubanError } from '../../errors';
import { DEFAULT_LIMITS, type GuardLimits } from './guard-limits';

/** What the guard needs of a zip entry, from the central directory. */
export interface ZipEntry {
  fileName: string;
  compressedSize: number;
  uncompressedSize: number;
  compressionMethod: number;
  relativeOffsetOfLocalHeader: number;
  encrypted: boolean;
}

/**
 * The package's entries as declared, checked against the entry-count limit. The central directory
 * is read synchronously (fast, the common case); yauzl reads what this small reader does not
 * handle (ZIP64 records), so no valid package is refused for its form.
 */
export async function listZipEntries(bytes: Buffer, limits: GuardLimits): Promise<ZipEntry[]> {
  return readCentralDirectory(bytes, limits) ?? (await listWithYauzl(bytes, limits));
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

/**
 * The part names of a zip package as its central directory lists them, or null when the directory
 * cannot be read this way (damaged, ZIP64, over 65 535 entries). For telling formats apart only.
 */
export function zipEntryNames(bytes: Buffer): string[] | null {
  try {
    return (
      readCentralDirectory(bytes, { ...DEFAULT_LIMITS, maxEntries: 65_535 })?.map(
        (e) => e.fileName,
      ) ?? null
    );
  } catch {
    return null;
  }
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

/** Where an entry's compressed data starts: after its local header (whose lengths may differ from the central directory's). */
export function entryData(bytes: Buffer, entry: ZipEntry): Buffer {
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

const mb = (n: number): string => `${Math.round(n / 1024 / 1024)} MB`;

/**
 * Refuses a package whose central directory declares too much: an entry or all of them over the
 * limits once expanded, or an entry compressed beyond the ratio limit (WORKBOOK_TOO_LARGE). Read
 * before anything is inflated; inflation itself never goes past a declared size (inflateEntry).
 */
export function checkDeclaredSizes(entries: readonly ZipEntry[], limits: GuardLimits): void {
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const name = entry.fileName;
    if (entry.uncompressedSize > limits.maxEntryBytes || total > limits.maxTotalBytes) {
      throw new DubanError(
        'WORKBOOK_TOO_LARGE',
        `expands to over ${mb(Math.max(entry.uncompressedSize, total))} (${name})`,
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
  }
}
