/**
 * "Did you mean …?" for the schedule's error messages: an admin who types `jiaotng` or
 * `adresses` should be told the intended word, not only that theirs is wrong.
 */

/** Edits (insert, delete, substitute, swap two neighbours) to turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  // Optimal string alignment: a swapped pair ("tiem" for "time") is one typo, not two.
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, at(i - 2, j - 2) + 1);
      }
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}

// Compare loosely: case, "_" vs "-" and camelCase vs snake_case are the usual slips.
function loose(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo
 * (a wrong suggestion is worse than none). A candidate that `word` abbreviates ("mon" for
 * "monday") also counts.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = loose(word);
  if (!w) return undefined;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const c = loose(candidate);
    if (c === w) return candidate;
    let score = editDistance(w, c);
    if (w.length >= 3 && c.startsWith(w)) score = Math.min(score, 1);
    const allowed = Math.max(1, Math.floor(Math.max(w.length, c.length) / 3));
    if (score <= allowed && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
