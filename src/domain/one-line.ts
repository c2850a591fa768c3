/**
 * The one-line text cleaner, for anything untrusted or multi-line that must sit on one line: a
 * mail header, a display name, a list line of the digest, a log detail.
 */

/**
 * Control characters (C0 and C1: CR, LF, TAB, NUL …, and DEL), format characters (zero-width
 * characters, soft hyphen, bidi embeddings, overrides and isolates, the BOM) and the Unicode
 * line and paragraph separators: none belongs on one line, and the bidi ones can make a text
 * read differently from what it says (U+202E shows "xslx.exe" as "exe.xlsx").
 */
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * `text` on one line: every control, format or separator character becomes a space, runs of
 * whitespace become one space, the ends are trimmed, and the result is capped at `max`
 * characters counted by code point (a surrogate pair is never split), the last one being `mark`
 * ("…" by default; "" to cut silently) when it was cut.
 */
export function oneLine(text: string, max: number, mark = '…'): string {
  const flat = text.replace(UNSAFE_CHARS, ' ').replace(/\s+/gu, ' ').trim();
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
