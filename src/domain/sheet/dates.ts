/**
 * Reading due dates as people write them: date cells, Excel serial numbers (1900 and 1904
 * systems), and text such as 3月25日, 3.25, 3-25, 2021年3月25日, 2021/3/25 or 2021.3.25.
 * Pure: the reference date (from 填报时间 or the reporting week) is passed in.
 */
import { cellText, type CellValue } from './grid';

export type DueReading =
  | { kind: 'empty' }
  | { kind: 'date'; iso: string; text: string; ambiguous?: string }
  | { kind: 'invalid'; text: string }
  | { kind: 'unreadable'; text: string };

const DAY_MS = 86_400_000;
/** Serial 0 in the 1900 system is 1899-12-30 (Excel's fictitious 1900-02-29 included). */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

export function isoFromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A plausible date serial (1954–2119): other numbers in a due-date column are not serials. */
function isPlausibleSerial(n: number): boolean {
  return n >= 20000 && n <= 80000;
}

export function serialToIso(serial: number, date1904: boolean): string {
  const whole = Math.floor(serial + 1e-6);
  return isoFromUtc((date1904 ? EPOCH_1904 : EPOCH_1900) + whole * DAY_MS);
}

export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The year for a month and day written without one: the one that puts the date nearest to the
 * reference date (a sheet filled in December may name "1月15日" of the next year).
 */
export function inferYear(month: number, day: number, referenceIso: string): number {
  const refYear = Number(referenceIso.slice(0, 4));
  const ref = Date.parse(`${referenceIso}T00:00:00Z`);
  let best = refYear;
  let bestDistance = Infinity;
  for (const y of [refYear - 1, refYear, refYear + 1]) {
    // Feb 29 only exists in leap years; compare with Feb 28 elsewhere for the choice of year.
    const d = isValidDate(y, month, day) ? day : Math.min(day, 28);
    const distance = Math.abs(Date.UTC(y, month - 1, d) - ref);
    if (distance < bestDistance) {
      best = y;
      bestDistance = distance;
    }
  }
  return best;
}

// After NFKC: full-width digits and punctuation are ASCII. A date must start the text; what
// follows may be a suffix such as 前 / 之前 / 完成 or a remark, but never another digit.
const WITH_YEAR =
  /^(\d{4})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*(?:日|号)?(?!\d)/u;
const COMPACT_YMD = /^(\d{4})(\d{2})(\d{2})(?!\d)/u;
const MONTH_DAY = /^(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*(?:日|号)?(?!\d)/u;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{1,2}:\d{2}/u;

export function readDueText(raw: string, referenceIso: string): DueReading {
  const text = raw.trim();
  if (!text) return { kind: 'empty' };
  const t = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  let m = ISO_DATETIME.exec(t) ?? WITH_YEAR.exec(t) ?? COMPACT_YMD.exec(t);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), text);
  m = MONTH_DAY.exec(t);
  if (m) {
    const month = Number(m[1]);
    const day = Number(m[2]);
    if (month < 1 || month > 12 || day < 1 || day > 31) return { kind: 'invalid', text };
    return build(inferYear(month, day, referenceIso), month, day, text);
  }
  return { kind: 'unreadable', text };
}

function build(y: number, m: number, d: number, text: string): DueReading {
  if (!isValidDate(y, m, d)) return { kind: 'invalid', text };
  return { kind: 'date', iso: `${y}-${pad(m)}-${pad(d)}`, text };
}

/**
 * A due-date cell of any kind. A number is a serial when it is in the plausible range; a small
 * number with a fraction is what Excel made of "3.25" typed into a General cell (month.day).
 */
export function readDueCell(
  value: CellValue | undefined,
  referenceIso: string,
  date1904: boolean,
): DueReading {
  if (!value) return { kind: 'empty' };
  switch (value.kind) {
    case 'date':
      return { kind: 'date', iso: value.iso, text: value.iso };
    case 'bool':
      return { kind: 'unreadable', text: value.value ? 'TRUE' : 'FALSE' };
    case 'text':
      return readDueText(value.text, referenceIso);
    case 'number': {
      const n = value.value;
      const text = String(n);
      if (isPlausibleSerial(n)) {
        const iso = serialToIso(n, date1904);
        return { kind: 'date', iso, text };
      }
      const reading = readDueText(text, referenceIso);
      // 3.3 may have been typed as 3.30 (Excel drops the trailing zero): say which we chose.
      if (reading.kind === 'date' && /^\d{1,2}\.\d$/.test(text)) {
        const [month, tenth] = text.split('.').map(Number) as [number, number];
        const alt = tenth * 10;
        if (alt <= 31 && isValidDate(Number(reading.iso.slice(0, 4)), month, alt)) {
          return { ...reading, ambiguous: `${month}月${alt}日` };
        }
      }
      return reading;
    }
  }
}

/** 填报时间: "2021年3月15日", a date cell, or "2021年3月 日" (left unfilled). */
export function readFilledOn(value: CellValue | undefined, date1904: boolean): DueReading {
  if (!value) return { kind: 'empty' };
  if (value.kind === 'text') {
    const t = value.text.normalize('NFKC').trim();
    const m = WITH_YEAR.exec(t) ?? COMPACT_YMD.exec(t) ?? ISO_DATETIME.exec(t);
    if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), value.text.trim());
    return t ? { kind: 'unreadable', text: value.text.trim() } : { kind: 'empty' };
  }
  // Without a year a 填报时间 cannot anchor anything: only full dates count.
  if (value.kind === 'date') return { kind: 'date', iso: value.iso, text: value.iso };
  if (value.kind === 'number' && isPlausibleSerial(value.value)) {
    return { kind: 'date', iso: serialToIso(value.value, date1904), text: String(value.value) };
  }
  return { kind: 'unreadable', text: cellText(value) };
}
