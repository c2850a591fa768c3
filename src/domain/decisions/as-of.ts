/**
 * An item as it stood at a moment, from its history: `duban decisions list --now ISO` and the
 * ledger show the record as of a date, not only as of today.
 */
import type { AgreedItem, ItemEvent, ItemState } from './types';

const STATE_AFTER: Partial<Record<ItemEvent['kind'], ItemState>> = {
  recorded: 'open',
  reported_done: 'awaiting_confirmation',
  confirmed: 'closed',
  sent_back: 'open',
  reopened: 'open',
};

/** The item at `asOf` (its state and closing from the events up to then); null before it was recorded. */
export function itemAsOf(
  item: AgreedItem,
  events: readonly ItemEvent[],
  asOf: Date,
): AgreedItem | null {
  if (item.recordedAt.getTime() > asOf.getTime()) return null;
  if (item.stateSince.getTime() <= asOf.getTime()) return item;
  let state: ItemState = 'open';
  let since = item.recordedAt;
  let closedAt: Date | null = null;
  const mine = events
    .filter((e) => e.itemId === item.id && e.at.getTime() <= asOf.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of mine) {
    const next = STATE_AFTER[e.kind];
    if (next === undefined) continue;
    state = next;
    since = e.at;
    closedAt = next === 'closed' ? e.at : null;
  }
  return { ...item, state, stateSince: since, closedAt };
}
