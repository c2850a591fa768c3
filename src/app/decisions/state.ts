/**
 * The office's decisions on an item: 办结销号 (confirm it closed), send it back to the unit with
 * a note (the unit is told, under sendback:<id>:<n>), or reopen a closed item.
 *
 * Which state allows which change is decided here (the store refuses only a change to the state
 * an item is already in): close an open item or one awaiting confirmation; send back only an
 * item awaiting confirmation; reopen only a closed one. Otherwise ITEM_STATE_CONFLICT.
 */
import { composeSendBackMail } from '../../domain/decisions/mails/send-back';
import type { AgreedItem, ItemState } from '../../domain/decisions/types';
import { DubanError } from '../../errors';
import type { DecisionDeps, DecisionMailDeps } from './deps';
import { sendItemMail } from './send-item-mail';

const STATE_WORDS: Record<ItemState, string> = {
  open: 'open',
  awaiting_confirmation: 'awaiting confirmation',
  closed: 'closed',
};

/** The item, when it is in one of `from`; else ITEM_NOT_FOUND / ITEM_STATE_CONFLICT. */
async function itemIn(
  deps: DecisionDeps,
  id: string,
  from: readonly ItemState[],
  what: string,
): Promise<AgreedItem> {
  const item = await deps.decisions.item(id);
  if (!item) throw new DubanError('ITEM_NOT_FOUND', `no agreed item ${id}`);
  if (!from.includes(item.state)) {
    throw new DubanError(
      'ITEM_STATE_CONFLICT',
      `agreed item ${id} is ${STATE_WORDS[item.state]}: only an item ${from.map((s) => STATE_WORDS[s]).join(' or ')} can be ${what}`,
    );
  }
  return item;
}

export async function closeItem(
  deps: DecisionDeps,
  id: string,
  by: string,
  now: Date,
): Promise<AgreedItem> {
  await itemIn(deps, id, ['open', 'awaiting_confirmation'], 'closed');
  return deps.decisions.changeState(id, 'closed', { kind: 'confirmed', by, note: null }, now);
}

export async function sendBackItem(
  deps: DecisionMailDeps,
  id: string,
  request: { by: string; note: string },
  now: Date,
): Promise<AgreedItem> {
  const note = request.note.trim();
  await itemIn(deps, id, ['awaiting_confirmation'], 'sent back');
  const earlier = (await deps.decisions.events([id])).filter((e) => e.kind === 'sent_back').length;
  const item = await deps.decisions.changeState(
    id,
    'open',
    { kind: 'sent_back', by: request.by, note },
    now,
  );
  // Mailed at once; the follow-up run plans the same mail (same key) should this process die
  // before it is queued.
  await sendItemMail(
    deps,
    deps.outboxAt(now),
    composeSendBackMail({ item, note, n: earlier + 1, schedule: deps.schedule, at: now }),
  );
  return item;
}

export async function reopenItem(
  deps: DecisionDeps,
  id: string,
  request: { by: string; note: string | null },
  now: Date,
): Promise<AgreedItem> {
  await itemIn(deps, id, ['closed'], 'reopened');
  return deps.decisions.changeState(
    id,
    'open',
    { kind: 'reopened', by: request.by, note: request.note },
    now,
  );
}
