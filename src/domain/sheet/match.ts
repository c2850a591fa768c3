/**
 * Matching project names as written to the schedule's projects. People do not copy names
 * exactly (the notice itself writes both 泉港坝头流域 and 泉港坝头溪流域), so after an exact match
 * on the name or an alias we accept a close one: most characters in order (longest common
 * subsequence), or one name containing the other, and only when one project clearly wins.
 */
import { letters } from './text';

export interface ProjectNames {
  id: string;
  names: string[];
}

function normalise(name: string): string {
  // "2#楼" and "2号楼" are the same building.
  return letters(name.replace(/[#＃]/gu, '号'));
}

function lcsLength(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] ?? 0;
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(above, prev[j - 1] ?? 0);
      diag = above;
    }
  }
  return prev[b.length] ?? 0;
}

/** 0..1: how alike two normalised names are. */
export function nameSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && short.length >= long.length * 0.4 && long.includes(short)) return 0.9;
  return lcsLength(a, b) / long.length;
}

const THRESHOLD = 0.8;
const MARGIN = 0.08;

export function matchProject(written: string, catalog: ReadonlyArray<ProjectNames>): string | null {
  const w = normalise(written);
  if (!w) return null;
  const scored = catalog
    .map((p) => ({
      id: p.id,
      score: Math.max(...p.names.map((n) => nameSimilarity(w, normalise(n)))),
    }))
    .sort((x, y) => y.score - x.score);
  const [best, second] = scored;
  if (!best || best.score < THRESHOLD) return null;
  if (best.score < 1 && second && best.score - second.score < MARGIN) return null;
  return best.id;
}
