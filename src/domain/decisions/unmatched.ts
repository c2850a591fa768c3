/**
 * The unit names written in recorded items that still match no unit of the schedule (a name
 * added to the schedule, or an alias, since the list was recorded no longer counts), for
 * `duban config check`. Pure.
 */
import type { Unit } from '../../config/schedule';
import { matchUnit } from '../unit-names';
import type { AgreedItem } from './types';

export interface UnmatchedUnitName {
  name: string;
  /** The items that name it, in id order. */
  items: string[];
}

export function unmatchedUnitNames(
  items: readonly AgreedItem[],
  units: readonly Unit[],
): UnmatchedUnitName[] {
  const byName = new Map<string, string[]>();
  for (const item of items) {
    for (const name of item.unmatchedUnits) {
      if (matchUnit(units, name) !== null) continue;
      const ids = byName.get(name) ?? [];
      if (!ids.includes(item.id)) ids.push(item.id);
      byName.set(name, ids);
    }
  }
  return [...byName].map(([name, ids]) => ({ name, items: ids }));
}
