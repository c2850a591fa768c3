/**
 * The score of the assessment record: only when the schedule defines weights
 * (schedule.assessment.weights), and always with its formula written out, so nobody has to
 * trust a hidden number: "2×按时报送(5) + (−5)×未报送(1) = 5".
 */
import { factLabel } from './definitions';
import { ASSESSMENT_FACT_NAMES as FACT_NAMES } from './fact-names';
import type { AssessmentFacts } from './types';

/** "−5" with a true minus sign; integers as they are, others with at most two decimals. */
function numberText(n: number): string {
  const text = Number.isInteger(n)
    ? String(Math.abs(n))
    : String(Math.round(Math.abs(n) * 100) / 100);
  return n < 0 ? `−${text}` : text;
}

/**
 * Σ weight × fact over the weighted facts (in the record's order; weights naming no fact are
 * ignored: the schedule's check reports them). A negative weight is written in brackets.
 */
export function scoreOf(
  facts: Omit<AssessmentFacts, 'score'>,
  weights: Readonly<Record<string, number>>,
): { value: number; formula: string } {
  const terms: string[] = [];
  let value = 0;
  for (const name of FACT_NAMES) {
    const weight = weights[name];
    if (weight === undefined || !Number.isFinite(weight)) continue;
    const fact = facts[name];
    value += weight * fact;
    const w = weight < 0 ? `(${numberText(weight)})` : numberText(weight);
    terms.push(`${w}×${factLabel(name)}(${fact})`);
  }
  value = Math.round(value * 100) / 100;
  const formula = terms.length === 0 ? `0 = 0` : `${terms.join(' + ')} = ${numberText(value)}`;
  return { value, formula };
}
