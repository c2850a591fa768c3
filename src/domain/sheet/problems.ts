/**
 * Splitting the 存在问题 cell into the five categories.
 *
 * The sheet prints five prompts (项目审批方面： … 群众工作方面：) and the unit writes after each.
 * People reorder them, drop some, use ":" for "：", shorten them ("审批："), number them
 * ("1.项目审批方面："), or put them on separate lines. A prompt is recognised where a segment
 * starts (start of text, a new line, after 。；; or a list marker) and, for short forms, only when
 * a colon follows, so that "施工" inside a sentence is never taken for a prompt.
 *
 * Text written with no prompt at all (or before the first prompt) cannot be put in a category
 * without guessing; it is kept whole as `uncategorized`, and the caller warns the unit.
 *
 * Sheets that give each category a column of its own are read cell by cell (`readCategoryCell`)
 * into the same structure.
 */
import type { ProblemCategory } from './layout';
import { cleanMultiline, isNothing } from './text';

export type Problems = Record<ProblemCategory, string | null>;

export interface ProblemsReading {
  problems: Problems;
  uncategorized: string | null;
}

const PROMPT_WORDS: ReadonlyArray<{ key: ProblemCategory; full: string; short: string }> = [
  { key: 'approval', full: '(?:项目)?审批方面', short: '(?:项目)?审批' },
  { key: 'funding', full: '资金(?:概算)?方面|概算方面', short: '资金(?:概算)?|概算' },
  { key: 'land', full: '(?:规划)?用地方面|规划方面', short: '规划用地|用地|规划' },
  { key: 'construction', full: '(?:工程)?施工方面', short: '工程施工|施工' },
  { key: 'community', full: '群众(?:工作)?方面', short: '群众工作|群众' },
];

const SEGMENT_START = String.raw`(?:^|(?<=[\n。；;]))[ \t]*`;
const LIST_MARKER = String.raw`(?:[0-9]{1,2}[.、．)）]|[一二三四五][、.．]|[(（][0-9一二三四五][)）]|[①②③④⑤])?[ \t]*`;

const PROMPT_RE = new RegExp(
  SEGMENT_START +
    LIST_MARKER +
    '(?:' +
    PROMPT_WORDS.map(
      (p) => `(?<${p.key}F>${p.full})[ \\t]*[:：]?|(?<${p.key}S>${p.short})[ \\t]*[:：]`,
    ).join('|') +
    ')',
  'gmu',
);

export function emptyProblems(): Problems {
  return { approval: null, funding: null, land: null, construction: null, community: null };
}

function tidy(text: string): string {
  return cleanMultiline(text)
    .replace(/^[;；,，、]+|[;；,，、]+$/gu, '')
    .trim();
}

export function readProblems(raw: string): ProblemsReading {
  const text = cleanMultiline(raw);
  const problems = emptyProblems();
  const found: Array<{ key: ProblemCategory; start: number; end: number }> = [];
  for (const m of text.matchAll(PROMPT_RE)) {
    const groups = m.groups ?? {};
    const hit = PROMPT_WORDS.find((p) => groups[`${p.key}F`] ?? groups[`${p.key}S`]);
    if (!hit || m[0].trim() === '') continue;
    found.push({ key: hit.key, start: m.index, end: m.index + m[0].length });
  }
  if (found.length === 0) {
    return { problems, uncategorized: isNothing(text) ? null : text || null };
  }
  const preamble = tidy(text.slice(0, found[0]?.start ?? 0));
  found.forEach((f, i) => {
    const next = found[i + 1];
    const body = tidy(text.slice(f.end, next ? next.start : text.length));
    if (isNothing(body)) return;
    const prev = problems[f.key];
    problems[f.key] = prev ? `${prev}\n${body}` : body;
  });
  return { problems, uncategorized: preamble && !isNothing(preamble) ? preamble : null };
}

/** A category's own prompt at the start of its own column's cell ("项目审批方面：…"), to drop. */
const OWN_PROMPT: Readonly<Record<ProblemCategory, RegExp>> = Object.fromEntries(
  PROMPT_WORDS.map((p) => [
    p.key,
    new RegExp(`^${LIST_MARKER}(?:(?:${p.full})[ \\t]*[:：]?|(?:${p.short})[ \\t]*[:：])`, 'u'),
  ]),
) as Record<ProblemCategory, RegExp>;

/**
 * A cell of a category's own column: its text (the category's prompt, if repeated there, left
 * out), or null when it says nothing (empty, 无, 暂无 …).
 */
export function readCategoryCell(key: ProblemCategory, raw: string): string | null {
  const text = cleanMultiline(raw);
  const body = tidy(text.replace(OWN_PROMPT[key], ''));
  return isNothing(body) ? null : body;
}
