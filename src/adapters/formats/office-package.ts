/**
 * The zip package of a Word (.docx) or OpenDocument (.ods) file, opened under the workbook guard's
 * limits (guard-limits.ts): file size, entry count, each entry's declared size, the declared total
 * and the compression ratio are checked on the central directory before anything is inflated, so
 * the readers of these formats refuse the same bombs the .xlsx reader refuses.
 */
import { DubanError } from '../../errors';
import type { GuardLimits } from '../excel/guard-limits';
import { NotForXmlReader, attributes } from '../excel/xml-scan';
import {
  checkDeclaredSizes,
  inflateEntry,
  listZipEntries,
  type ZipEntry,
} from '../excel/zip-directory';

export interface OfficePackage {
  /**
   * The part's XML as text (BOM dropped), or null when the package has no such part. A part
   * declared larger than `maxBytes` is refused (WORKBOOK_TOO_LARGE) before it is inflated.
   */
  xml(name: string, maxBytes?: number): string | null;
}

function mb(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MB`;
}

/**
 * The largest main part (word/document.xml, content.xml) read: an issue sheet's document is well
 * under 1 MB; the largest real one in the corpus is 12 MB (21 tables, read in about 0.3 s).
 */
export const MAX_MAIN_PART_BYTES = 48 * 1024 * 1024;

/** The limit for a package's main part under these limits. */
export function mainPartLimit(limits: GuardLimits): number {
  return Math.min(limits.maxEntryBytes, MAX_MAIN_PART_BYTES);
}

export async function openOfficePackage(
  bytes: Buffer,
  limits: GuardLimits,
): Promise<OfficePackage> {
  if (bytes.length > limits.maxFileBytes) {
    throw new DubanError(
      'WORKBOOK_TOO_LARGE',
      `file is ${mb(bytes.length)}, over ${mb(limits.maxFileBytes)}`,
    );
  }
  const entries = await listZipEntries(bytes, limits);
  checkDeclaredSizes(entries, limits);
  const byName = new Map<string, ZipEntry>();
  for (const entry of entries) {
    const name = entry.fileName;
    if (!name.endsWith('/')) byName.set(name.replace(/^\//, ''), entry);
  }
  return {
    xml(name, maxBytes = limits.maxEntryBytes) {
      const entry = byName.get(name);
      if (!entry) return null;
      if (entry.uncompressedSize > maxBytes) {
        throw new DubanError(
          'WORKBOOK_TOO_LARGE',
          `${name} is ${mb(entry.uncompressedSize)}, over ${mb(maxBytes)}`,
        );
      }
      if (entry.encrypted)
        throw new DubanError('PASSWORD_PROTECTED', `encrypted zip entry ${entry.fileName}`);
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new DubanError(
          'CORRUPT_WORKBOOK',
          `unsupported compression method ${entry.compressionMethod} (${name})`,
        );
      }
      return xmlText(inflateEntry(bytes, entry));
    },
  };
}

/** XML bytes as text: UTF-8 (the norm), or UTF-16 when the part starts with its byte-order mark. */
function xmlText(data: Buffer): string {
  if (data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  if (data[0] === 0xfe && data[1] === 0xff) {
    const swapped = Buffer.from(data.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return data.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * The namespace prefixes the root element binds, prefix → namespace URI ('' for the default
 * namespace). Only the root is read: Word and ODF writers declare every namespace there.
 */
export function rootNamespaces(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = /<([^?!/\s>][^\s>/]*)((?:\s[^>]*)?)>/.exec(xml);
  if (!root) return out;
  let attrs: Map<string, string>;
  try {
    attrs = attributes((root[2] ?? '').replace(/\/$/, ''));
  } catch (err) {
    if (err instanceof NotForXmlReader) throw corrupt('root element', err);
    throw err;
  }
  for (const [name, value] of attrs) {
    if (name === 'xmlns') out.set('', value);
    else if (name.startsWith('xmlns:')) out.set(name.slice(6), value);
  }
  return out;
}

/** The refusal for a part that is not well-formed XML (or uses what the scanner refuses). */
export function corrupt(part: string, err: Error): DubanError {
  return new DubanError('CORRUPT_WORKBOOK', `${part} is not readable XML: ${err.message}`);
}
