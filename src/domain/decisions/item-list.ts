/**
 * Reading a meeting's list of agreed items (会议议定事项) from a cell grid. Pure: no I/O, no clock.
 *
 *   区重点项目联合会议第三次会议议定事项
 *   会议时间：2021年3月16日
 *   | 序号 | 所属项目 | 议定事项 | 责任单位 | 配合单位 | 办结时限 | 备注 |
 *
 * The header is found by meaning in the first 20 rows (as the issue sheet's is): 议定事项 (or
 * 议定内容, 会议议定事项, 事项内容), 责任单位 (or 牵头单位, 责任部门) and a time-limit column
 * (办结时限, 完成时限, 时限要求) make it a list; 序号, 所属项目 (项目名称), 配合单位 (协办单位)
 * and 备注 are read when present. Above the header: the meeting's name (the title line) and its
 * date (a 会议时间 / 会议日期 line, or a date in the title). Below it, one item per row: merged
 * cells give their value to every row they span, an item merged over several rows is one item,
 * a row merged across the table names the project of the rows below it (一、某某项目); a notes
 * line (备注：…, 说明) ends the table.
 */
import { issue, type Issue } from '../../errors';
import { readDueCell, readDueText, readFilledOn, type DueReading } from '../sheet/dates';
import { cellRef, SheetView, type CellValue, type Grid, type GridSheet } from '../sheet/grid';
import { cleanMultiline, compact, letters, splitNames } from '../sheet/text';
import type { IsoDate, ItemListReading, ItemListRow } from './types';

export interface ItemListOptions {
  /** ISO date giving the year of dates written without one when the list names no meeting date. */
  referenceDate: IsoDate;
}

type ListField = 'seq' | 'project' | 'text' | 'responsible' | 'cooperating' | 'due' | 'note';

/** Tried in order on the header's letters (whitespace and punctuation gone); the first wins. */
const LIST_RULES: ReadonlyArray<{ field: ListField; re: RegExp }> = [
  { field: 'seq', re: /^(?:序|序号|编号|no|number)$/iu },
  { field: 'cooperating', re: /配合|协办|协助/u },
  { field: 'responsible', re: /责任单位|牵头单位|责任部门|主办单位|承办单位|责任主体/u },
  { field: 'due', re: /时限|完成时间|办结时间|截止|完成期限|完成日期|办结日期/u },
  { field: 'text', re: /^(?:会议)?议定(?:事项|内容|意见)|^事项(?:内容)?$|^议定|^工作事项$/u },
  { field: 'project', re: /^(?:所属)?项目(?:名称)?$|^所属项目/u },
  { field: 'note', re: /^(?:备注|附注)$/u },
];

export function listHeaderField(text: string): ListField | null {
  if (text.length > 40) return null;
  const t = letters(text);
  if (!t || t.length > 20) return null;
  return LIST_RULES.find((r) => r.re.test(t))?.field ?? null;
}

type ListColumns = Partial<Record<ListField, number>>;

const HEADER_SEARCH_ROWS = 20;

function headerColumns(view: SheetView, row: number): ListColumns | null {
  const columns: ListColumns = {};
  for (const col of view.filledColumns(row)) {
    const field = listHeaderField(view.text(row, col));
    if (field && columns[field] === undefined) columns[field] = col;
  }
  if (columns.text === undefined || columns.responsible === undefined) return null;
  if (columns.due === undefined) return null;
  return columns;
}

export interface ItemListHeader {
  view: SheetView;
  /** The header's row. */
  row: number;
  columns: ListColumns;
}

/**
 * Where a list's header is (the sheet and row), or null. A visible sheet wins over a hidden one;
 * more recognised columns win.
 */
export function findItemListHeader(
  sheets: readonly GridSheet[],
  viewOf?: (sheet: GridSheet) => SheetView,
): ItemListHeader | null {
  let best: { sheet: GridSheet; row: number; columns: ListColumns; score: number } | null = null;
  for (const sheet of sheets) {
    if (sheet.cells.length === 0) continue;
    // Only the first rows are searched: without views already made, index only them.
    const view = viewOf ? viewOf(sheet) : headView(sheet);
    const last = Math.min(view.maxRow, HEADER_SEARCH_ROWS);
    for (let row = 1; row <= last; row++) {
      const columns = headerColumns(view, row);
      if (!columns) continue;
      const score = Object.keys(columns).length - (sheet.hidden ? 100 : 0);
      if (!best || score > best.score) best = { sheet, row, columns, score };
      break;
    }
  }
  if (!best) return null;
  const view = viewOf ? viewOf(best.sheet) : new SheetView(best.sheet);
  return { view, row: best.row, columns: best.columns };
}

function headView(sheet: GridSheet): SheetView {
  const cells = sheet.cells.filter((c) => c.row <= HEADER_SEARCH_ROWS);
  const merges = sheet.merges.filter((m) => m.top <= HEADER_SEARCH_ROWS);
  return new SheetView({ ...sheet, cells, merges });
}

// ---------------------------------------------------------------------------------------------
// Above the header: the meeting's name and date.

const DATE_LABEL = /会议(?:时间|日期)\s*[:：]?/u;
const NOT_A_TITLE = /^(?:附件|填报单位|填报时间|会议地点|主持人|参会|出席|记录人|印发|抄送)/u;

/** Chinese numerals as official documents write dates: 二〇二一年三月十六日. */
const ZH_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  Ｏ: 0,
  O: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

function zhNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (text.includes('十')) {
    const [tens, ones] = text.split('十') as [string, string];
    const t = tens === '' ? 1 : ZH_DIGITS[tens];
    const o = ones === '' ? 0 : ZH_DIGITS[ones];
    return t === undefined || o === undefined ? null : t * 10 + o;
  }
  let n = 0;
  for (const ch of text) {
    const d = ZH_DIGITS[ch];
    if (d === undefined) return null;
    n = n * 10 + d;
  }
  return n;
}

const ZH_NUM = '[〇零ＯO一二三四五六七八九十\\d]';
const ZH_DATE = new RegExp(
  `(${ZH_NUM}{4})\\s*年\\s*(${ZH_NUM}{1,3})\\s*月\\s*(${ZH_NUM}{1,3})\\s*[日号]`,
  'u',
);
const NUMERIC_DATE =
  /(\d{4})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*[日号]?(?!\d)/u;

/** A full date written anywhere in a text (a title "…（2021年3月16日）"), or null. */
export function dateInText(text: string): IsoDate | null {
  const t = text.normalize('NFKC');
  const numeric = NUMERIC_DATE.exec(t);
  if (numeric) {
    const reading = readDueText(numeric[0], '2000-01-01');
    if (reading.kind === 'date') return reading.iso;
  }
  const zh = ZH_DATE.exec(t);
  if (zh) {
    const [y, m, d] = [zh[1], zh[2], zh[3]].map((s) => zhNumber(s ?? ''));
    if (y !== null && m !== null && d !== null && y !== undefined && m !== undefined) {
      const reading = readDueText(`${y}年${m}月${d}日`, '2000-01-01');
      if (reading.kind === 'date') return reading.iso;
    }
  }
  return null;
}

/**
 * A 会议时间 value: a full date of any form dates.ts reads (a date cell, a serial, 2021年3月16日,
 * 2021.3.16 …), one inside a longer text, or a month and day (3月16日) in the year nearest to
 * the reference date.
 */
function readDateValue(
  value: CellValue | undefined,
  date1904: boolean,
  referenceDate: IsoDate,
): IsoDate | null {
  const reading = readFilledOn(value, date1904);
  if (reading.kind === 'date') return reading.iso;
  if (value?.kind !== 'text') return null;
  const found = dateInText(value.text);
  if (found) return found;
  const yearless = readDueText(value.text, referenceDate);
  return yearless.kind === 'date' ? yearless.iso : null;
}

/** The title as the meeting's name: its date and the words 议定事项(清单) taken off. */
export function meetingNameOf(title: string): string {
  const name = cleanMultiline(title)
    .replace(/\s*\n\s*/gu, '')
    .replace(/[(（][^()（）]*\d[^()（）]*[)）]\s*$/u, '')
    .replace(/(?:的)?议定事项(?:清单|表|一览表|汇总表)?$/u, '')
    .replace(/纪要$/u, '')
    .trim();
  return name || cleanMultiline(title);
}

function readMeeting(
  view: SheetView,
  headerRow: number,
  date1904: boolean,
  referenceDate: IsoDate,
): { name: string | null; date: IsoDate | null } {
  let name: string | null = null;
  let labelled: IsoDate | null = null;
  let inTitle: IsoDate | null = null;
  for (let row = 1; row < headerRow; row++) {
    const cols = view.filledColumns(row);
    for (const [i, col] of cols.entries()) {
      const text = view.text(row, col);
      if (!text) continue;
      const label = DATE_LABEL.exec(text);
      if (label) {
        if (labelled === null) {
          const rest = text.slice(label.index + label[0].length).trim();
          const next = cols.slice(i + 1).find((c) => view.text(row, c) !== '');
          labelled = rest
            ? readDateValue({ kind: 'text', text: rest }, date1904, referenceDate)
            : next !== undefined
              ? readDateValue(view.value(row, next), date1904, referenceDate)
              : null;
        }
        continue;
      }
      if (name === null && !NOT_A_TITLE.test(compact(text)) && /[\u4e00-\u9fff]{4}/u.test(text)) {
        name = meetingNameOf(text);
        inTitle = dateInText(text);
      }
    }
  }
  return { name, date: labelled ?? inTitle };
}

// ---------------------------------------------------------------------------------------------
// The rows.

/** Notes and signature lines: the table ends where they start. */
const NOTE_ROW =
  /^(?:填表说明|填报说明|说明|注|备注|附注|联系人|联系电话|填表人|审核人)\s*[:：]|^说明$|^(?:说明|备注)\s*\n/u;

const ZH_SEQ = /^[一二三四五六七八九十]{1,3}$/u;

/** 序号 as a positive integer ("1", 1, "1.", "（1）", "一"), or null. */
function seqNumber(value: CellValue | undefined): number | null {
  if (!value) return null;
  if (value.kind === 'number') {
    return Number.isInteger(value.value) && value.value > 0 ? value.value : null;
  }
  if (value.kind !== 'text') return null;
  const t = compact(value.text)
    .replace(/^[(（]|[)）.、．]$/gu, '')
    .replace(/[)）.、．]$/u, '');
  if (/^\d{1,4}$/.test(t)) return Number(t) > 0 ? Number(t) : null;
  if (ZH_SEQ.test(t)) return zhNumber(t);
  return null;
}

/** A unit's role written after its name: 区财政局（牵头）. */
const ROLE_SUFFIX = /[(（](?:牵头|配合|协办|主办|负责|主责)[)）]$/u;

function names(view: SheetView, row: number, col: number | undefined): string[] {
  if (col === undefined) return [];
  const out: string[] = [];
  addNames(
    out,
    splitNames(cleanMultiline(view.text(row, col)))
      .map((n) => n.replace(ROLE_SUFFIX, '').trim())
      .filter((n) => n !== ''),
  );
  return out;
}

function addNames(into: string[], more: readonly string[]): void {
  const keys = new Set(into.map(compact));
  for (const n of more) {
    if (keys.has(compact(n))) continue;
    keys.add(compact(n));
    into.push(n);
  }
}

function cellTextOf(view: SheetView, row: number, col: number | undefined): string | null {
  if (col === undefined) return null;
  const t = cleanMultiline(view.text(row, col));
  return t || null;
}

/** A row merged across most of the table: a group title ("一、区人民医院迁建项目") or a note. */
function wideMergeText(view: SheetView, row: number, mapped: readonly number[]): string | null {
  const first = Math.min(...mapped);
  const m = view.merge(row, first);
  if (!m || m.top !== row) return null;
  const covered = mapped.filter((c) => c >= m.left && c <= m.right).length;
  if (covered < Math.max(3, Math.ceil(mapped.length * 0.6))) return null;
  return cleanMultiline(view.text(row, first));
}

const GROUP_PREFIX = /^(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．]\s*/u;

/**
 * The list of agreed items in a grid, or null when the grid holds no such list (no header naming
 * 议定事项, 责任单位 and a time limit in the first 20 rows of a sheet).
 */
export function readItemList(grid: Grid, options: ItemListOptions): ItemListReading | null {
  const found = findItemListHeader(grid.sheets);
  return found ? readItemListAt(grid, found, options) : null;
}

/** The list below a header found by findItemListHeader. */
export function readItemListAt(
  grid: Grid,
  found: ItemListHeader,
  options: ItemListOptions,
): ItemListReading {
  const { view, row: headerRow, columns } = found;
  const meeting = readMeeting(view, headerRow, grid.date1904, options.referenceDate);
  const referenceDate = meeting.date ?? options.referenceDate;
  const issues: Issue[] = [];
  const rows: ItemListRow[] = [];
  const mapped = Object.values(columns).filter((c): c is number => c !== undefined);
  const textCol = columns.text as number;
  let group: string | null = null;
  let last: { row: ItemListRow; master: string | null } | null = null;

  for (let row = headerRow + 1; row <= view.maxRow; row++) {
    const texts = mapped.map((c) => view.text(row, c));
    if (texts.every((t) => t === '')) continue;
    if (headerColumns(view, row)) continue; // the header repeated on a new page
    const firstText = texts.find((t) => t !== '') ?? '';
    if (NOTE_ROW.test(firstText)) break;
    const wide = wideMergeText(view, row, mapped);
    if (wide !== null) {
      if (columns.project === undefined && wide) {
        group = wide.replace(GROUP_PREFIX, '').replace(/\s*\n\s*/gu, '') || null;
      }
      continue;
    }

    const textMerge = view.merge(row, textCol);
    const master = textMerge ? cellRef(textMerge.top, textMerge.left) : null;
    const text = cellTextOf(view, row, textCol);
    // 序号 as written on this row (not carried down from a merge above it).
    const seqCol = columns.seq;
    const seqValue =
      seqCol !== undefined && view.source(row, seqCol).row === row
        ? view.value(row, seqCol)
        : undefined;
    // One item over several rows: its 议定事项 merged down (each row naming more units), or a row
    // with neither 序号 nor 议定事项 of its own below an item.
    const continues =
      last !== null &&
      ((master !== null && master === last.master) || (text === null && seqValue === undefined));
    if (continues && last) {
      addNames(last.row.responsible, names(view, row, columns.responsible));
      addNames(last.row.cooperating, names(view, row, columns.cooperating));
      continue;
    }
    const src = view.source(row, textCol);
    const cell = cellRef(src.row, src.col);
    if (text === null) {
      issues.push(
        issue('ITEM_LIST_ROW_INCOMPLETE', `第${row}行未填写议定事项，该行未录入，请核对。`, cell),
      );
      continue;
    }
    const n = seqNumber(seqValue) ?? rows.length + 1;
    const due: DueReading =
      columns.due === undefined
        ? { kind: 'empty' }
        : readDueCell(view.value(row, columns.due), referenceDate, grid.date1904);
    const dueCell = columns.due === undefined ? cell : cellRef(row, columns.due);
    const item: ItemListRow = {
      n,
      cell,
      project:
        (columns.project === undefined
          ? null
          : cellTextOf(view, row, columns.project)?.replace(/\s*\n\s*/gu, '')) ?? group,
      text,
      responsible: names(view, row, columns.responsible),
      cooperating: names(view, row, columns.cooperating),
      due: due.kind === 'date' ? due.iso : null,
      dueText: due.kind === 'invalid' || due.kind === 'unreadable' ? due.text : null,
      note: cellTextOf(view, row, columns.note),
    };
    rows.push(item);
    last = { row: item, master };
    if (due.kind === 'empty') {
      issues.push(
        issue(
          'ITEM_LIST_ROW_INCOMPLETE',
          `第${n}项议定事项未填写办结时限，请补充后重新发送。`,
          dueCell,
        ),
      );
    } else if (due.kind !== 'date') {
      issues.push(
        issue(
          'ITEM_LIST_ROW_INCOMPLETE',
          `第${n}项议定事项的办结时限“${due.text}”无法识别为日期，请填写如“2021年3月19日”。`,
          dueCell,
        ),
      );
    }
  }
  for (const item of rows) {
    if (item.responsible.length === 0) {
      issues.push(
        issue(
          'ITEM_LIST_ROW_INCOMPLETE',
          `第${item.n}项议定事项未填写责任单位，请补充后重新发送。`,
          item.cell,
        ),
      );
    }
  }
  return { meeting, rows, issues };
}
