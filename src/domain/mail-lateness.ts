/**
 * How late an outgoing mail is: the one rule the sweeper, `duban health`, /readyz's neighbours
 * (/metrics, /ops) all judge by. A mail is late once it has waited longer than the claim lease
 * (MAIL_CLAIM_LEASE_MS: a sender that took it may have died), and an error after an hour.
 */

/** A mail still not sent this long after it was queued is an error, not only a warning. */
export const LATE_ERROR_AFTER_MS = 60 * 60_000;

/** How late a mail queued `ageMs` ago and not sent is: null while within its window. */
export function lateness(ageMs: number, leaseMs: number): 'warn' | 'error' | null {
  if (ageMs >= Math.max(LATE_ERROR_AFTER_MS, leaseMs)) return 'error';
  return ageMs >= leaseMs ? 'warn' : null;
}
