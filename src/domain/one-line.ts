/**
 * The one-line text cleaner, for anything untrusted or multi-line that must sit on one line: a
 * mail header, a display name, a list line of the digest, a log detail.
 */

/**
 * Control characters (C0 and C1: CR, LF, TAB, NUL …, and DEL) and the Unicode line and
 * paragraph separators: they break a line, so each run becomes a space.
 */
const BREAKING_CHARS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;
/**
 * Format characters (zero-width characters, soft hyphen, bidi marks, embeddings, overrides and
 * isolates, the BOM): invisible, so they go without a trace. The bidi ones can make a text read
 * differently from what it says (U+202E shows "清单xslx.exe" as "清单exe.xlsx").
 */
const FORMAT_CHARS = /\p{Cf}/gu;

/**
 * `text` on one line: control and separator characters become a space, format characters go,
 * runs of whitespace become one space, the ends are trimmed, and the result is capped at `max`
 * characters counted by code point (a surrogate pair is never split), the last one being `mark`
 * ("…" by default; "" to cut silently) when it was cut.
 */
export function oneLine(text: string, max: number, mark = '…'): string {
  const flat = text
    .replace(FORMAT_CHARS, '')
    .replace(BREAKING_CHARS, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return capCodePoints(flat, max, mark);
}

/** At most `max` code points, ending in `mark` when cut (the mark counts in `max`). */
export function capCodePoints(text: string, max: number, mark = '…'): string {
  // A string of at most `max` UTF-16 units has at most `max` code points: the common case.
  if (text.length <= max) return text;
  // `max` code points take at most 2 * max units: no need to split all of a long body.
  const chars = Array.from(text.slice(0, 2 * max + 2));
  if (chars.length <= max) return text;
  const keep = Math.max(0, max - Array.from(mark).length);
  return `${chars.slice(0, keep).join('').trimEnd()}${mark}`;
}
