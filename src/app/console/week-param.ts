/** A week named in a console address: a Monday, another day of a week, or nothing valid. */
import { mondayOf } from '../../domain/calendar';
import { isValidDate } from '../../domain/sheet/dates';

export type WeekParam =
  { kind: 'week'; week: string } | { kind: 'redirect'; week: string } | { kind: 'invalid' };

/** A Monday is the week; another valid date names its week (redirect); anything else is invalid. */
export function weekParam(text: string): WeekParam {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) return { kind: 'invalid' };
  const monday = mondayOf(text);
  return monday === text ? { kind: 'week', week: text } : { kind: 'redirect', week: monday };
}
