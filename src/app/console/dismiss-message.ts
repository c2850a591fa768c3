/**
 * Dismissing a held message: the office decided it needs nothing (spam, a duplicate sent by
 * hand). Recorded in the audit log with the office's note; the quarantine page leaves it out
 * until the message is processed again.
 */
import type { OfficeReads, OfficeRecords } from '../ports/office-reads';
import { OFFICE_EVENTS } from './office-actions';

export type DismissResult = { ok: true } | { ok: false; error: 'no_message' | 'no_note' };

/** Longest note kept (characters). */
export const MAX_NOTE = 500;

export async function dismissMessage(
  deps: { reads: Pick<OfficeReads, 'message'>; records: OfficeRecords },
  input: { rawMessageId: number; note: string; by: string },
  now: Date,
): Promise<DismissResult> {
  const note = input.note.trim().slice(0, MAX_NOTE);
  if (!note) return { ok: false, error: 'no_note' };
  const row = await deps.reads.message(input.rawMessageId);
  if (!row) return { ok: false, error: 'no_message' };
  await deps.records.record(
    {
      event: OFFICE_EVENTS.dismissed,
      actor: input.by,
      rawMessageId: row.id,
      unitId: row.unitId,
      reportingWeek: row.week,
      details: { note, outcome: row.outcome, reason: row.reason },
    },
    now,
  );
  return { ok: true };
}
