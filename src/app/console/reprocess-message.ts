/**
 * Reprocessing a stored message after the office fixed the schedule (a unit's new address, a
 * project's name): processed again with the schedule in force, answered under the reprocess's own
 * key (`reprocess:<id>:<n>`) so that an earlier answer does not hide the new one.
 */
import { reprocessKey } from '../../domain/mail-key';
import type { IntakeOutcome } from '../intake/outcome';
import { processMessage } from '../intake/process-message';
import { OFFICE_EVENTS, type ActionAnswer, type OfficeActionDeps } from './office-actions';

export type ReprocessResult =
  | { ok: true; outcome: IntakeOutcome; answer: ActionAnswer & { sequence: number } }
  | { ok: false; error: 'no_message' };

export async function reprocessMessage(
  deps: OfficeActionDeps,
  input: { rawMessageId: number; by: string },
): Promise<ReprocessResult> {
  const { intake } = deps;
  const id = input.rawMessageId;
  const row = await deps.reads.message(id);
  if (!row) return { ok: false, error: 'no_message' };
  const sequence = (await deps.reads.actionCount(id, OFFICE_EVENTS.reprocessed)) + 1;
  const key = reprocessKey(id, sequence);
  const before = await intake.outbox.summary(key);
  const outcome = await processMessage(intake, id, { answerKey: key });
  for (const k of outcome.mailKeys) await intake.outbox.deliver(k, `${deps.claimedBy}:reprocess`);
  const after = outcome.mailKeys.includes(key) ? await intake.outbox.summary(key) : null;
  const answer = {
    sequence,
    key: after ? key : null,
    queued: after !== null && before === null,
    status: after?.status ?? null,
  };
  await deps.records.record(
    {
      event: OFFICE_EVENTS.reprocessed,
      actor: input.by,
      rawMessageId: id,
      unitId: outcome.unit,
      reportingWeek: outcome.week,
      submissionId: outcome.submissionId,
      details: {
        before: { outcome: row.outcome, reason: row.reason },
        outcome: outcome.outcome,
        reason: outcome.reason,
        sequence,
        key: answer.key,
        queued: answer.queued,
      },
    },
    intake.clock.now(),
  );
  return { ok: true, outcome, answer };
}
