/**
 * The office's decisions on an item: 办结销号 (confirm it closed), send it back to the unit with
 * a note (the unit is told, under sendback:<id>:<n>), or reopen a closed item.
 * TODO(store): implement.
 */
import type { AgreedItem } from '../../domain/decisions/types';
import type { DecisionDeps, DecisionMailDeps } from './deps';

export async function closeItem(
  deps: DecisionDeps,
  id: string,
  by: string,
  now: Date,
): Promise<AgreedItem> {
  void deps;
  void id;
  void by;
  void now;
  throw new Error('closeItem is not implemented yet');
}

export async function sendBackItem(
  deps: DecisionMailDeps,
  id: string,
  request: { by: string; note: string },
  now: Date,
): Promise<AgreedItem> {
  void deps;
  void id;
  void request;
  void now;
  throw new Error('sendBackItem is not implemented yet');
}

export async function reopenItem(
  deps: DecisionDeps,
  id: string,
  request: { by: string; note: string | null },
  now: Date,
): Promise<AgreedItem> {
  void deps;
  void id;
  void request;
  void now;
  throw new Error('reopenItem is not implemented yet');
}
