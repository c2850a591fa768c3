/**
 * Matching a unit's name as written (责任单位 in an agreed item, 问题责任部门 in a sheet) to the
 * schedule's units, tolerant as project names are: 区财政局, 财政局 and "区 财政局" are one unit;
 * after an exact match on the name or an alias (the district prefix 区 ignored), a close spelling
 * is accepted when one unit clearly wins (src/domain/sheet/match.ts).
 */
import type { Unit } from '../config/schedule';
import { matchProject } from './sheet/match';
import { compact, splitNames } from './sheet/text';

/** The key a unit name is compared by: spaces gone, the leading 区 dropped. */
export function unitNameKey(name: string): string {
  return compact(name).replace(/^区(?=..)/u, '');
}

/** The id of the unit `written` names, or null when none does (clearly). */
export function matchUnit(units: readonly Unit[], written: string): string | null {
  const key = unitNameKey(written);
  if (!key) return null;
  for (const u of units) {
    if ([u.name, ...u.aliases].some((n) => unitNameKey(n) === key)) return u.id;
  }
  return matchProject(
    key,
    units.map((u) => ({ id: u.id, names: [u.name, ...u.aliases].map(unitNameKey) })),
  );
}

/** Names in a cell ("区财政局、区住建局") split and matched: ids, and names matching no unit. */
export function matchUnitNames(
  units: readonly Unit[],
  text: string,
): { ids: string[]; unmatched: string[] } {
  const ids: string[] = [];
  const unmatched: string[] = [];
  for (const name of splitNames(text)) {
    const id = matchUnit(units, name);
    if (id === null) {
      if (!unmatched.includes(name)) unmatched.push(name);
    } else if (!ids.includes(id)) ids.push(id);
  }
  return { ids, unmatched };
}
