/** unitForSender: exact, case-insensitive address match; display names never count. */
import type { Unit } from '../../src/config/schedule';
import { normalizeAddress, unitForSender } from '../../src/domain/intake/sender';

function unit(id: string, addresses: string[]): Unit {
  return {
    id,
    name: id,
    aliases: [],
    addresses,
    remind: { to: addresses, cc: [] },
    head: null,
  };
}

const schedule = {
  units: [
    unit('education', ['jyj@example.cn', 'jyj-office@example.cn']),
    unit('transport', ['jtj@example.cn']),
  ],
};

describe('unitForSender', () => {
  test('finds the unit whose registered address matches', () => {
    expect(unitForSender('jtj@example.cn', schedule)?.id).toBe('transport');
    expect(unitForSender('jyj-office@example.cn', schedule)?.id).toBe('education');
  });

  test('ignores case and surrounding spaces', () => {
    expect(unitForSender('  JYJ@Example.CN ', schedule)?.id).toBe('education');
  });

  test('returns null for an unregistered address', () => {
    expect(unitForSender('someone@example.org', schedule)).toBeNull();
    expect(unitForSender(null, schedule)).toBeNull();
    expect(unitForSender('', schedule)).toBeNull();
  });

  test('never matches part of an address', () => {
    for (const address of ['xjyj@example.cn', 'jyj@example.cn.evil.org', 'jyj@example.c']) {
      expect(unitForSender(address, schedule)).toBeNull();
    }
  });

  test('refuses header strings, so a display name cannot carry a unit address', () => {
    for (const text of [
      '"jyj@example.cn" <attacker@example.org>',
      'jyj@example.cn <attacker@example.org>',
      'jyj@example.cn, attacker@example.org',
      'jyj@example.cn\r\nBcc: x@example.org',
    ]) {
      expect(unitForSender(text, schedule)).toBeNull();
    }
  });
});

test('normalizeAddress lower-cases a bare address and refuses anything else', () => {
  expect(normalizeAddress(' A@B.cn ')).toBe('a@b.cn');
  expect(normalizeAddress('a@b@c')).toBeNull();
  expect(normalizeAddress('<a@b.cn>')).toBeNull();
});
