/**
 * Reading a workbook's cells straight from its XML, in one pass per part, into the same Grid the
 * exceljs path builds (read-workbook.ts), without exceljs's object model (most of a sheet's read
 * time and garbage). It reproduces exceljs 4.4.0's reading rule by rule: which parts it reads
 * (xl/workbook.xml and its rels, xl/sharedStrings.xml, xl/styles.xml, xl/worksheets/sheetN.xml),
 * shared and inline strings (rich text runs, `_xHHHH_` escapes in shared strings only, phonetic
 * runs), number formats that make a number a date, formulas' cached results, errors, booleans,
 * the 1900/1904 date systems, merges (covered cells dropped), sheet order, names and visibility.
 * Every cell value goes through the same conversion (`cellValueOf`). Whatever it does not
 * reproduce exactly (a cell without an address, overlapping merges, a missing shared string, an
 * odd sheet name, …) makes it decline (NotForXmlReader): exceljs then reads the file, so both
 * paths give the same grid or the same refusal. test/unit/xml-grid-reader.test.ts compares them
 * on every fixture, the corpus and the template round trip. exceljs stays for writing.
 */
import type { CellValue as ExcelValue } from 'exceljs';
import type { Grid, GridCell, GridSheet, MergeRange } from '../../domain/sheet/grid';
import { inflateEntry, type WorkbookFacts, type ZipEntry } from './guard';
import { cellValueOf, DAYS_1900_TO_1904 } from './read-workbook';
import { attributes, decline, decodeText, scan, unescapeX } from './xml-scan';
import { isDateFormat, readStyles, type DateStyles } from './xml-styles';
import { readCellValues, type SheetCells } from './xml-sheet';

export { NotForXmlReader } from './xml-scan';

type Part = (name: string) => { xml: string; prefixes: string[] } | null;

function partsOf(bytes: Buffer, facts: WorkbookFacts): Part {
  const byName = new Map<string, ZipEntry>();
  for (const entry of facts.entries) {
    if (entry.fileName.endsWith('/')) continue;
    // exceljs drops a leading "/" from entry names; two entries with one name: the last wins there.
    const name = entry.fileName.replace(/^\//, '');
    if (byName.has(name)) decline(`two zip entries named ${name}`);
    byName.set(name, entry);
  }
  return (name) => {
    const entry = byName.get(name);
    if (!entry) return null;
    const xml = inflateEntry(bytes, entry).toString('utf8');
    return {
      xml: xml.replace(/^\uFEFF/, ''),
      prefixes: facts.prefixedParts.get(entry.fileName) ?? [],
    };
  };
}

interface SheetRef {
  name: string;
  id: number;
  state: string | undefined;
  rId: string | undefined;
}

/** `utils.xmlDecode` of exceljs, which it applies to sheet names after the XML parser has. */
function xmlDecodeAgain(text: string): string {
  const map: Record<string, string> = {
    '&lt;': '<',
    '&gt;': '>',
    '&amp;': '&',
    '&apos;': "'",
    '&quot;': '"',
  };
  return text.replace(/&([a-z]*);/g, (c) => map[c] ?? c);
}

function readWorkbookPart(
  xml: string,
  prefixes: string[],
): { sheets: SheetRef[]; date1904: boolean } {
  const sheets: SheetRef[] = [];
  let date1904 = false;
  let inSheets = 0;
  scan(xml, prefixes, {
    open(name, raw) {
      if (name === 'sheets') inSheets++;
      else if (name === 'workbookPr') date1904 = attributes(raw).get('date1904') === '1';
      else if (name === 'sheet' && inSheets > 0) {
        const a = attributes(raw);
        const rawName = a.get('name');
        if (rawName === undefined) decline('sheet without a name');
        sheets.push({
          name: xmlDecodeAgain(rawName),
          id: parseInt(a.get('sheetId') ?? '', 10),
          state: a.get('state'),
          rId: a.get('r:id'),
        });
      }
    },
    close(name) {
      if (name === 'sheets') inSheets--;
    },
    text() {},
  });
  return { sheets, date1904 };
}

function readRels(xml: string, prefixes: string[]): Map<string, string> {
  const targets = new Map<string, string>();
  scan(xml, prefixes, {
    open(name, raw) {
      if (name !== 'Relationship') return;
      const a = attributes(raw);
      const id = a.get('Id');
      const target = a.get('Target');
      if (id !== undefined && target !== undefined) targets.set(id, target);
      else if (id !== undefined) decline('relationship without a target');
    },
    close() {},
    text() {},
  });
  return targets;
}

/** Shared strings as exceljs models them: text, `{ richText }`, or `{}` for an empty item. */
function readSharedStrings(xml: string, prefixes: string[]): ExcelValue[] {
  const values: ExcelValue[] = [];
  let item: { text?: string; runs?: { text?: string }[] } | null = null;
  let run: { text?: string } | null = null;
  let textParts: string[] | null = null;
  let phonetic = 0;
  let depth = 0;
  scan(xml, prefixes, {
    open(name) {
      depth++;
      if (depth === 1) {
        if (name !== 'sst') decline(`shared strings root ${name}`);
        return;
      }
      if (depth === 2) {
        if (name !== 'si') decline(`unexpected ${name} in shared strings`);
        item = {};
        return;
      }
      if (!item || phonetic > 0) {
        if (name === 'rPh') phonetic++;
        return;
      }
      if (name === 'rPh') phonetic++;
      else if (name === 'r' && depth === 3) {
        if (item.text !== undefined) decline('text and runs in one shared string');
        run = {};
        (item.runs ??= []).push(run);
      } else if (name === 't' && (depth === 3 || (run && depth === 4))) {
        if (depth === 3 && (item.runs || item.text !== undefined)) decline('odd shared string');
        textParts = [];
      }
    },
    text(raw) {
      if (textParts && phonetic === 0) textParts.push(decodeText(raw));
    },
    close(name) {
      depth--;
      if (name === 'rPh' && phonetic > 0) {
        phonetic--;
        return;
      }
      if (phonetic > 0 || !item) return;
      if (name === 't' && textParts) {
        const text = unescapeX(textParts.join(''));
        textParts = null;
        if (run) run.text = text;
        else item.text = text;
      } else if (name === 'r' && depth === 2) run = null;
      else if (name === 'si' && depth === 1) {
        const it = item as { text?: string; runs?: { text?: string }[] };
        values.push((it.runs ? { richText: it.runs } : (it.text ?? {})) as ExcelValue);
        item = null;
      }
    },
  });
  return values;
}

const WORKSHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;
const OTHER_PARSED_PARTS =
  /^(?:_rels\/\.rels|xl\/worksheets\/_rels\/sheet\d+\.xml\.rels|xl\/drawings\/(?:_rels\/)?[a-zA-Z0-9]+\.xml(?:\.rels)?|xl\/comments\d+\.xml|xl\/tables\/table\d+\.xml)$/;

function validName(name: string, taken: Set<string>): boolean {
  // exceljs's Worksheet name setter throws on these (and truncates past 31, then finds itself).
  return (
    name !== '' &&
    name !== 'History' &&
    !/[*?:/\\[\]]/.test(name) &&
    !/(^')|('$)/.test(name) &&
    name.length <= 31 &&
    !taken.has(name.toLowerCase())
  );
}

/** The grid of the workbook, or NotForXmlReader when exceljs must read it. */
export function readGridFromXml(bytes: Buffer, facts: WorkbookFacts): Grid {
  const part = partsOf(bytes, facts);
  for (const e of facts.entries) {
    const name = e.fileName.replace(/^\//, '');
    if (WORKSHEET.test(name) && !/^xl\/worksheets\/sheet\d+\.xml$/.test(name))
      decline(`worksheet part named ${name}`);
  }
  // Other parts exceljs parses: one it cannot parse fails the whole file there, so a part that
  // is not well-formed XML here sends the file to exceljs too.
  for (const e of facts.entries) {
    const name = e.fileName.replace(/^\//, '');
    if (!OTHER_PARSED_PARTS.test(name)) continue;
    const p = part(name);
    if (p) scan(p.xml, p.prefixes, { open() {}, close() {}, text() {} });
  }
  const book = part('xl/workbook.xml');
  if (!book) return decline('no xl/workbook.xml');
  const workbook = readWorkbookPart(book.xml, book.prefixes);
  const relsPart = part('xl/_rels/workbook.xml.rels');
  const rels = relsPart ? readRels(relsPart.xml, relsPart.prefixes) : new Map<string, string>();
  const stylesPart = part('xl/styles.xml');
  const styles: DateStyles | null = stylesPart
    ? readStyles(stylesPart.xml, stylesPart.prefixes)
    : null;
  let shared: ExcelValue[] | null | undefined;
  const sharedStrings = (): ExcelValue[] | null => {
    if (shared === undefined) {
      const p = part('xl/sharedStrings.xml');
      shared = p ? readSharedStrings(p.xml, p.prefixes) : null;
    }
    return shared;
  };
  const shiftDays = facts.date1904 && !workbook.date1904 ? DAYS_1900_TO_1904 : 0;
  const sheets: GridSheet[] = [];
  const ids = new Set<number>();
  const targets = new Set<string>();
  const names = new Set<string>();
  for (const ref of workbook.sheets) {
    const target = ref.rId === undefined ? undefined : rels.get(ref.rId);
    if (target === undefined) continue;
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    // exceljs keeps only parts named like xl/worksheets/sheetN.xml (chartsheets are skipped).
    if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(path)) continue;
    const sheetPart = part(path);
    if (!sheetPart) continue;
    if (!Number.isInteger(ref.id) || ref.id < 1 || ids.has(ref.id)) decline('sheet ids');
    if (targets.has(path)) decline('two sheets on one part');
    if (!validName(ref.name, names)) decline(`sheet name ${ref.name}`);
    ids.add(ref.id);
    targets.add(path);
    names.add(ref.name.toLowerCase());
    const read: SheetCells = readCellValues(sheetPart.xml, sheetPart.prefixes, {
      sharedStrings,
      isDate: (styleId) => styles !== null && isDateFormat(styles, styleId),
      date1904: workbook.date1904,
    });
    if (read.hyperlinkRels.length > 0) {
      const n = /sheet(\d+)\.xml$/.exec(path)?.[1] ?? '';
      const relsOfSheet = part(`xl/worksheets/_rels/sheet${n}.xml.rels`);
      const known = relsOfSheet ? readRels(relsOfSheet.xml, relsOfSheet.prefixes) : new Map();
      if (read.hyperlinkRels.some((id) => !known.has(id))) decline('hyperlink without its target');
    }
    const cells: GridCell[] = [];
    const covered = coveredBy(read.merges);
    for (const c of read.cells) {
      if (covered(c.row, c.col)) continue;
      const value = cellValueOf(c.raw as ExcelValue, shiftDays);
      if (value) cells.push({ row: c.row, col: c.col, value });
    }
    sheets.push({
      name: ref.name,
      hidden: (ref.state || 'visible') !== 'visible',
      cells,
      merges: read.merges,
    });
  }
  return { sheets, date1904: facts.date1904 };
}

/** Cells covered by a merge, masters excepted (exceljs drops their values), as row * 20000 + col. */
function coveredBy(merges: MergeRange[]): (row: number, col: number) => boolean {
  if (merges.length === 0) return () => false;
  const covered = new Set<number>();
  for (const m of merges) {
    for (let r = m.top; r <= m.bottom; r++) {
      for (let c = m.left; c <= m.right; c++)
        if (r !== m.top || c !== m.left) covered.add(r * 20000 + c);
    }
  }
  return (row, col) => covered.has(row * 20000 + col);
}
