/**
 * How the service rides out the outages of a fault run: SMTP 451 windows (a refused mail is tried
 * again after about RETRY_DELAY_MS, not after a hard-wired 5 s) and Redis restarts (recorded as
 * Redis trouble, never as the mailbox's error).
 */
import type { Client } from 'pg';
import { headerFields, type CapturedMail } from '../smtp';
import { FAULT_TIMINGS } from './stack';

/** Allowed wait from a 451 to the next attempt: twice the configured delay, plus job pickup. */
export const RETRY_LIMIT_MS = 2 * FAULT_TIMINGS.RETRY_DELAY_MS + 2000;

export interface RetryCounts {
  /** Mails refused at least once. */
  refusedMails: number;
  /** Median wait from a mail's first refusal to its next attempt (ms); null when none. */
  medianRetryMs: number | null;
}

/**
 * The wait from each mail's first refusal to its next attempt (refused again or accepted). The
 * median is judged, so that one mail whose sender was killed meanwhile does not decide.
 */
export function checkRetryDelay(
  refused: CapturedMail[],
  accepted: CapturedMail[],
): { counts: RetryCounts; violations: string[] } {
  const attempts = new Map<string, number[]>();
  for (const mail of [...refused, ...accepted]) {
    const id = messageIdOf(mail);
    attempts.set(id, [...(attempts.get(id) ?? []), mail.at]);
  }
  const waits: number[] = [];
  for (const mail of refused) {
    const times = (attempts.get(messageIdOf(mail)) ?? []).sort((a, b) => a - b);
    if (times[0] !== mail.at) continue;
    const next = times[1];
    if (next !== undefined) waits.push(next - mail.at);
  }
  const refusedMails = new Set(refused.map(messageIdOf)).size;
  waits.sort((a, b) => a - b);
  const median = waits.length ? (waits[Math.floor(waits.length / 2)] as number) : null;
  const violations =
    median !== null && median > RETRY_LIMIT_MS
      ? [
          `a mail refused with 451 was tried again after ${(median / 1000).toFixed(1)} s (median of ${waits.length}); RETRY_DELAY_MS is ${FAULT_TIMINGS.RETRY_DELAY_MS} ms`,
        ]
      : [];
  return { counts: { refusedMails, medianRetryMs: median }, violations };
}

/** Mailbox errors that are Redis's (Dovecot is never disturbed in a fault run). */
export async function redisErrorsOnMailbox(client: Client, redisPort: number): Promise<string[]> {
  const rows = (
    await client.query<{ mailbox: string; last_error: string | null }>(
      'select mailbox, last_error from mailbox_state where last_error is not null',
    )
  ).rows;
  const redisLike = new RegExp(`redis|Stream isn't writeable|:${redisPort}\\b`, 'i');
  return rows
    .filter((r) => redisLike.test(r.last_error ?? ''))
    .map((r) => `mailbox ${r.mailbox}: last error "${(r.last_error ?? '').slice(0, 120)}"`);
}

function messageIdOf(mail: CapturedMail): string {
  const field = headerFields(mail.raw).find((f) => /^message-id:/i.test(f));
  return field ? field.slice('message-id:'.length).trim() : '(none)';
}
