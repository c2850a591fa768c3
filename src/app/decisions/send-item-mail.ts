/**
 * Sending one mail about agreed items (交办, 督办单, 退回, the departments' list), exactly once by
 * its key — the pattern of src/app/reminders/send.ts: a mail queued by an earlier run (or a racing
 * worker) is delivered as it was composed; compose → outbox.queue → outbox.deliver(key,
 * claimedBy); a temporary failure is handed to the outbound queue. A mail already sent (or
 * refused for good) is left alone and not reported again.
 */
import { randomUUID } from 'node:crypto';
import type { ComposedItemMail } from '../../domain/decisions/mails/item-mail';
import { mailAddress } from '../../domain/mail/address';
import type { OutgoingMail } from '../../domain/mail/outgoing-mail';
import type { Outbox, SendOutcome } from '../ports/outbox';
import type { DecisionMailDeps } from './deps';

/** What happened to one mail (`duban follow-up --json`, the logs). */
export interface ItemMailReport {
  key: string;
  kind: ComposedItemMail['kind'];
  unitId: string;
  itemIds: string[];
  colour: 'blue' | 'yellow' | 'red' | null;
  to: string[];
  cc: string[];
  subject: string;
  outcome: string;
}

function toOutgoing(mail: ComposedItemMail, deps: DecisionMailDeps): OutgoingMail {
  return {
    key: mail.key,
    kind: mail.kind,
    autoSubmitted: 'auto-generated',
    from: mailAddress(deps.from, deps.schedule.programme.signature),
    to: mail.to.map((a) => ({ name: a.name, address: a.address })),
    cc: mail.cc.map((a) => ({ name: a.name, address: a.address })),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    inReplyTo: null,
    references: [],
    attachments: [],
    unitId: mail.unitId || null,
  };
}

/** Queues (once) and delivers one mail; null when it was sent or refused before. */
export async function sendItemMail(
  deps: DecisionMailDeps,
  outbox: Outbox,
  mail: ComposedItemMail,
  dryRun = false,
): Promise<ItemMailReport | null> {
  const queued = await outbox.summary(mail.key);
  if (queued && (queued.status === 'sent' || queued.status === 'failed')) return null;
  const entry: ItemMailReport = {
    key: mail.key,
    kind: mail.kind,
    unitId: mail.unitId,
    itemIds: mail.itemIds,
    colour: mail.colour,
    to: mail.to.map((a) => a.address),
    cc: mail.cc.map((a) => a.address),
    subject: queued?.subject ?? mail.subject,
    outcome: 'dry_run',
  };
  if (dryRun) return entry;
  if (mail.to.length === 0) {
    deps.logger.warn({ mailKey: mail.key, unit: mail.unitId }, 'item mail has no recipient');
    entry.outcome = 'no_recipient';
    return entry;
  }
  if (!queued) await outbox.queue(toOutgoing(mail, deps));
  const claimedBy = `${deps.workerName}:${mail.kind}:${randomUUID().slice(0, 8)}`;
  const outcome: SendOutcome | 'missing' = await outbox.deliver(mail.key, claimedBy);
  entry.outcome = outcome;
  if (outcome === 'retry' && deps.enqueueOutbound) await deps.enqueueOutbound(mail.key);
  deps.logger.info(
    { mailKey: mail.key, kind: mail.kind, unit: mail.unitId, outcome },
    'item mail handled',
  );
  return entry;
}
