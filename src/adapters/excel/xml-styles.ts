/**
 * Which cell styles make a number a date, read from xl/styles.xml the way exceljs 4.4.0 decides
 * it: the style's number format (a custom one by id, else a built-in one) is a date format when,
 * with quoted text and [...] sections removed, it has one of the letters y m d h M s b.
 */
import { attributes, decline, scan } from './xml-scan';

export interface DateStyles {
  /** numFmtId of each cellXfs entry, by style index (NaN when absent). */
  xfNumFmt: number[];
  /** Custom number formats by id. */
  custom: Map<number, string>;
}

/** exceljs's built-in formats that have a format code (others, e.g. 27–36, have none there). */
const BUILT_IN: Record<number, string> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

export function readStyles(xml: string, prefixes: string[]): DateStyles {
  const styles: DateStyles = { xfNumFmt: [], custom: new Map() };
  let inCellXfs = 0;
  let inNumFmts = 0;
  let xfDepth = 0;
  scan(xml, prefixes, {
    open(name, raw, selfClosing) {
      if (xfDepth > 0) {
        if (!selfClosing) xfDepth++;
        return;
      }
      if (name === 'cellXfs') inCellXfs++;
      else if (name === 'numFmts') inNumFmts++;
      else if (name === 'xf' && inCellXfs > 0) {
        styles.xfNumFmt.push(parseInt(attributes(raw).get('numFmtId') ?? '', 10));
        if (!selfClosing) xfDepth = 1;
      } else if (name === 'numFmt' && inNumFmts > 0) {
        const a = attributes(raw);
        const code = a.get('formatCode');
        if (code === undefined) decline('number format without a code');
        // exceljs unescapes backslashes in format codes.
        styles.custom.set(parseInt(a.get('numFmtId') ?? '', 10), code.replace(/[\\](.)/g, '$1'));
      }
    },
    close(name) {
      if (xfDepth > 0) {
        xfDepth--;
        return;
      }
      if (name === 'cellXfs') inCellXfs--;
      else if (name === 'numFmts') inNumFmts--;
    },
    text() {},
  });
  return styles;
}

const dateCache = new WeakMap<DateStyles, Map<number, boolean>>();

/** Whether cells of this style id hold dates (exceljs: only for a style id other than 0). */
export function isDateFormat(styles: DateStyles, styleId: number): boolean {
  let cache = dateCache.get(styles);
  if (!cache) dateCache.set(styles, (cache = new Map()));
  let known = cache.get(styleId);
  if (known === undefined) {
    const numFmtId = styles.xfNumFmt[styleId];
    const code =
      numFmtId !== undefined && numFmtId
        ? styles.custom.get(numFmtId) || BUILT_IN[numFmtId]
        : undefined;
    known = code ? isDateFmt(code) : false;
    cache.set(styleId, known);
  }
  return known;
}

/** exceljs's `utils.isDateFmt`. */
export function isDateFmt(fmt: string): boolean {
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]+/.test(bare);
}
