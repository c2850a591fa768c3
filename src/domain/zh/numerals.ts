/**
 * Chinese numerals as formal documents number their parts: 一、二、… 十、十一、… 二十、二十一、…
 * 一百、一百零一、… One rule for the digest's （一）（二） and the receipt's 一、二、.
 */

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

/**
 * 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十, 2001 → 二千零一.
 * Outside 1–9999 (or not a whole number) the Arabic number, which no reader misreads.
 */
export function numeralZh(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) return String(n);
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i] ?? '';
    if (d === 0) {
      zero = out !== '';
      return;
    }
    if (zero) out += '零';
    zero = false;
    // 十二, not 一十二, when ten leads the number; 一百一十 inside a larger one.
    out += (d === 1 && unit === '十' && out === '' ? '' : DIGITS[d]) + unit;
  });
  return out;
}

/** "（一）", "（十一）", "（二十）": a numbered part inside a numbered section. */
export function bracketNumeralZh(n: number): string {
  return `（${numeralZh(n)}）`;
}
