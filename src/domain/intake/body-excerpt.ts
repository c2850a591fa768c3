/** The first lines of a message's body, for the office to see what a stranger wrote. */
import { oneLine } from '../one-line';

/**
 * The first `lines` non-empty lines of `text` (quoted lines "> …" skipped), each flattened,
 * joined by " / " on one line and capped at `max` characters ("…" marks a cut).
 */
export function bodyExcerpt(text: string, lines = 3, max = 200): string {
  const picked: string[] = [];
  // Only the start is looked at: the body may be 100 000 characters.
  for (const line of text.slice(0, 4 * max).split(/\r?\n/)) {
    const flat = oneLine(line, max, '');
    if (flat === '' || flat.startsWith('>')) continue;
    picked.push(flat);
    if (picked.length === lines) break;
  }
  return oneLine(picked.join(' / '), max);
}
