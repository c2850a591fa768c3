/**
 * A variable that looks like one of duban's (its prefix is a section's) but is not one stops the
 * service with a problem naming the intended variable: a misspelt or borrowed name would
 * otherwise be ignored in silence (SMTP_TLS=true would not turn TLS on).
 */
import { closest } from '../suggest';
import type { EnvReader } from './reader';

/** Names other software (and duban's first compose file) use for what duban calls otherwise. */
const BORROWED: Readonly<Record<string, string>> = {
  IMAP_TLS: 'IMAP_SECURE',
  IMAP_SSL: 'IMAP_SECURE',
  SMTP_TLS: 'SMTP_SECURE',
  SMTP_SSL: 'SMTP_SECURE',
  SMTP_FROM: 'MAIL_FROM',
};

/** Reports each set variable starting with `prefix` that is not in `known`. */
export function reportUnknownNames(
  r: EnvReader,
  prefix: string,
  known: readonly string[],
  suggestions: readonly string[] = known,
): void {
  const accepted = new Set(known);
  for (const name of r.namesWithPrefix(prefix).filter((n) => !accepted.has(n))) {
    const guess = BORROWED[name] ?? closest(name, suggestions);
    r.problem(`${name}: not a duban variable${guess ? ` (did you mean ${guess}?)` : ''}.`);
  }
}
