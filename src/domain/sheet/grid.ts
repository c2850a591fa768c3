/**
 * A workbook as the parser sees it: plain cells and merge ranges, no library types.
 * The Excel adapter builds it; everything in src/domain/sheet reads only this.
 */

/** What a cell held, reduced to what matters for reading the sheet. */
export type CellValue =
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  /** A date cell: the calendar date it shows (ISO), already corrected for the 1904 system. */
  | { kind: 'date'; iso: string }
  | { kind: 'bool'; value: boolean };

export interface GridCell {
  /** 1-based row and column, as Excel numbers them. */
  row: number;
  col: number;
  value: CellValue;
}

export interface MergeRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface GridSheet {
  name: string;
  hidden: boolean;
  /** Non-empty cells only; slave cells of a merge are absent (their value is the master's). */
  cells: GridCell[];
  merges: MergeRange[];
}

export interface Grid {
  sheets: GridSheet[];
  /** The workbook uses the 1904 date system (bare serial numbers count from 1904-01-01). */
  date1904: boolean;
}

/** "A1"-style reference for a 1-based row and column. */
export function cellRef(row: number, col: number): string {
  let name = '';
  let n = col;
  while (n > 0) {
    const rem = (n - 1) % 26;
    name = String.fromCharCode(65 + rem) + name;
    n = Math.floor((n - 1) / 26);
  }
  return `${name}${row}`;
}

/** The text a person sees in a cell (dates as ISO, numbers as JavaScript prints them). */
export function cellText(value: CellValue | undefined): string {
  if (!value) return '';
  switch (value.kind) {
    case 'text':
      return value.text;
    case 'number':
      return String(value.value);
    case 'date':
      return value.iso;
    case 'bool':
      return value.value ? 'TRUE' : 'FALSE';
  }
}

/**
 * Random access to one sheet with merges resolved: a merged value applies to every cell it spans,
 * as it does for the person looking at the sheet.
 */
export class SheetView {
  readonly maxRow: number;
  readonly maxCol: number;
  private readonly byKey = new Map<number, GridCell>();
  private readonly colsByRow = new Map<number, number[]>();
  private readonly mergeAt = new Map<number, MergeRange>();

  constructor(readonly sheet: GridSheet) {
    let maxRow = 0;
    let maxCol = 0;
    for (const cell of sheet.cells) {
      this.byKey.set(key(cell.row, cell.col), cell);
      const cols = this.colsByRow.get(cell.row);
      if (cols) cols.push(cell.col);
      else this.colsByRow.set(cell.row, [cell.col]);
      if (cell.row > maxRow) maxRow = cell.row;
      if (cell.col > maxCol) maxCol = cell.col;
    }
    for (const m of sheet.merges) {
      // Merges far larger than the data (a whole column merged) are clipped to the data's extent,
      // so a hostile range cannot make us index millions of cells.
      const bottom = Math.min(m.bottom, Math.max(maxRow, m.top));
      const right = Math.min(m.right, Math.max(maxCol, m.left));
      for (let r = m.top; r <= bottom; r++) {
        for (let c = m.left; c <= right; c++) this.mergeAt.set(key(r, c), m);
      }
    }
    this.maxRow = maxRow;
    this.maxCol = maxCol;
    for (const cols of this.colsByRow.values()) cols.sort((a, b) => a - b);
  }

  /**
   * Columns of the cells that hold a value in this row, left to right (merge masters included,
   * cells covered by a merge from another row or column not).
   */
  filledColumns(row: number): readonly number[] {
    return this.colsByRow.get(row) ?? [];
  }

  /** The merge range covering a cell, if any. */
  merge(row: number, col: number): MergeRange | undefined {
    return this.mergeAt.get(key(row, col));
  }

  /** The cell that holds the value shown at (row, col): the merge master, or the cell itself. */
  source(row: number, col: number): { row: number; col: number } {
    const m = this.merge(row, col);
    return m ? { row: m.top, col: m.left } : { row, col };
  }

  value(row: number, col: number): CellValue | undefined {
    const src = this.source(row, col);
    return this.byKey.get(key(src.row, src.col))?.value;
  }

  /** Trimmed display text ('' when empty). */
  text(row: number, col: number): string {
    return cellText(this.value(row, col)).trim();
  }
}

function key(row: number, col: number): number {
  // Excel's limits: 1,048,576 rows and 16,384 columns; this packing is exact within them.
  return row * 20000 + col;
}
