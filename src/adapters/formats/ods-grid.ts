/**
 * An OpenDocument spreadsheet (.ods) read straight from its content.xml into the Grid the sheet
 * parser reads: each table:table a sheet (hidden when its table style says display="false"),
 * merges from number-columns-spanned / number-rows-spanned (covered cells skipped), values by
 * office:value-type (float, percentage and currency as numbers, a date as its calendar date,
 * booleans, everything else as the text of its paragraphs).
 *
 * Repeats are where an .ods can lie: LibreOffice itself writes a million empty rows as one
 * element with number-rows-repeated, so empty repeated cells and rows cost nothing here, and a
 * repeated cell or row that holds something is materialised only within the sheet limits (rows,
 * cells, 16 384 columns); past them the file is refused (WORKBOOK_TOO_LARGE) before anything is
 * built.
 */
import { DubanError } from '../../errors';
import type { CellValue, Grid, GridSheet, MergeRange } from '../../domain/sheet/grid';
import type { GuardLimits } from '../excel/guard-limits';
import { NotForXmlReader, attributes, decodeText, scan } from '../excel/xml-scan';
import { corrupt, mainPartLimit, openOfficePackage, rootNamespaces } from './office-package';

const MAX_COLUMNS = 16_384;

/** The namespaces read here, by the prefix ODF documents conventionally give them. */
const NAMESPACES: Record<string, string> = {
  'urn:oasis:names:tc:opendocument:xmlns:office:1.0': 'office',
  'urn:oasis:names:tc:opendocument:xmlns:table:1.0': 'table',
  'urn:oasis:names:tc:opendocument:xmlns:text:1.0': 'text',
  'urn:oasis:names:tc:opendocument:xmlns:style:1.0': 'style',
  'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0': 'draw',
  'urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0': 'calcext',
};

/** Content of a cell that is not its value: comments, footnotes, drawings. */
const SKIPPED = new Set(['office:annotation', 'text:note', 'text:ruby-text']);

export async function readOdsGrid(bytes: Buffer, limits: GuardLimits): Promise<Grid> {
  const pkg = await openOfficePackage(bytes, limits);
  const xml = pkg.xml('content.xml', mainPartLimit(limits));
  if (xml === null) throw new DubanError('CORRUPT_WORKBOOK', 'no content.xml part');
  try {
    return { sheets: readContent(xml, limits), date1904: false };
  } catch (err) {
    if (err instanceof NotForXmlReader) throw corrupt('content.xml', err);
    throw err;
  }
}

/** Qualified names rewritten to the conventional prefixes, whatever prefixes the file binds. */
class Names {
  private readonly canonical = new Map<string, string>();
  private readonly actual = new Map<string, string[]>();
  private readonly cache = new Map<string, string>();

  constructor(namespaces: Map<string, string>) {
    for (const [prefix, uri] of namespaces) {
      const name = NAMESPACES[uri];
      if (name === undefined || prefix === '') continue;
      this.canonical.set(prefix, name);
      this.actual.set(name, [...(this.actual.get(name) ?? []), prefix]);
    }
    // Files that never declare them: the conventional prefixes.
    for (const name of Object.values(NAMESPACES)) {
      if (!this.actual.has(name)) {
        this.actual.set(name, [name]);
        this.canonical.set(name, name);
      }
    }
  }

  element(qname: string): string {
    let out = this.cache.get(qname);
    if (out === undefined) {
      const colon = qname.indexOf(':');
      const mapped = colon < 0 ? undefined : this.canonical.get(qname.slice(0, colon));
      out = mapped === undefined ? qname : `${mapped}${qname.slice(colon)}`;
      this.cache.set(qname, out);
    }
    return out;
  }

  attr(a: Map<string, string>, ns: string, local: string): string | undefined {
    for (const prefix of this.actual.get(ns) ?? []) {
      const v = a.get(`${prefix}:${local}`);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

interface CellDraft {
  col: number;
  value: CellValue | null;
  colsSpanned: number;
  rowsSpanned: number;
}

interface OpenCell {
  attrs: Map<string, string>;
  repeat: number;
  covered: boolean;
  lines: string[];
}

function positive(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function readContent(xml: string, limits: GuardLimits): GridSheet[] {
  const names = new Names(rootNamespaces(xml));
  const sheets: GridSheet[] = [];
  const hiddenStyles = new Set<string>();
  const stack: string[] = [];
  let skipFrom = -1;
  let styleName: string | null = null;
  let sheet: GridSheet | null = null;
  let rowIndex = 1;
  let rowRepeat = 1;
  let col = 1;
  let rowCells: CellDraft[] | null = null;
  let cell: OpenCell | null = null;
  let paragraph: string | null = null;
  let paragraphDepth = 0;

  const tooLarge = (what: string): never => {
    throw new DubanError('WORKBOOK_TOO_LARGE', `${sheet?.name ?? 'a sheet'}: ${what}`);
  };

  const endCell = (c: OpenCell): void => {
    const span = positive(names.attr(c.attrs, 'table', 'number-columns-spanned'));
    const rows = positive(names.attr(c.attrs, 'table', 'number-rows-spanned'));
    const value = c.covered ? null : valueOf(c, names);
    if ((value !== null || span > 1 || rows > 1) && !c.covered && rowCells) {
      if (col + c.repeat - 1 > MAX_COLUMNS) tooLarge(`a cell repeated past column ${MAX_COLUMNS}`);
      if (rowCells.length + c.repeat > limits.maxCellsPerSheet) tooLarge('too many cells');
      for (let k = 0; k < c.repeat; k++) {
        rowCells.push({ col: col + k, value, colsSpanned: span, rowsSpanned: rows });
      }
    }
    col += c.repeat;
  };

  const endRow = (): void => {
    if (!sheet || !rowCells) return;
    if (rowCells.length > 0) {
      const last = rowIndex + rowRepeat - 1;
      if (last > limits.maxRowsPerSheet) tooLarge(`over ${limits.maxRowsPerSheet} rows`);
      if (sheet.cells.length + rowCells.length * rowRepeat > limits.maxCellsPerSheet) {
        tooLarge(`over ${limits.maxCellsPerSheet} cells`);
      }
      for (let r = rowIndex; r <= last; r++) {
        for (const d of rowCells) {
          if (d.value !== null) sheet.cells.push({ row: r, col: d.col, value: d.value });
          if (d.colsSpanned > 1 || d.rowsSpanned > 1) {
            const m: MergeRange = {
              top: r,
              left: d.col,
              bottom: r + d.rowsSpanned - 1,
              right: d.col + d.colsSpanned - 1,
            };
            sheet.merges.push(m);
          }
        }
      }
    }
    rowIndex += rowRepeat;
    rowCells = null;
  };

  scan(xml, [], {
    open(qname, raw, selfClosing) {
      const name = names.element(qname);
      stack.push(name);
      if (skipFrom >= 0) return;
      if (SKIPPED.has(name) || name.startsWith('draw:') || (sheet && name === 'table:table')) {
        if (!selfClosing) skipFrom = stack.length;
        return;
      }
      if (cell) {
        if (name === 'text:p' || name === 'text:h') {
          if (paragraphDepth++ === 0) paragraph = '';
        } else if (paragraph !== null) {
          if (name === 'text:s')
            paragraph += ' '.repeat(
              Math.min(positive(names.attr(attributes(raw), 'text', 'c')), 1000),
            );
          else if (name === 'text:tab') paragraph += '\t';
          else if (name === 'text:line-break') paragraph += '\n';
        }
        return;
      }
      switch (name) {
        case 'style:style': {
          const a = attributes(raw);
          styleName =
            names.attr(a, 'style', 'family') === 'table'
              ? (names.attr(a, 'style', 'name') ?? null)
              : null;
          return;
        }
        case 'style:table-properties':
          if (styleName !== null && names.attr(attributes(raw), 'table', 'display') === 'false')
            hiddenStyles.add(styleName);
          return;
        case 'table:table': {
          const a = attributes(raw);
          const style = names.attr(a, 'table', 'style-name');
          sheet = {
            name: names.attr(a, 'table', 'name') ?? `Sheet${sheets.length + 1}`,
            hidden: style !== undefined && hiddenStyles.has(style),
            cells: [],
            merges: [],
          };
          sheets.push(sheet);
          rowIndex = 1;
          return;
        }
        case 'table:table-row':
          if (!sheet) return;
          rowRepeat = positive(names.attr(attributes(raw), 'table', 'number-rows-repeated'));
          rowCells = [];
          col = 1;
          return;
        case 'table:table-cell':
        case 'table:covered-table-cell': {
          if (!rowCells) return;
          const attrs = attributes(raw);
          const c: OpenCell = {
            attrs,
            repeat: positive(names.attr(attrs, 'table', 'number-columns-repeated')),
            covered: name === 'table:covered-table-cell',
            lines: [],
          };
          // A self-closing cell ends at once (the scanner calls close right after).
          cell = c;
          return;
        }
      }
    },
    close(qname) {
      const name = names.element(qname);
      const opened = stack.pop();
      if (opened !== name) throw new NotForXmlReader(`</${qname}> closes another element`);
      if (skipFrom >= 0) {
        if (stack.length < skipFrom) skipFrom = -1;
        return;
      }
      if (cell && (name === 'text:p' || name === 'text:h')) {
        if (--paragraphDepth === 0 && paragraph !== null) {
          cell.lines.push(paragraph);
          paragraph = null;
        }
        return;
      }
      switch (name) {
        case 'style:style':
          styleName = null;
          return;
        case 'table:table-cell':
        case 'table:covered-table-cell':
          if (cell) {
            endCell(cell);
            cell = null;
          }
          return;
        case 'table:table-row':
          endRow();
          return;
        case 'table:table':
          sheet = null;
          return;
      }
    },
    text(raw) {
      if (paragraph !== null && skipFrom < 0) {
        // Line ends and tabs in the XML are layout (a line end in the cell is text:line-break, a
        // tab text:tab); spaces are kept as written (LibreOffice writes two spaces literally).
        paragraph += decodeText(raw.replace(/[ \t]*[\r\n][ \t\r\n]*|\t/g, ' '));
      }
    },
  });
  if (stack.length > 0) throw new NotForXmlReader('truncated content.xml');
  return sheets;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

function valueOf(c: OpenCell, names: Names): CellValue | null {
  const type =
    names.attr(c.attrs, 'office', 'value-type') ?? names.attr(c.attrs, 'calcext', 'value-type');
  const text =
    c.lines.length > 0 ? c.lines.join('\n') : names.attr(c.attrs, 'office', 'string-value');
  switch (type) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const raw = names.attr(c.attrs, 'office', 'value');
      const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
      if (Number.isFinite(n)) return { kind: 'number', value: n };
      break;
    }
    case 'date': {
      const m = DATE.exec(names.attr(c.attrs, 'office', 'date-value') ?? '');
      if (m) return { kind: 'date', iso: `${m[1]}-${m[2]}-${m[3]}` };
      break;
    }
    case 'boolean': {
      const raw = names.attr(c.attrs, 'office', 'boolean-value');
      if (raw === 'true' || raw === 'false') return { kind: 'bool', value: raw === 'true' };
      break;
    }
  }
  return text === undefined || text.trim() === '' ? null : { kind: 'text', text };
}
