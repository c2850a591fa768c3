/** The assessment's period: two ISO dates, checked; by default the current quarter to date. */
import { isIsoDate } from '../week';

export type PeriodCheck =
  { ok: true; from: string; to: string } | { ok: false; message: string; field: 'from' | 'to' };

/** Checks --from/--to (English messages: the CLI prints them, the console words its own). */
export function checkPeriod(from: string, to: string): PeriodCheck {
  if (!isIsoDate(from)) {
    return { ok: false, field: 'from', message: `"${from}" is not a date like 2021-01-01` };
  }
  if (!isIsoDate(to)) {
    return { ok: false, field: 'to', message: `"${to}" is not a date like 2021-03-31` };
  }
  if (from > to) {
    return {
      ok: false,
      field: 'to',
      message: `the period ends (${to}) before it starts (${from})`,
    };
  }
  return { ok: true, from, to };
}

/** The first day of the quarter of `today` to `today`. */
export function quarterToDate(today: string): { from: string; to: string } {
  const month = Number(today.slice(5, 7));
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  return { from: `${today.slice(0, 4)}-${String(first).padStart(2, '0')}-01`, to: today };
}
