/**
 * A message the mail reader refused (MESSAGE_TOO_COMPLEX, MESSAGE_UNREADABLE): its From is
 * recovered from the top-level header block alone (MailReader.recoverHeaders), and a registered
 * unit whose mail is not automatic is told that it could not be read. Strangers and automatic
 * senders get nothing, as before; the outcome is recorded with the unit when there is one.
 */
import { classifyMessage } from '../../domain/intake/classify';
import type { RecoveredHeaders } from '../../domain/intake/message';
import { composeUnreadableReply, type UnreadableCause } from '../../domain/intake/replies';
import { unitForSender } from '../../domain/intake/sender';
import { mailAddress } from '../../domain/mail/address';
import type { StoredMessage } from '../ports/intake-store';
import type { IntakeDeps, IntakeWrites } from './deps';
import { queueReply, type IntakeOutcome } from './outcome';
import { traceUnit } from './unit-trace';

export interface UnreadableMessage {
  /** What was recovered of it, for the outcome's record; null when no From was found. */
  recovered: RecoveredHeaders | null;
  /** The answer's writes, when a unit is answered. */
  writes?: (tx: IntakeWrites) => Promise<void>;
}

export async function unreadableMessage(
  deps: IntakeDeps,
  row: StoredMessage,
  cause: UnreadableCause,
  answerKey: string,
  result: IntakeOutcome,
): Promise<UnreadableMessage> {
  const { schedule, settings } = deps;
  const recovered = deps.mail.recoverHeaders(row.raw);
  if (!recovered) return { recovered: null };
  const unit = unitForSender(recovered.from.address, schedule);
  const arrival = row.internalDate ?? row.receivedAt;
  await traceUnit(deps, unit, arrival, result);
  if (!unit) return { recovered };
  const kind = classifyMessage(
    { ...recovered, attachments: [] },
    {
      ownAddresses: [schedule.programme.mailbox, settings.from],
      authservId: settings.authservId,
      unitAddresses: schedule.units.flatMap((u) => u.addresses),
    },
  );
  if (kind.kind !== 'submission_candidate') return { recovered };
  // A copy of the same mail under another UID was answered already.
  if (recovered.messageId) {
    const holder = await deps.store.claimMessageId(
      { rawMessageId: row.id, sender: recovered.from.address, messageId: recovered.messageId },
      deps.clock.now(),
    );
    if (holder !== row.id) return { recovered };
  }
  const now = deps.clock.now();
  const reply = composeUnreadableReply(
    {
      schedule,
      unit,
      reportingWeek: result.week,
      late: null,
      deadline: null,
      receivedAt: arrival.toISOString(),
      original: {
        messageId: recovered.messageId,
        references: [],
        subject: recovered.subject,
        from: { address: recovered.from.address, name: '' },
      },
      attachments: [],
    },
    cause,
    now,
  );
  return {
    recovered,
    writes: (tx) =>
      queueReply(tx.outbox, result, reply, {
        key: answerKey,
        from: mailAddress(settings.from, schedule.programme.signature),
        rawMessageId: row.id,
        unitId: unit.id,
        reportingWeek: result.week,
      }),
  };
}
