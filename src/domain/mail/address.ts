/**
 * Mail addresses as duban handles them: one plain addr-spec and a cleaned display name, checked
 * before anything is built or sent. Pure (no I/O): the use cases build addresses with these, the
 * mail adapter checks them again before handing them to nodemailer.
 *
 * Hazard (docs/pitfalls.md): nodemailer parses address STRINGS as RFC 5322 lists, so
 * 'a@x\r\nBcc: evil@y' became a group and the mail went to the attacker. Addresses therefore
 * travel only as `{ name, address }` objects whose address passed `checkAddress`.
 */
import { DubanError } from '../../errors';
import { oneLine } from '../one-line';

/** A sender or recipient. Only ever built through `checkAddress` / `mailAddress`. */
export interface MailAddress {
  /** Display name (may be empty); control characters removed, capped. */
  readonly name: string;
  /** One plain addr-spec (local@domain), ASCII. */
  readonly address: string;
}

export type AutoSubmitted = 'auto-replied' | 'auto-generated';

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

const DISPLAY_NAME_MAX = 64;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$/;

/**
 * True for exactly one plain address: a dot-atom local part, "@", and a domain of at least two
 * DNS labels; ASCII only, at most 254 characters. No display name, no angle brackets, no
 * comments, no quoted local part, no list, no group, no whitespace inside: anything a header
 * or an address parser could read as more than one address is refused, not repaired.
 */
export function isPlainAddress(text: string): boolean {
  if (text.length === 0 || text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at !== text.indexOf('@')) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  return (
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    !/^\d+$/.test(labels.at(-1) ?? '')
  );
}

export type AddressCheck = { ok: true; value: MailAddress } | { ok: false; reason: string };

/** Validates an address (surrounding whitespace is ignored) and cleans its display name. */
export function checkAddress(input: { address: string; name?: string | null }): AddressCheck {
  const address = input.address.trim();
  if (!isPlainAddress(address)) {
    return {
      ok: false,
      reason: `not a single plain address: ${JSON.stringify(oneLine(input.address, 80))}`,
    };
  }
  return { ok: true, value: { name: oneLine(input.name ?? '', DISPLAY_NAME_MAX), address } };
}

/** A validated address; throws MAIL_ADDRESS_INVALID otherwise. */
export function mailAddress(address: string, name = ''): MailAddress {
  const checked = checkAddress({ address, name });
  if (!checked.ok) throw new DubanError('MAIL_ADDRESS_INVALID', checked.reason);
  return checked.value;
}
