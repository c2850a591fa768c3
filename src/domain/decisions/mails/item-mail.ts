/**
 * What the agreed items' mails (交办通知, 督办单, 退回通知, the departments' weekly list) have in common: the
 * composed mail as the follow-up run queues it, and who a unit is as a recipient. Pure.
 */
import type { Person, Unit } from '../../../config/schedule';
import type { Recipient } from '../../programme';
import type { NoticeColour } from '../types';

/** One composed mail about items (the app adds From and Auto-Submitted). */
export interface ComposedItemMail {
  key: string;
  kind: 'assignment' | 'notice' | 'departments' | 'sendback';
  unitId: string;
  itemIds: string[];
  colour: NoticeColour | null;
  to: Recipient[];
  cc: Recipient[];
  subject: string;
  text: string;
  html: string | null;
}

/** A unit's reminder recipients (remind.to), and its remind.cc to copy. */
export function unitRecipients(unit: Unit): { to: Recipient[]; cc: Recipient[] } {
  return {
    to: unit.remind.to.map((address) => ({ name: unit.name, address })),
    cc: unit.remind.cc.map((address) => ({ name: unit.name, address })),
  };
}

export function personRecipient(p: Person): Recipient {
  return { name: p.title, address: p.email };
}

/** `to` and `cc` with each address once (compared without case); an address in `to` is not copied. */
export function onceEach(to: Recipient[], cc: Recipient[]): { to: Recipient[]; cc: Recipient[] } {
  const seen = new Set<string>();
  const once = (r: Recipient): boolean => {
    const key = r.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  return { to: to.filter(once), cc: cc.filter(once) };
}

/** "20210316" from "2021-03-16". */
export function compactDate(iso: string): string {
  return iso.replaceAll('-', '');
}
