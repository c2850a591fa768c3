/**
 * Which registered unit a mail comes from, by its sender address only.
 *
 * Hazards:
 * - Display names are free text: `"jyj@example.cn" <someone@elsewhere.org>` shows a unit's
 *   address to a person reading it. Only the address counts, and only an exact match (no
 *   substring, no "contains"), so pass the parsed address, never a header string.
 * - Case: the domain is case-insensitive and mail systems here treat the local part the same
 *   way, so both sides are compared lower-cased.
 * - No normalisation beyond that (no dropping of "+tag" or dots): the office registers the
 *   addresses units really send from.
 */
import type { Schedule, Unit } from '../../config/schedule';

/**
 * A bare address: something@domain, one "@", no spaces, brackets, quotes, commas or control
 * characters. Anything else ("Name <a@b>", "a@b, c@d") is refused rather than guessed at.
 */
const BARE_ADDRESS = /^[^\s@<>"(),;:\\[\]\p{Cc}]+@[^\s@<>"(),;:\\[\]\p{Cc}]+$/u;

export function normalizeAddress(address: string | null | undefined): string | null {
  const a = (address ?? '').trim().toLowerCase();
  return BARE_ADDRESS.test(a) ? a : null;
}

/** The unit whose registered addresses include `address` (case-insensitive), or null. */
export function unitForSender(
  address: string | null | undefined,
  schedule: Pick<Schedule, 'units'>,
): Unit | null {
  const wanted = normalizeAddress(address);
  if (wanted === null) return null;
  for (const unit of schedule.units) {
    if (unit.addresses.some((registered) => registered.trim().toLowerCase() === wanted)) {
      return unit;
    }
  }
  return null;
}
