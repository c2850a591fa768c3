/**
 * Releasing a quarantined message to a unit: it is processed as that unit's mail and answered
 * under the release's own key (`release:<id>:<n>`), since its first processing may have answered
 * already. Used by the console's /quarantine page and `duban quarantine release`.
 */
import { releaseKey } from '../../domain/mail-key';
import type { IntakeOutcome } from '../intake/outcome';
import { processMessage } from '../intake/process-message';
import { OFFICE_EVENTS, type ActionAnswer, type OfficeActionDeps } from './office-actions';

export type ReleaseResult =
  | { ok: true; outcome: IntakeOutcome; release: ActionAnswer & { sequence: number; by: string } }
  | { ok: false; error: 'not_quarantined' | 'unknown_unit' };

export async function releaseMessage(
  deps: OfficeActionDeps,
  input: { rawMessageId: number; unitId: string; by: string },
): Promise<ReleaseResult> {
  const { intake } = deps;
  const id = input.rawMessageId;
  const row = await deps.reads.message(id);
  if (!row || row.outcome !== 'quarantined') return { ok: false, error: 'not_quarantined' };
  if (!intake.schedule.units.some((u) => u.id === input.unitId)) {
    return { ok: false, error: 'unknown_unit' };
  }
  const sequence = (await deps.reads.actionCount(id, OFFICE_EVENTS.released)) + 1;
  const key = releaseKey(id, sequence);
  const before = await intake.outbox.summary(key);
  const outcome = await processMessage(intake, id, { unitId: input.unitId, answerKey: key });
  for (const k of outcome.mailKeys) await intake.outbox.deliver(k, `${deps.claimedBy}:release`);
  const after = outcome.mailKeys.includes(key) ? await intake.outbox.summary(key) : null;
  const release = {
    sequence,
    by: input.by,
    key: after ? key : null,
    queued: after !== null && before === null,
    status: after?.status ?? null,
  };
  await deps.records.record(
    {
      event: OFFICE_EVENTS.released,
      actor: input.by,
      rawMessageId: id,
      unitId: input.unitId,
      reportingWeek: outcome.week,
      submissionId: outcome.submissionId,
      details: {
        reason: row.reason,
        by: input.by,
        sequence,
        outcome: outcome.outcome,
        key: release.key,
        queued: release.queued,
      },
    },
    intake.clock.now(),
  );
  return { ok: true, outcome, release };
}
