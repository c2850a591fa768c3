/**
 * HTML tables read into the Grid, one sheet per <table> in document order, so the issue-sheet
 * parser reads them exactly as it reads an .xlsx (it picks the sheet with the header). Covers what
 * Excel and LibreOffice "save as web page", WPS, an OA system's "报表.xls" that is really HTML, and
 * a spreadsheet range pasted into a mail by Outlook, Foxmail or WPS produce:
 * - <td>/<th> with rowspan/colspan become merge ranges whose covered cells are absent, as in an
 *   .xlsx; a rowspan past the table's last row is cut there (as browsers do); Excel's overflow
 *   colspan (style mso-ignore:colspan) only moves the cells after it.
 * - Cell text: tags inside a cell (<span>, <font>, <o:p>, <b>, …) are dropped; <br> is a line
 *   break; <p>/<div>/<li> (Word-made HTML puts each line of a cell in its own <p>) start a new line;
 *   whitespace collapses as a browser shows it, a source line break between two CJK characters
 *   disappearing (Excel wraps long lines of its HTML source inside Chinese text); entities and
 *   &nbsp; are decoded; each line is trimmed.
 * - Comments, conditional comments (<!--[if gte mso 9]>…<![endif]-->, <![if …]>), <style>,
 *   <script>, <title>, <xml> content are ignored; text outside cells is ignored.
 * - A table inside a cell is a sheet of its own (a pasted range inside a mail client's layout
 *   table must stay a table); its text is not part of the outer cell.
 * No HTML library: a small tolerant tokenizer, linear in the input (every search moves forward;
 * an unclosed comment, quote or <script> runs to the end of the input), with a stack only for
 * nested tables. Limits: TEXT_TABLE_LIMITS (refused with WORKBOOK_TOO_LARGE).
 */
import type { Grid, GridCell, GridSheet, MergeRange } from '../../domain/sheet/grid';
import { decodeEntities } from './html-entities';
import { TEXT_TABLE_LIMITS, tooLarge, type TextTableLimits } from './text-table-limits';

export { decodeHtmlBytes } from './html-charset';

/** Elements whose content is not text of the page. */
const SKIPPED = new Set([
  'script',
  'style',
  'title',
  'textarea',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'template',
  'xml',
  'svg',
  'math',
]);

/** Elements that start a new line inside a cell. */
const BLOCK = new Set([
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'hr',
  'address',
  'section',
  'article',
  'header',
  'footer',
  'table',
]);

/** Markers in a cell's raw text, resolved when the cell ends (control characters never kept). */
const HARD_BREAK = '\u0001';
const SOFT_BREAK = '\u0002';

interface Cell {
  row: number;
  col: number;
  parts: string[];
  /** Characters in `parts`, and in the source they were decoded from. */
  length: number;
  rawLength: number;
}

/** How much longer than the cell limit a cell's source (entities, tags left out) may be. */
const RAW_FACTOR = 8;

interface Table {
  sheet: GridSheet;
  /** Current row (0 before the first). */
  row: number;
  /** Next column to fill in the current row. */
  col: number;
  inRow: boolean;
  cell: Cell | null;
  /** Per column: the last row covered by a rowspan from above. */
  coveredUntil: number[];
}

export function readHtmlGrid(html: string, limits: TextTableLimits = TEXT_TABLE_LIMITS): Grid {
  const reader = new TableReader(limits);
  tokenize(html, reader);
  return { sheets: reader.finish(), date1904: false };
}

interface TokenSink {
  /** Whether the attributes of this start tag are wanted (the others are skipped unread). */
  wantsAttributes(name: string): boolean;
  text(raw: string): void;
  open(name: string, attrs: ReadonlyMap<string, string>): void;
  close(name: string): void;
}

class TableReader implements TokenSink {
  private readonly sheets: GridSheet[] = [];
  private readonly stack: Table[] = [];
  private cellCount = 0;

  constructor(private readonly limits: TextTableLimits) {}

  private get table(): Table | undefined {
    return this.stack[this.stack.length - 1];
  }

  wantsAttributes(name: string): boolean {
    return name === 'td' || name === 'th';
  }

  text(raw: string): void {
    const cell = this.table?.cell;
    if (!cell) return;
    // Entities only shorten text, but the source of one cell is bounded before decoding it.
    cell.rawLength += raw.length;
    if (cell.rawLength > RAW_FACTOR * this.limits.maxCellChars) {
      tooLarge(
        `HTML: a cell whose source is over ${RAW_FACTOR * this.limits.maxCellChars} characters`,
      );
    }
    // Control characters are not text in HTML; dropping them keeps the markers unambiguous.
    // eslint-disable-next-line no-control-regex
    this.append(cell, decodeEntities(raw).replace(/[\u0000-\u0008\u000b\u000e-\u001f]/g, ''));
  }

  open(name: string, attrs: ReadonlyMap<string, string>): void {
    if (name === 'table') return this.openTable();
    const table = this.table;
    if (!table) return;
    switch (name) {
      case 'tr':
        this.endRow(table);
        table.row++;
        table.col = 1;
        table.inRow = true;
        return;
      case 'td':
      case 'th':
        return this.openCell(table, attrs);
      case 'thead':
      case 'tbody':
      case 'tfoot':
        this.endRow(table);
        return;
      case 'br':
        if (table.cell) this.append(table.cell, HARD_BREAK);
        return;
      default:
        if (table.cell && BLOCK.has(name)) this.append(table.cell, SOFT_BREAK);
    }
  }

  close(name: string): void {
    const table = this.table;
    if (!table) return;
    switch (name) {
      case 'table':
        return this.closeTable();
      case 'tr':
      case 'thead':
      case 'tbody':
      case 'tfoot':
        return this.endRow(table);
      case 'td':
      case 'th':
        return this.endCell(table);
      case 'br':
        // </br> is read as <br> by browsers.
        if (table.cell) this.append(table.cell, HARD_BREAK);
        return;
      default:
        if (table.cell && BLOCK.has(name)) this.append(table.cell, SOFT_BREAK);
    }
  }

  finish(): GridSheet[] {
    while (this.stack.length > 0) this.closeTable();
    return this.sheets.filter((s) => s.cells.length > 0 || s.merges.length > 0);
  }

  private openTable(): void {
    const outer = this.table;
    if (outer?.cell) this.append(outer.cell, SOFT_BREAK);
    if (this.sheets.length >= this.limits.maxTables) {
      tooLarge(`HTML: over ${this.limits.maxTables} tables`);
    }
    if (this.stack.length >= this.limits.maxTableDepth) {
      tooLarge(`HTML: tables nested over ${this.limits.maxTableDepth} deep`);
    }
    const sheet: GridSheet = {
      name: `Table ${this.sheets.length + 1}`,
      hidden: false,
      cells: [],
      merges: [],
    };
    this.sheets.push(sheet);
    this.stack.push({ sheet, row: 0, col: 1, inRow: false, cell: null, coveredUntil: [] });
  }

  private closeTable(): void {
    const table = this.stack.pop();
    if (!table) return;
    this.endRow(table);
    // A rowspan reaching past the last row ends at the last row.
    const last = Math.max(table.row, 1);
    for (const m of table.sheet.merges) if (m.bottom > last) m.bottom = Math.max(m.top, last);
    table.sheet.merges = table.sheet.merges.filter((m) => m.bottom > m.top || m.right > m.left);
  }

  private endRow(table: Table): void {
    this.endCell(table);
    table.inRow = false;
  }

  private openCell(table: Table, attrs: ReadonlyMap<string, string>): void {
    this.endCell(table);
    if (!table.inRow) {
      // A cell with no <tr> before it starts a row.
      table.row++;
      table.col = 1;
      table.inRow = true;
    }
    const { maxCols, maxRows } = this.limits;
    const row = table.row;
    let col = table.col;
    while (col <= maxCols && (table.coveredUntil[col] ?? 0) >= row) col++;
    let colspan = attrs.size > 0 ? span(attrs.get('colspan'), 1000) : 1;
    const rowspan = attrs.size > 0 ? span(attrs.get('rowspan'), 65534, true) : 1;
    // A colspan running into a slot a rowspan covers stops before it (no overlapping merges).
    for (let k = 1; k < colspan; k++) {
      if (col + k > maxCols || (table.coveredUntil[col + k] ?? 0) >= row) {
        colspan = col + k > maxCols ? colspan : k;
        break;
      }
    }
    table.col = col + colspan;
    if (col > maxCols || row > maxRows) {
      // Outside the limits: nothing is kept, but a value there refuses the file (endCell).
      table.cell = { row, col, parts: [], length: 0, rawLength: 0 };
      return;
    }
    const right = Math.min(col + colspan - 1, maxCols);
    const bottom = Math.min(row + rowspan - 1, maxRows);
    if (bottom > row) for (let c = col; c <= right; c++) table.coveredUntil[c] = bottom;
    // Excel writes text overflowing into empty neighbours as colspan + mso-ignore:colspan: the
    // cells keep their places, but they are not merged.
    const overflow = /mso-ignore\s*:\s*colspan/i.test(attrs.get('style') ?? '');
    if ((right > col && !overflow) || bottom > row) {
      const merge: MergeRange = { top: row, left: col, bottom, right: overflow ? col : right };
      table.sheet.merges.push(merge);
    }
    table.cell = { row, col, parts: [], length: 0, rawLength: 0 };
  }

  private endCell(table: Table): void {
    const cell = table.cell;
    if (!cell) return;
    table.cell = null;
    if (cell.parts.length === 0) return;
    const text = cellText(cell.parts.join(''));
    if (text === '') return;
    const { maxCols, maxRows, maxCells } = this.limits;
    if (cell.row > maxRows) tooLarge(`HTML: a value in row ${cell.row}, over ${maxRows} rows`);
    if (cell.col > maxCols) tooLarge(`HTML: a value in column ${cell.col}, over ${maxCols}`);
    if (++this.cellCount > maxCells) tooLarge(`HTML: over ${maxCells} cells`);
    const gridCell: GridCell = { row: cell.row, col: cell.col, value: { kind: 'text', text } };
    table.sheet.cells.push(gridCell);
  }

  private append(cell: Cell, text: string): void {
    // Breaks in a row (a thousand nested <div>s) mean no more than one.
    if (text === SOFT_BREAK && cell.parts[cell.parts.length - 1] === SOFT_BREAK) return;
    cell.length += text.length;
    if (cell.length > this.limits.maxCellChars) {
      tooLarge(`HTML: a cell of over ${this.limits.maxCellChars} characters`);
    }
    cell.parts.push(text);
  }
}

/** rowspan/colspan as browsers read them: leading digits, at least 1, at most `max`. */
function span(raw: string | undefined, max: number, zeroMeansAll = false): number {
  const m = /^\s*(\d+)/.exec(raw ?? '');
  if (!m) return 1;
  const n = Number(m[1]);
  // rowspan="0" spans to the end of the table.
  if (n === 0) return zeroMeansAll ? max : 1;
  return Math.min(n, max);
}

/** East Asian wide characters: CJK ideographs (all planes), kana, Hangul, CJK and full-width punctuation. */
function isWide(code: number | undefined): boolean {
  if (code === undefined) return false;
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** The code point that ends just before index `at` (a surrogate pair read whole). */
function codePointBefore(text: string, at: number): number | undefined {
  const low = text.charCodeAt(at - 1);
  if (low >= 0xdc00 && low <= 0xdfff && at >= 2) return text.codePointAt(at - 2);
  return text.codePointAt(at - 1);
}

/** The text a cell shows, from its raw text with break markers. */
function cellText(raw: string): string {
  // Collapsible whitespace becomes one space, except a line break between two CJK characters,
  // which disappears (CSS Text's segment break rule; Excel wraps its source inside Chinese text).
  let text = raw.replace(/[ \t\n\r\f]+/g, (run: string, at: number, all: string) => {
    if (!/[\n\r]/.test(run)) return ' ';
    const wide = isWide(codePointBefore(all, at)) && isWide(all.codePointAt(at + run.length));
    return wide ? '' : ' ';
  });
  // A run of breaks (with spaces between): as many line breaks as <br>s, at least one.
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0001\u0002](?:[ \u00a0]*[\u0001\u0002])*/g, (run: string) => {
    const hard = run.split(HARD_BREAK).length - 1;
    return '\n'.repeat(Math.max(1, hard));
  });
  return text
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

// --- tokenizer -------------------------------------------------------------------------------

/**
 * Feeds `sink` the document's text runs, start tags (lower-cased names; attributes only for the
 * tags the sink asks for) and end tags. Comments, doctype, processing instructions and the
 * content of SKIPPED elements are dropped. A '<' that starts no tag is text.
 */
function tokenize(html: string, sink: TokenSink): void {
  const n = html.length;
  let textStart = 0;
  let pos = 0;
  while (pos < n) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    const endTag = next === 0x2f; /* / */
    const isTag = isLetter(next) || (endTag && isLetter(html.charCodeAt(lt + 2)));
    const isOther = next === 0x21 /* ! */ || next === 0x3f /* ? */ || endTag;
    if (!isTag && !isOther) {
      pos = lt + 1; // a lone '<' stays in the text run
      continue;
    }
    if (lt > textStart) sink.text(html.slice(textStart, lt));
    if (isTag && !endTag) {
      pos = startTag(html, lt, sink);
    } else if (isTag) {
      let end = lt + 2;
      while (end < n && isNameChar(html.charCodeAt(end))) end++;
      sink.close(html.slice(lt + 2, end).toLowerCase());
      const gt = html.indexOf('>', end);
      pos = gt < 0 ? n : gt + 1;
    } else if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      pos = close < 0 ? n : close + 3;
    } else {
      // <!DOCTYPE>, <![if …]>, <![endif]>, <?xml …?>, </ 3>: bogus comments up to '>'.
      const gt = html.indexOf('>', lt + 2);
      pos = gt < 0 ? n : gt + 1;
    }
    textStart = pos;
  }
  if (textStart < n) sink.text(html.slice(textStart));
}

function endsAttrName(c: number): boolean {
  return isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Tag name characters: letters, digits and what namespaced names use (o:p, v:shape, x-y). */
function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2e || c === 0x2d;
}

/** HTML whitespace: space, tab, LF, FF, CR. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

/** Attributes read from one tag at most (rowspan and colspan come early; the rest is skipped). */
const MAX_ATTRIBUTES = 64;

/** Reads the start tag at `lt`; returns where reading goes on. */
function startTag(html: string, lt: number, sink: TokenSink): number {
  const n = html.length;
  let i = lt + 1;
  while (i < n && isNameChar(html.charCodeAt(i))) i++;
  const name = html.slice(lt + 1, i).toLowerCase();
  const wanted = sink.wantsAttributes(name);
  let attrs: Map<string, string> | null = null;
  let count = 0;
  for (;;) {
    while (i < n && (isSpace(html.charCodeAt(i)) || html.charCodeAt(i) === 0x2f)) i++;
    if (i >= n) return n;
    if (html.charCodeAt(i) === 0x3e /* > */) {
      i++;
      break;
    }
    const nameStart = i;
    while (i < n && !endsAttrName(html.charCodeAt(i))) i++;
    if (i === nameStart) {
      i++; // a stray '=': skipped
      continue;
    }
    const nameEnd = i;
    while (i < n && isSpace(html.charCodeAt(i))) i++;
    let valueStart = i;
    let valueEnd = i;
    if (html.charCodeAt(i) === 0x3d /* = */) {
      i++;
      while (i < n && isSpace(html.charCodeAt(i))) i++;
      const q = html.charCodeAt(i);
      if (q === 0x22 || q === 0x27) {
        const close = html.indexOf(q === 0x22 ? '"' : "'", i + 1);
        if (close < 0) return n; // an unclosed quote swallows the rest, as in a browser
        valueStart = i + 1;
        valueEnd = close;
        i = close + 1;
      } else {
        valueStart = i;
        while (i < n && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== 0x3e) i++;
        valueEnd = i;
      }
    }
    if (wanted && count++ < MAX_ATTRIBUTES) {
      const attr = html.slice(nameStart, nameEnd).toLowerCase();
      attrs ??= new Map<string, string>();
      if (!attrs.has(attr)) attrs.set(attr, decodeEntities(html.slice(valueStart, valueEnd)));
    }
  }
  if (SKIPPED.has(name)) {
    // Raw text up to the matching end tag (or the end of the input).
    const end = new RegExp(`</${name.replace(/[.]/g, '\\.')}[\\s/>]`, 'ig');
    end.lastIndex = i;
    const m = end.exec(html);
    if (!m) return n;
    const gt = html.indexOf('>', m.index);
    return gt < 0 ? n : gt + 1;
  }
  sink.open(name, attrs ?? NO_ATTRIBUTES);
  return i;
}
