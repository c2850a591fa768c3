/**
 * A Word document (.docx) read straight from its XML into the Grid the sheet parser reads, so the
 * notice's own 问题清单 — title paragraphs, 填报单位 / 填报时间 lines, then the nine-column table
 * with its vertically merged cells — is read exactly like the same sheet in an .xlsx.
 *
 * The layout, on one visible sheet:
 *  - a one-column top-level table is taken for a layout frame: its cells read as body text and
 *    the tables inside it as tables (forms are often drawn inside such a frame);
 *  - body paragraphs become rows with their text in column 1 (empty paragraphs are left out);
 *    above the first table only the last TITLE_LINES of them are kept, so a whole notice pasted
 *    above the table still leaves its header within the parser's 20-row search;
 *  - each table row is a grid row, each cell at its grid column (w:gridBefore skipped); w:gridSpan
 *    is a horizontal merge, a w:vMerge continue cell belongs to the merge started above it (as in
 *    the .xlsx reader: one MergeRange, the covered cells absent);
 *  - the tables follow one another with an empty row after each, so a table continued on the next
 *    page (the notice's second page repeats the header) reads as one table; a table that starts
 *    past row TITLE_LINES also gets a hidden sheet of its own that starts just above it (see
 *    laterTables), in case it is the issue table after another table or a long text;
 *  - a cell's paragraphs are joined with "\n", w:br / w:cr are "\n", w:tab a tab; deleted text
 *    (w:del, w:moveFrom) is dropped, inserted text kept; content controls are read through; of a
 *    field only its result shows; a nested table's paragraphs become lines of the outer cell;
 *    drawings, text boxes and the fallback half of mc:AlternateContent are skipped.
 */
import { DubanError } from '../../errors';
import type { Grid, GridCell, GridSheet, MergeRange } from '../../domain/sheet/grid';
import type { GuardLimits } from '../excel/guard-limits';
import { NotForXmlReader, attributes, decodeText, scan } from '../excel/xml-scan';
import { corrupt, mainPartLimit, openOfficePackage, rootNamespaces } from './office-package';

/** The name of the one sheet a Word document becomes. */
export const DOCX_SHEET_NAME = '表格';
/** Body paragraphs kept above the first table (the ones nearest to it). */
const TITLE_LINES = 10;
/** Excel's column limit; a wider Word table is refused rather than indexed. */
const MAX_COLUMNS = 16_384;

const W_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main',
]);

/** Elements whose content is not the document's visible text (or is an older version of it). */
const SKIPPED = new Set([
  'del',
  'moveFrom',
  'delText',
  'instrText',
  'delInstrText',
  'drawing',
  'pict',
  'object',
  'txbxContent',
  'rt',
  'fldData',
  'sdtPr',
  'sdtEndPr',
]);

function skipped(name: string): boolean {
  return (
    SKIPPED.has(name) ||
    name.endsWith('PrChange') ||
    name === 'tblGridChange' ||
    name.endsWith(':Fallback')
  );
}

export async function readDocxGrid(bytes: Buffer, limits: GuardLimits): Promise<Grid> {
  const pkg = await openOfficePackage(bytes, limits);
  const path = mainDocumentPath(pkg.xml('_rels/.rels'));
  const xml =
    pkg.xml(path, mainPartLimit(limits)) ??
    (path !== 'word/document.xml' ? pkg.xml('word/document.xml', mainPartLimit(limits)) : null);
  if (xml === null) throw new DubanError('CORRUPT_WORKBOOK', 'no main document part');
  try {
    return { sheets: readDocument(xml, limits), date1904: false };
  } catch (err) {
    if (err instanceof NotForXmlReader) throw corrupt(path, err);
    throw err;
  }
}

/** The target of the package's officeDocument relationship (word/document.xml by default). */
function mainDocumentPath(rels: string | null): string {
  let found: string | null = null;
  if (rels !== null) {
    try {
      scan(rels, [], {
        open(name, raw) {
          if (found !== null || !/(?:^|:)Relationship$/.test(name)) return;
          const a = attributes(raw);
          if (/\/officeDocument$/.test(a.get('Type') ?? '')) found = a.get('Target') ?? null;
        },
        close() {},
        text() {},
      });
    } catch (err) {
      if (err instanceof NotForXmlReader) throw corrupt('_rels/.rels', err);
      throw err;
    }
  }
  return (found ?? 'word/document.xml').replace(/^\/+/, '');
}

interface CellDraft {
  col: number;
  span: number;
  vMerge: 'restart' | 'continue' | null;
  hMergeContinue: boolean;
  lines: string[];
}

interface RowDraft {
  col: number;
  deleted: boolean;
  cells: CellDraft[];
}

class SheetBuilder {
  readonly cells: GridCell[] = [];
  readonly merges: MergeRange[] = [];
  nextRow = 1;
  /** Where the text since the last table starts (1 before any table). */
  textFrom = 1;
  /** Each table's first row, and where the text lines above it start. */
  readonly tableStarts: Array<{ row: number; textFrom: number }> = [];

  constructor(private readonly limits: GuardLimits) {}

  takeRow(): number {
    const row = this.nextRow++;
    if (row > this.limits.maxRowsPerSheet) {
      throw new DubanError('WORKBOOK_TOO_LARGE', `over ${this.limits.maxRowsPerSheet} rows`);
    }
    return row;
  }

  text(row: number, col: number, text: string): void {
    if (text.trim() === '') return;
    if (this.cells.length >= this.limits.maxCellsPerSheet) {
      throw new DubanError('WORKBOOK_TOO_LARGE', `over ${this.limits.maxCellsPerSheet} cells`);
    }
    this.cells.push({ row, col, value: { kind: 'text', text } });
  }

  paragraph(text: string): void {
    this.text(this.takeRow(), 1, text);
  }
}

/** The vertical merges still open in the table being read, by their left column. */
type OpenMerges = Map<number, MergeRange>;

function readDocument(xml: string, limits: GuardLimits): GridSheet[] {
  const namespaces = rootNamespaces(xml);
  const bound = [...namespaces].filter(([, uri]) => W_NAMESPACES.has(uri)).map(([p]) => p);
  // A document that never declares Word's namespace: read the usual prefix.
  const prefixes = bound.length > 0 ? bound : ['w'];
  const sheet = new SheetBuilder(limits);
  const stack: string[] = [];
  let skipFrom = -1;
  let tables = 0;
  let tablesSeen = 0;
  let before: string[] = [];
  let row: RowDraft | null = null;
  let cell: CellDraft | null = null;
  let inTcPr = false;
  let inTrPr = false;
  let runs = 0;
  let inText = false;
  const paragraphs: string[] = [];
  const open: OpenMerges = new Map();
  // Tables at the top level are 'pending' until their grid is known: a one-column table is a
  // layout frame around the content (its cells read as body text, its inner tables as tables).
  const kinds: Array<'pending' | 'frame' | 'table'> = [];
  let gridCols = 0;
  const decide = (kind: 'frame' | 'table'): void => {
    kinds[kinds.length - 1] = kind;
    if (kind === 'frame') return;
    tables++;
    sheet.tableStarts.push({ row: sheet.nextRow, textFrom: sheet.textFrom });
    if (tablesSeen++ === 0) {
      for (const text of before.slice(-TITLE_LINES)) sheet.paragraph(text);
      before = [];
    }
    open.clear();
  };

  const add = (s: string): void => {
    const last = paragraphs.length - 1;
    if (last >= 0) paragraphs[last] += s;
  };
  const endParagraph = (text: string): void => {
    if (tables === 0) {
      if (text.trim() === '') return;
      if (tablesSeen === 0) {
        before.push(text);
        if (before.length > TITLE_LINES * 2) before = before.slice(-TITLE_LINES);
      } else sheet.paragraph(text);
    } else if (cell) cell.lines.push(text);
  };

  scan(xml, prefixes, {
    open(name, raw, selfClosing) {
      stack.push(name);
      if (skipFrom >= 0) return;
      if (row && inTrPr && tables === 1 && name === 'del') row.deleted = true;
      if (skipped(name)) {
        if (!selfClosing) skipFrom = stack.length;
        return;
      }
      switch (name) {
        case 'p':
          paragraphs.push('');
          return;
        case 'r':
          runs++;
          return;
        case 't':
          if (runs > 0) inText = true;
          return;
        case 'tab':
        case 'ptab':
          if (runs > 0) add('\t');
          return;
        case 'br':
        case 'cr':
          if (runs > 0) add('\n');
          return;
        case 'noBreakHyphen':
          if (runs > 0) add('-');
          return;
        case 'tbl':
          if (tables === 0) {
            kinds.push('pending');
            gridCols = 0;
          } else {
            kinds.push('table');
            tables++;
          }
          return;
        case 'gridCol':
          if (kinds[kinds.length - 1] === 'pending') gridCols++;
          return;
        case 'tr':
          if (kinds[kinds.length - 1] === 'pending') decide('table');
          if (tables === 1) row = { col: 1, deleted: false, cells: [] };
          return;
        case 'tc':
          if (tables === 1 && row) {
            cell = { col: row.col, span: 1, vMerge: null, hMergeContinue: false, lines: [] };
          }
          return;
        case 'tcPr':
          if (tables === 1) inTcPr = true;
          return;
        case 'trPr':
          if (tables === 1) inTrPr = true;
          return;
      }
      if (tables !== 1) return;
      if (inTcPr && cell) {
        if (name === 'gridSpan') cell.span = count(attributes(raw), prefixes);
        else if (name === 'vMerge')
          cell.vMerge = val(attributes(raw), prefixes) === 'restart' ? 'restart' : 'continue';
        else if (name === 'hMerge')
          cell.hMergeContinue = val(attributes(raw), prefixes) !== 'restart';
      } else if (inTrPr && row && name === 'gridBefore') {
        row.col += count(attributes(raw), prefixes, 0);
      }
    },
    close(name) {
      const opened = stack.pop();
      if (opened !== name) throw new NotForXmlReader(`</${name}> closes <${opened ?? ''}>`);
      if (skipFrom >= 0) {
        if (stack.length < skipFrom) skipFrom = -1;
        return;
      }
      switch (name) {
        case 'p':
          endParagraph(paragraphs.pop() ?? '');
          return;
        case 'r':
          runs--;
          return;
        case 't':
          inText = false;
          return;
        case 'tcPr':
          if (tables === 1) inTcPr = false;
          return;
        case 'trPr':
          if (tables === 1) inTrPr = false;
          return;
        case 'tc':
          if (tables === 1 && row && cell) {
            row.col = placeCell(row, cell);
            cell = null;
          }
          return;
        case 'tr':
          if (tables === 1 && row) {
            if (!row.deleted) emitRow(sheet, row, open);
            row = null;
          }
          return;
        case 'tblGrid':
          if (kinds[kinds.length - 1] === 'pending') decide(gridCols === 1 ? 'frame' : 'table');
          return;
        case 'tbl':
          if (kinds.pop() === 'table' && --tables === 0) {
            closeAll(sheet, open);
            sheet.nextRow++;
            sheet.textFrom = sheet.nextRow;
          }
          return;
      }
    },
    text(raw) {
      if (inText && skipFrom < 0) add(decodeText(raw));
    },
  });
  if (stack.length > 0) throw new NotForXmlReader('truncated document');
  if (tablesSeen === 0) for (const text of before.slice(-TITLE_LINES)) sheet.paragraph(text);
  return [
    { name: DOCX_SHEET_NAME, hidden: false, cells: sheet.cells, merges: sheet.merges },
    ...laterTables(sheet, limits),
  ];
}

/** Extra sheets that start at a later table: at most this many. */
const MAX_TABLE_VIEWS = 20;

/**
 * The parser looks for the header in a sheet's first 20 rows. A table that starts further down
 * (after a long table, or after much text between tables) gets a hidden sheet of its own, from
 * the text lines just above it to the end of the document: the visible sheet wins whenever its
 * header is found, the hidden one is read only when it is not. Bounded by the cell limit.
 */
function laterTables(sheet: SheetBuilder, limits: GuardLimits): GridSheet[] {
  const views: GridSheet[] = [];
  let budget = limits.maxCellsPerSheet;
  for (const [i, start] of sheet.tableStarts.entries()) {
    if (start.row <= TITLE_LINES || views.length >= MAX_TABLE_VIEWS) continue;
    const from = Math.max(start.textFrom, start.row - TITLE_LINES);
    const shift = from - 1;
    const cells = sheet.cells
      .filter((c) => c.row >= from)
      .map((c) => ({ row: c.row - shift, col: c.col, value: c.value }));
    budget -= cells.length;
    if (budget < 0) break;
    const merges = sheet.merges
      .filter((m) => m.top >= from)
      .map((m) => ({ ...m, top: m.top - shift, bottom: m.bottom - shift }));
    views.push({ name: `${DOCX_SHEET_NAME}${i + 1}`, hidden: true, cells, merges });
  }
  return views;
}

/** The attribute w:val (any prefix bound to Word's namespace, or none). */
function val(a: Map<string, string>, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) {
    const v = a.get(p === '' ? 'val' : `${p}:val`);
    if (v !== undefined) return v;
  }
  return a.get('val');
}

function count(a: Map<string, string>, prefixes: readonly string[], min = 1): number {
  const n = parseInt(val(a, prefixes) ?? '', 10);
  return Number.isFinite(n) && n >= min ? Math.min(n, MAX_COLUMNS + 1) : min;
}

/** Adds the cell to its row; returns the grid column after it. */
function placeCell(row: RowDraft, cell: CellDraft): number {
  const prev = row.cells[row.cells.length - 1];
  if (cell.hMergeContinue && prev) {
    // Legacy horizontal merge: this cell widens the one before it.
    prev.span += cell.span;
  } else {
    row.cells.push(cell);
  }
  return cell.col + cell.span;
}

function emitRow(sheet: SheetBuilder, row: RowDraft, open: OpenMerges): void {
  const r = sheet.takeRow();
  const continued = new Set<number>();
  for (const cell of row.cells) {
    const right = cell.col + cell.span - 1;
    if (right > MAX_COLUMNS) {
      throw new DubanError('WORKBOOK_TOO_LARGE', `a table wider than ${MAX_COLUMNS} columns`);
    }
    if (cell.vMerge === 'continue') {
      const above = open.get(cell.col);
      if (above && above.right === right) {
        above.bottom = r;
        continued.add(cell.col);
        continue;
      }
    }
    sheet.text(r, cell.col, cell.lines.join('\n'));
    const range = { top: r, left: cell.col, bottom: r, right };
    if (cell.vMerge !== null) {
      closeAt(sheet, open, cell.col);
      open.set(cell.col, range);
      continued.add(cell.col);
    } else if (right > cell.col) {
      sheet.merges.push(range);
    }
  }
  for (const col of [...open.keys()]) if (!continued.has(col)) closeAt(sheet, open, col);
}

function closeAt(sheet: SheetBuilder, open: OpenMerges, col: number): void {
  const m = open.get(col);
  if (!m) return;
  open.delete(col);
  if (m.bottom > m.top || m.right > m.left) sheet.merges.push(m);
}

function closeAll(sheet: SheetBuilder, open: OpenMerges): void {
  for (const col of [...open.keys()]) closeAt(sheet, open, col);
}
