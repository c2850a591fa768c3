/** Text helpers for reading what people type into sheets. */

/**
 * For comparisons only (never for output): full-width to half-width (NFKC), no whitespace at all.
 * Line breaks and spaces inside headers and names are common ("完成\n时限", "攻坚 目标").
 */
export function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '');
}

/** `compact` without punctuation either: for matching names and headers by their characters. */
export function letters(text: string): string {
  return compact(text).replace(/[\p{P}\p{S}]/gu, '');
}

/** Collapse Windows and old-Mac line breaks, trim every line and the whole text. */
export function cleanMultiline(text: string): string {
  // Most cells are one line: skip the regular expressions for them.
  if (!/[\r\n]|_x000D_/.test(text)) return text.trim();
  return text
    .replace(/_x000D_/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]*\n[^\S\n]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Separators between department or unit names: 、，,;；/ (either width), line breaks and spaces. */
const LIST_SEPARATORS = /[、，,;；/／\\|｜\s]+/u;

/** Split a list of names, trimmed and de-duplicated (first spelling kept, compared by `compact`). */
export function splitNames(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(LIST_SEPARATORS)) {
    const name = part.replace(/^[。.．:：]+|[。.．:：]+$/gu, '').trim();
    if (!name) continue;
    const k = compact(name);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(name);
  }
  return out;
}

/** What people write for "nothing to report" in a category or a free-text column. */
const NOTHING = new Set([
  '无',
  '暂无',
  '没有',
  '暂没有',
  '无问题',
  '暂无问题',
  '没有问题',
  '不涉及',
  '无此方面问题',
  '/',
  '-',
  '—',
  '——',
]);

export function isNothing(text: string): boolean {
  const t = compact(text).replace(/[。.;；，,]+$/u, '');
  return t === '' || NOTHING.has(t);
}
