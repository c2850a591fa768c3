/**
 * A .zip read in-process (yauzl, no tool): names decoded as their writer meant them (bit 11 UTF-8,
 * the Info-ZIP Unicode Path field 0x7075, else the legacy code page: GB18030 on zh-CN Windows),
 * entries checked against the limits as declared before any is inflated, and inflation bounded by
 * the declared size (a lying header fails instead of growing).
 */
import yauzl from 'yauzl';
import { crc32 } from './crc32';
import { decodeLegacyName, safeEntryName, UNNAMED } from './entry-names';
import { refuse, settle, type Extraction, type LeftEntry, type UnpackedFile } from './extraction';
import type { ContainerLimits } from './limits';

const UTF8_FLAG = 0x800;
const UNICODE_PATH = 0x7075;
const AES = 99;
const STORED = 0;
const DEFLATED = 8;

export interface ZipOptions {
  limits: ContainerLimits;
  /** Bytes that may still be unpacked (the total limit, less what outer levels took). */
  budget: number;
  /**
   * Called when an entry uses a compression method this reader does not inflate (bzip2, LZMA,
   * Deflate64, zstd): the whole zip is then handed to the archive tool instead, if given.
   */
  otherMethods?: () => Promise<Extraction>;
}

export async function readZip(bytes: Buffer, options: ZipOptions): Promise<Extraction> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch (err) {
    return refuse('ARCHIVE_DAMAGED', `unreadable zip: ${(err as Error).message}`);
  }
  try {
    if (zip.entryCount > options.limits.maxEntries) {
      return refuse(
        'ARCHIVE_TOO_LARGE',
        `${zip.entryCount} entries, over ${options.limits.maxEntries}`,
      );
    }
    const entries = await listEntries(zip);
    if (!Array.isArray(entries)) return entries;
    return await takeOut(zip, entries, options);
  } finally {
    zip.close();
  }
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: false },
      (err, zip) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip)),
    );
  });
}

interface Listed {
  entry: yauzl.Entry;
  name: string;
}

function listEntries(zip: yauzl.ZipFile): Promise<Listed[] | Extraction> {
  return new Promise((resolve) => {
    const listed: Listed[] = [];
    zip.on('error', (err: Error) =>
      resolve(refuse('ARCHIVE_DAMAGED', `damaged zip: ${err.message}`)),
    );
    zip.on('end', () => resolve(listed));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entryName(entry);
      if (!name.endsWith('/') && !name.endsWith('\\')) {
        listed.push({ entry, name: safeEntryName(name) || UNNAMED });
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/** The name as its writer meant it (see the file comment). */
export function entryName(entry: yauzl.Entry): string {
  const raw = entry.fileNameRaw;
  if (entry.generalPurposeBitFlag & UTF8_FLAG) return raw.toString('utf8');
  for (const field of entry.extraFields) {
    // Version 1, CRC-32 of the raw name (the field is stale when the name was changed), UTF-8 name.
    if (field.id !== UNICODE_PATH || field.data.length < 6 || field.data[0] !== 1) continue;
    if (field.data.readUInt32LE(1) === crc32(raw)) return field.data.subarray(5).toString('utf8');
  }
  return decodeLegacyName(raw);
}

async function takeOut(
  zip: yauzl.ZipFile,
  listed: Listed[],
  options: ZipOptions,
): Promise<Extraction> {
  const { limits } = options;
  const files: UnpackedFile[] = [];
  const skipped: LeftEntry[] = [];
  const readable: Listed[] = [];
  for (const item of listed) {
    const { entry } = item;
    if (entry.isEncrypted() || entry.compressionMethod === AES) {
      skipped.push({ name: item.name, code: 'ARCHIVE_ENCRYPTED' });
    } else if (entry.uncompressedSize > limits.maxEntryBytes || isBomb(entry, limits)) {
      skipped.push({ name: item.name, code: 'ARCHIVE_TOO_LARGE' });
    } else if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      if (options.otherMethods) return options.otherMethods();
      skipped.push({ name: item.name, code: 'ARCHIVE_DAMAGED' });
    } else {
      readable.push(item);
    }
  }
  const declared = readable.reduce((sum, { entry }) => sum + entry.uncompressedSize, 0);
  if (declared > options.budget) {
    return refuse('ARCHIVE_TOO_LARGE', `${declared} bytes unpacked, over ${options.budget}`);
  }
  for (const item of readable) {
    try {
      files.push({ name: item.name, bytes: await readEntry(zip, item.entry) });
    } catch (err) {
      // yauzl stops an entry that inflates past its declared size: a lying header, a bomb.
      const lying = /too many bytes/i.test((err as Error).message);
      skipped.push({ name: item.name, code: lying ? 'ARCHIVE_TOO_LARGE' : 'ARCHIVE_DAMAGED' });
    }
  }
  return settle(files, skipped, 'zip');
}

function isBomb(entry: yauzl.Entry, limits: ContainerLimits): boolean {
  return (
    entry.uncompressedSize > limits.ratioAppliesAbove &&
    entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)
  );
}

/** The entry's data; yauzl fails the stream when it inflates to more or less than declared. */
function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}
