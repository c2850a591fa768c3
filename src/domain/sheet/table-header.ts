/**
 * The table's header: one row, or two when a header merged across columns has its sub-headers in
 * the row below, with the other headers merged down over both rows (or left blank in the second):
 *
 *   | 序号 | 项目名称 | … |                 存在问题                 | 问题责任部门 | …
 *   |      |          | … | 项目审批 | 资金概算 | 规划用地 | 工程施工 | 群众工作 |              | …
 *
 * The same reading serves a header merely split over two rows: 攻坚目标及时限 merged over two
 * columns with 完成时限 under the second; the column left unnamed under a group takes the group's
 * meaning that its named neighbours do not (the target, here).
 */
import type { SheetView } from './grid';
import {
  headerField,
  isHeaderLabel,
  readHeaderRow,
  type HeaderCell,
  type HeaderColumns,
} from './headers';
import type { ColumnField } from './layout';

export interface TableHeader extends HeaderColumns {
  /** The header's first row. */
  row: number;
  /** How many rows the header takes: the data starts at row + rows. */
  rows: 1 | 2;
}

/**
 * Only cells holding a value: a header cell merged down over two rows is read once, on its first
 * row.
 */
function ownCells(view: SheetView, row: number): Array<{ col: number; text: string }> {
  const cells = [];
  for (const col of view.filledColumns(row)) {
    const text = view.text(row, col);
    if (text) cells.push({ col, text });
  }
  return cells;
}

/** A cell merged across columns in this row (its master is on this row): a group header. */
function groupAt(view: SheetView, row: number, col: number): boolean {
  const m = view.merge(row, col);
  return m !== undefined && m.top === row && m.right > m.left;
}

/**
 * Whether the row below `row` holds sub-headers: every value in it stands under a header merged
 * across columns, and at least one is a header label. A data row never qualifies: its project name
 * stands under 项目名称, which is not merged across columns.
 */
export function isSubHeaderRow(view: SheetView, row: number): boolean {
  let labels = 0;
  for (const { col, text } of ownCells(view, row + 1)) {
    if (!groupAt(view, row, col)) return false;
    if (isHeaderLabel(text)) labels++;
  }
  return labels > 0;
}

/** The cells of a two-row header, one per column, sub-headers taking the place of their group. */
function twoRowCells(view: SheetView, row: number): HeaderCell[] {
  const below = new Map(ownCells(view, row + 1).map((c) => [c.col, c.text]));
  const cells: HeaderCell[] = [];
  for (const { col, text } of ownCells(view, row)) {
    const m = view.merge(row, col);
    const right = m && m.top === row ? Math.min(m.right, view.maxCol) : col;
    const named: HeaderCell[] = [];
    const unnamed: number[] = [];
    for (let c = col; c <= right; c++) {
      const sub = below.get(c);
      if (sub !== undefined && isHeaderLabel(sub)) named.push({ col: c, text: sub });
      else unnamed.push(c);
    }
    if (named.length === 0) {
      cells.push({ col, text });
      continue;
    }
    const taken = new Set(
      named.map((n) => headerField(n.text)).filter((f): f is ColumnField => f !== null),
    );
    cells.push(...named, ...unnamed.map((c) => ({ col: c, text, taken })));
  }
  return cells.sort((a, b) => a.col - b.col);
}

/** The header starting at `row`, or null when the row is not the header. */
export function readTableHeader(view: SheetView, row: number): TableHeader | null {
  const one = readHeaderRow(ownCells(view, row));
  if (!one) return null;
  if (isSubHeaderRow(view, row)) {
    const two = readHeaderRow(twoRowCells(view, row));
    if (two) return { ...two, row, rows: 2 };
  }
  return { ...one, row, rows: 1 };
}
