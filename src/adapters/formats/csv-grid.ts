/**
 * A CSV (or tab-separated) text table read into the Grid, one sheet, so the issue-sheet parser
 * reads it exactly as it reads an .xlsx: title lines above the header (a one-field line such as
 * "填报单位：区发改局") stay where they are, every value is text (the parser reads dates and numbers
 * from text), empty fields are absent. CSV has no merges: a project's continuation rows have an
 * empty 项目名称 and the parser's "an empty name continues the current project" rule groups them.
 *
 * What writes these files, and what that means here:
 * - Chinese Excel and WPS "CSV (逗号分隔)": GBK bytes, no BOM, CRLF. Read as GB18030 (a superset
 *   of GBK and GB2312) whenever the bytes are not UTF-8.
 * - Excel "CSV UTF-8": a UTF-8 BOM. LibreOffice and scripts: UTF-8 without BOM, LF.
 * - Excel "Unicode text": UTF-16LE with a BOM, tab-separated. European locales: semicolons, and
 *   sometimes a first line "sep=;" naming the delimiter (Excel honours it and does not show it).
 * Quoting is RFC 4180, read tolerantly: a quoted field may hold delimiters, doubled quotes and line
 * breaks (a multi-line cell); a quote inside an unquoted field is a plain character; text after a
 * closing quote is kept; an unclosed quote runs to the end of the file.
 *
 * Time is linear in the input: one pass over the decoded text, no backtracking.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { Grid, GridCell } from '../../domain/sheet/grid';
import { DubanError } from '../../errors';
import { TEXT_TABLE_LIMITS, tooLarge, type TextTableLimits } from './text-table-limits';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Delimiters tried, in order of preference when the evidence ties. */
const DELIMITERS = [',', '\t', ';'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/** What the delimiter is guessed from: the first records of the file. */
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_RECORDS = 60;

export function readCsvGrid(bytes: Buffer, limits: TextTableLimits = TEXT_TABLE_LIMITS): Grid {
  let text = decodeCsvBytes(bytes);
  let delimiter: Delimiter | null = null;
  const sep = /^sep=([,\t;])[ \t]*(?:\r\n|\n|\r|$)/i.exec(text);
  if (sep) {
    delimiter = sep[1] as Delimiter;
    text = text.slice(sep[0].length);
  }
  delimiter ??= detectDelimiter(text);
  const cells: GridCell[] = [];
  scanCsv(text, delimiter, limits.maxCellChars, {
    field(row, col, value) {
      if (value.trim() === '') return;
      if (row > limits.maxRows) tooLarge(`CSV: a value in row ${row}, over ${limits.maxRows} rows`);
      if (col > limits.maxCols) tooLarge(`CSV: a value in column ${col}, over ${limits.maxCols}`);
      if (cells.length >= limits.maxCells) tooLarge(`CSV: over ${limits.maxCells} cells`);
      cells.push({ row, col, value: { kind: 'text', text: value } });
    },
  });
  return { sheets: [{ name: 'CSV', hidden: false, cells, merges: [] }], date1904: false };
}

/**
 * The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with a BOM, otherwise GB18030.
 * Bytes that are not text (NUL bytes, or many undecodable sequences) are refused.
 */
export function decodeCsvBytes(bytes: Buffer): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = iconv.decode(bytes.subarray(2), 'utf-16le');
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = iconv.decode(bytes.subarray(2), 'utf-16be');
  } else {
    if (bytes.includes(0)) throw new DubanError('CORRUPT_WORKBOOK', 'CSV: NUL bytes, not text');
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    text =
      bom || looksUtf8(bytes)
        ? bytes.subarray(bom ? 3 : 0).toString('utf8')
        : iconv.decode(bytes, 'gb18030');
  }
  if (!isText(text)) throw new DubanError('CORRUPT_WORKBOOK', 'CSV: not decodable text');
  return text;
}

/** Valid UTF-8, allowing a character cut off at the very end (a truncated file). */
function looksUtf8(bytes: Buffer): boolean {
  if (isUtf8(bytes)) return true;
  for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
    const last = bytes[bytes.length - cut] as number;
    if (last < 0x80) return false;
    if (last >= 0xc0) return isUtf8(bytes.subarray(0, bytes.length - cut));
  }
  return false;
}

/**
 * Few enough replacement characters and control characters (other than tab, line breaks, form
 * feed and the DOS end-of-file mark) that the bytes are text with a stray bad byte, not binary.
 */
function isText(text: string): boolean {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 12 && c !== 13)) {
      if (c === 0) return false;
      if (c !== 0x1a) bad++;
    }
  }
  return bad <= Math.max(8, text.length / 200);
}

/**
 * The delimiter that splits the first records most consistently: Excel and LibreOffice pad every
 * row to the same width, so the right delimiter gives one field count again and again, while a
 * wrong one (a comma inside tab-separated text) gives scattered counts.
 */
function detectDelimiter(text: string): Delimiter {
  const sample = text.slice(0, SAMPLE_CHARS);
  let best: { delimiter: Delimiter; rows: number; width: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const widths: number[] = [];
    scanCsv(sample, delimiter, Infinity, {
      field() {},
      endRow(row, width) {
        widths.push(width);
        return row < SAMPLE_RECORDS;
      },
    });
    const tally = new Map<number, number>();
    for (const w of widths) if (w !== undefined && w > 1) tally.set(w, (tally.get(w) ?? 0) + 1);
    for (const [width, rows] of tally) {
      if (!best || rows > best.rows || (rows === best.rows && width > best.width)) {
        best = { delimiter, rows, width };
      }
    }
  }
  return best?.delimiter ?? ',';
}

interface CsvSink {
  /** A field that is not empty (rows and columns 1-based). */
  field(row: number, col: number, value: string): void;
  /** The end of a record and its number of fields; false stops the scan. */
  endRow?(row: number, width: number): boolean;
}

/**
 * Reads the records in order, telling `sink` of every non-empty field and the end of every
 * record. A field longer than `maxChars` is refused as soon as it is seen to be.
 */
function scanCsv(text: string, delimiter: Delimiter, maxChars: number, sink: CsvSink): void {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let row = 1;
  let col = 1;
  const check = (length: number): void => {
    if (length > maxChars) tooLarge(`CSV: a value of over ${maxChars} characters`);
  };
  while (i < n) {
    let value = '';
    if (text.charCodeAt(i) === QUOTE) {
      const parts: string[] = [];
      let length = 0;
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        const end = q < 0 ? n : q;
        length += end - j;
        check(length);
        parts.push(text.slice(j, end));
        if (q < 0) {
          i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          parts.push('"');
          length++;
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Text after the closing quote (`"a"b`): kept, as spreadsheet programs do.
      const end = fieldEnd(text, i, delim);
      if (end > i) {
        check(length + end - i);
        parts.push(text.slice(i, end));
      }
      i = end;
      value = parts.join('');
    } else {
      const end = fieldEnd(text, i, delim);
      check(end - i);
      if (end > i) value = text.slice(i, end);
      i = end;
    }
    if (value !== '') sink.field(row, col, value);
    const c = i < n ? text.charCodeAt(i) : -1;
    i++;
    if (c === delim) {
      col++;
      // A delimiter at the very end: one more, empty, field ending the record.
      if (i >= n) sink.endRow?.(row, col);
      continue;
    }
    if (sink.endRow && !sink.endRow(row, col)) return;
    if (c === CR && text.charCodeAt(i) === LF) i++;
    row++;
    col = 1;
  }
}

/** Index of the delimiter or line break ending the unquoted field that starts at `from`. */
function fieldEnd(text: string, from: number, delim: number): number {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === delim || c === LF || c === CR) return i;
    i++;
  }
  return n;
}
