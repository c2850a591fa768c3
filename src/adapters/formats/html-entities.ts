/**
 * HTML character references as they appear in spreadsheet exports and mail: numeric ones
 * (&#20013; &#x4E2D;), the named ones such writers use, and the legacy forms without a semicolon
 * (&nbsp &amp &lt &gt &quot). An unknown name is left as written.
 */

const NAMED: Record<string, string> = {
  nbsp: '\u00a0',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwsp: '\u200b',
  zwnj: '\u200c',
  zwj: '\u200d',
  shy: '\u00ad',
  middot: '\u00b7',
  bull: '\u2022',
  hellip: '\u2026',
  ndash: '\u2013',
  mdash: '\u2014',
  lsquo: '\u2018',
  rsquo: '\u2019',
  sbquo: '\u201a',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bdquo: '\u201e',
  laquo: '\u00ab',
  raquo: '\u00bb',
  times: '\u00d7',
  divide: '\u00f7',
  plusmn: '\u00b1',
  deg: '\u00b0',
  permil: '\u2030',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  yen: '\u00a5',
  cny: '\u00a5',
  euro: '\u20ac',
  pound: '\u00a3',
  cent: '\u00a2',
  sect: '\u00a7',
  para: '\u00b6',
  micro: '\u00b5',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
  sup1: '\u00b9',
  sup2: '\u00b2',
  sup3: '\u00b3',
  le: '\u2264',
  ge: '\u2265',
  ne: '\u2260',
  larr: '\u2190',
  rarr: '\u2192',
  uarr: '\u2191',
  darr: '\u2193',
  radic: '\u221a',
  infin: '\u221e',
  hyphen: '\u2010',
};

/** Names a browser decodes without the semicolon too. */
const LEGACY = new Set(['nbsp', 'amp', 'lt', 'gt', 'quot', 'copy', 'reg']);

/** What browsers map &#128;–&#159; to (the Windows-1252 characters at those bytes). */
const C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}))(;?)/g,
    (whole: string, dec?: string, hex?: string, name?: string, semi?: string) => {
      if (name !== undefined) {
        const key = name.toLowerCase();
        const value = NAMED[key];
        if (value === undefined || (!semi && !LEGACY.has(key))) return whole;
        return value;
      }
      const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
      return fromCodePoint(code);
    },
  );
}

function fromCodePoint(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return C1[code - 0x80] as string;
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}
