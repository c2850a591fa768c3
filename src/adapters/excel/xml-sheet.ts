/**
 * One worksheet's cells and merges, read from its XML as exceljs 4.4.0's cell reader
 * (xlsx/xform/sheet/cell-xform.js) models them: the raw value of each cell (string, number,
 * boolean, Date, `{ richText }`, `{ formula, result }`, `{ error }`), before the shared
 * conversion to the grid. Part of the XML reader (xml-grid.ts); declines what it does not
 * reproduce exactly.
 */
import type { CellValue as ExcelValue } from 'exceljs';
import type { MergeRange } from '../../domain/sheet/grid';
import { attributes, decline, decodeText, scan, unescapeX } from './xml-scan';

export interface RawCell {
  row: number;
  col: number;
  /** As exceljs models it (rich text runs may lack a text). */
  raw: unknown;
}

export interface SheetCells {
  /** Cells with a value, in row then column order. */
  cells: RawCell[];
  merges: MergeRange[];
  /** Relationship ids of the hyperlinks exceljs resolves (it fails on a missing one). */
  hyperlinkRels: string[];
}

export interface SheetContext {
  sharedStrings(): ExcelValue[] | null;
  isDate(styleId: number): boolean;
  /** The workbook's date1904 as exceljs reads it (only "1"). */
  date1904: boolean;
}

/** exceljs's `utils.excelToDate`, operation for operation (the same float rounding). */
function excelToDate(v: unknown, date1904: boolean): Date {
  return new Date(Math.round((Number(v) - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

/** exceljs's `utils.xmlDecode`, applied a second time to `t="str"` values. */
function xmlDecodeAgain(text: string): string {
  return text.replace(/&([a-z]*);/g, (c) =>
    c === '&lt;'
      ? '<'
      : c === '&gt;'
        ? '>'
        : c === '&amp;'
          ? '&'
          : c === '&apos;'
            ? "'"
            : c === '&quot;'
              ? '"'
              : c,
  );
}

const ADDRESS = /^([A-Z]{1,3})([1-9][0-9]{0,6})$/;

function decodeAddress(ref: string): { row: number; col: number } {
  const m = ADDRESS.exec(ref);
  if (!m) return decline(`cell address ${ref}`);
  const letters = m[1] as string;
  let col = 0;
  for (let i = 0; i < letters.length; i++) col = col * 26 + (letters.charCodeAt(i) - 64);
  const row = Number(m[2]);
  if (col > 16384 || row > 1_048_576) decline(`cell address ${ref}`);
  return { row, col };
}

interface OpenCell {
  row: number;
  col: number;
  t: string | undefined;
  styleId: number | undefined;
  /** The address as written (exceljs keys shared formulas and hyperlinks by it). */
  address: string;
  formula?: string;
  shareType?: string;
  si?: string;
  ref?: string;
  value?: string | { richText: { text?: string }[] };
}

/** Merged areas larger than this are left to exceljs (which visits every cell of each). */
const MAX_MERGED_CELLS = 1_000_000;

export function readCellValues(xml: string, prefixes: string[], ctx: SheetContext): SheetCells {
  const open: OpenCell[] = [];
  const mergeRefs: string[] = [];
  const hyperlinks = new Map<string, string>();
  let depth = 0;
  let sheetDataDepth = -1;
  let mergeCellsSeen = 0;
  let inMergeCells = false;
  let rowNumber = 0;
  let lastRow = 0;
  let lastCol = 0;
  let cell: OpenCell | null = null;
  let node: 'f' | 'v' | 't' | undefined;
  let run: { text?: string } | null = null;
  let runText: string[] | null = null;

  scan(xml, prefixes, {
    open(name, raw) {
      depth++;
      if (cell) {
        if (run) {
          if (name === 't') runText = [];
          return;
        }
        if (name === 'f') {
          const a = attributes(raw);
          node = 'f';
          cell.shareType = a.get('t');
          cell.si = a.get('si');
          cell.ref = a.get('ref');
        } else if (name === 'v') node = 'v';
        else if (name === 't') node = 't';
        else if (name === 'r') {
          run = {};
          node = undefined;
        } else if (name.includes(':')) decline(`foreign element ${name} in a cell`);
        return;
      }
      if (sheetDataDepth >= 0) {
        if (name === 'row' && depth === sheetDataDepth + 1) {
          const r = attributes(raw).get('r');
          const n = r === undefined ? NaN : parseInt(r, 10);
          if (!(n > lastRow) || String(n) !== r) decline('row numbers');
          rowNumber = lastRow = n;
          lastCol = 0;
        } else if (name === 'c' && depth === sheetDataDepth + 2) {
          const a = attributes(raw);
          const ref = a.get('r');
          if (ref === undefined) decline('cell without an address');
          const at = decodeAddress(ref);
          if (at.row !== rowNumber || at.col <= lastCol) decline('cell order');
          lastCol = at.col;
          const s = a.get('s');
          cell = {
            row: at.row,
            col: at.col,
            address: ref,
            t: a.get('t'),
            styleId: s ? parseInt(s, 10) : undefined,
          };
          node = undefined;
        } else decline(`unexpected ${name} in sheetData`);
        return;
      }
      if (name === 'sheetData') sheetDataDepth = depth;
      else if (name === 'mergeCells') {
        if (++mergeCellsSeen > 1) decline('two mergeCells lists');
        inMergeCells = true;
      } else if (name === 'hyperlink') {
        // exceljs maps only hyperlinks with a relationship (external links) onto their cells.
        const a = attributes(raw);
        const rId = a.get('r:id');
        const ref = a.get('ref');
        if (rId && ref !== undefined) hyperlinks.set(ref, rId);
      } else if (name === 'mergeCell' && inMergeCells) {
        const ref = attributes(raw).get('ref');
        if (ref === undefined) decline('merge without a range');
        mergeRefs.push(ref);
      }
    },
    text(raw) {
      if (!cell) return;
      if (run) {
        if (runText) runText.push(decodeText(raw));
        return;
      }
      if (node === 'f') cell.formula = (cell.formula ?? '') + decodeText(raw);
      else if (node === 'v' || node === 't') {
        if (typeof cell.value === 'object') decline('text after rich text');
        const text = decodeText(raw);
        // exceljs: `value ? value + text : text`
        cell.value = cell.value ? cell.value + text : text;
      }
    },
    close(name) {
      depth--;
      if (cell) {
        if (run) {
          if (name === 't' && runText) {
            run.text = unescapeX(runText.join(''));
            runText = null;
          } else if (name === 'r') {
            if (typeof cell.value === 'string') decline('runs after text');
            const value = cell.value ?? { richText: [] };
            if (typeof value === 'string') return decline('runs after text');
            value.richText.push(run);
            cell.value = value;
            run = null;
          }
          return;
        }
        if (name === 'f' || name === 'v' || name === 'is' || name === 't') node = undefined;
        else if (name === 'c') {
          open.push(cell);
          cell = null;
        }
        return;
      }
      if (sheetDataDepth >= 0 && depth < sheetDataDepth) sheetDataDepth = -1;
      if (name === 'mergeCells') inMergeCells = false;
    },
  });
  if (cell) decline('unterminated cell');
  // Hyperlinks come after sheetData: values are settled once the whole part is read, in
  // document order, as exceljs's reconcile does (shared formulas name their master).
  const cells: RawCell[] = [];
  const formulae = new Map<string, string>();
  for (const c of open) {
    const raw = rawValue(c, ctx, formulae, hyperlinks.has(c.address));
    if (raw !== undefined) cells.push({ row: c.row, col: c.col, raw });
  }
  return { cells, merges: mergesOf(mergeRefs), hyperlinkRels: [...hyperlinks.values()] };
}

/**
 * The value exceljs gives the cell, or undefined for its Null and Merge cells (no value). A
 * formula is `{ formula, result }` with only the truthy fields (exceljs's FormulaValue copies
 * them so: a result of 0 or "" is dropped); a hyperlinked formula cell gives its result.
 */
function rawValue(
  c: OpenCell,
  ctx: SheetContext,
  formulae: Map<string, string>,
  hyperlinked: boolean,
): unknown {
  const style = c.styleId ? c.styleId : 0; // exceljs ignores style 0 (and NaN)
  const isDate = style ? ctx.isDate(style) : false;
  if (c.formula || c.shareType) {
    let result: unknown;
    if (c.value) {
      if (typeof c.value !== 'string') decline('rich text formula result');
      if (c.t === 'str') result = xmlDecodeAgain(c.value);
      else if (c.t === 'b') result = parseInt(c.value, 10) !== 0;
      else if (c.t === 'e') result = { error: c.value };
      else result = parseFloat(c.value);
    }
    if (result !== undefined && isDate) result = excelToDate(result, ctx.date1904);
    if (hyperlinked) return result;
    let sharedFormula: string | undefined;
    let shareType = c.shareType;
    if (shareType === 'shared') {
      if (c.ref) formulae.set(String(c.si), c.address);
      else {
        sharedFormula = formulae.get(String(c.si));
        shareType = undefined;
      }
    }
    const copy: Record<string, unknown> = {};
    const fields: [string, unknown][] = [
      ['formula', c.formula],
      ['result', result],
      ['ref', c.ref],
      ['shareType', shareType],
      ['sharedFormula', sharedFormula],
    ];
    for (const [k, v] of fields) if (v) copy[k] = v;
    return copy;
  }
  if (c.value === undefined) return undefined;
  if (typeof c.value !== 'string' && c.t !== 'inlineStr') decline('rich text in a plain cell');
  const text = c.value as string;
  switch (c.t) {
    case 's': {
      const strings = ctx.sharedStrings();
      const item = strings ? strings[parseInt(text, 10)] : undefined;
      if (item === undefined) return decline('shared string index');
      return item;
    }
    case 'str':
      return xmlDecodeAgain(text);
    case 'inlineStr':
      return c.value as ExcelValue;
    case 'b':
      return parseInt(text, 10) !== 0;
    case 'e':
      return { error: text } as ExcelValue;
    default: {
      const n = parseFloat(text);
      return isDate ? excelToDate(n, ctx.date1904) : n;
    }
  }
}

function mergesOf(refs: string[]): MergeRange[] {
  const merges: MergeRange[] = [];
  let area = 0;
  for (const ref of refs) {
    const [from = '', to = from, extra] = ref.split(':');
    if (extra !== undefined) decline(`merge ${ref}`);
    const a = decodeAddress(from);
    const b = decodeAddress(to);
    const m = {
      top: Math.min(a.row, b.row),
      left: Math.min(a.col, b.col),
      bottom: Math.max(a.row, b.row),
      right: Math.max(a.col, b.col),
    };
    area += (m.bottom - m.top + 1) * (m.right - m.left + 1);
    if (area > MAX_MERGED_CELLS) decline('merged area');
    // exceljs refuses overlapping merges ("Cannot merge already merged cells").
    if (
      merges.some(
        (o) => o.top <= m.bottom && m.top <= o.bottom && o.left <= m.right && m.left <= o.right,
      )
    )
      decline('overlapping merges');
    merges.push(m);
  }
  return merges;
}
