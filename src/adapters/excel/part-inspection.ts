/**
 * What the guard (guard.ts) learns from one part of a workbook's zip package: the head of each XML
 * part (1904 date system, namespace prefixes exceljs crashes on), and, for a large worksheet, its
 * rows and cells, counted while streaming so an implausibly large sheet is refused early.
 */
import * as zlib from 'node:zlib';
import { DubanError } from '../../errors';
import type { GuardLimits } from './guard-limits';
import { entryData, type ZipEntry } from './zip-directory';

const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/i;
const XML_PART = /\.(?:xml|rels)$/i;
/** Namespaces exceljs expects as the default (unprefixed) namespace of elements. */
const DEFAULT_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  'http://schemas.openxmlformats.org/package/2006/relationships',
  'http://schemas.openxmlformats.org/package/2006/content-types',
]);

export interface EntryFindings {
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

/**
 * Looks inside one entry. Only what the checks need is inflated: the head of each XML part, and
 * the whole of a large worksheet (streamed, never past its declared size, so a header that lies
 * is caught and a million-row sheet is refused after its first rows). Parts not inflated here
 * are bounded by their declared sizes and ratio, and by the sandbox's memory limit.
 */
export async function inspectPart(
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
