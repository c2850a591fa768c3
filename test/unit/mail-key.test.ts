import { formatMailKey, isAnswerTo, parseMailKey, type MailKey } from '../../src/domain/mail-key';

describe('mail keys', () => {
  const keys: Array<[MailKey, string]> = [
    [{ kind: 'reply', rawMessageId: 42 }, 'reply:42'],
    [{ kind: 'release', rawMessageId: 42, release: 2 }, 'release:42:2'],
    [{ kind: 'reprocess', rawMessageId: 42, reprocess: 1 }, 'reprocess:42:1'],
    [
      { kind: 'reminder', week: '2021-03-15', unitId: 'jiaoyu', stage: 'overdue' },
      'reminder:2021-03-15:jiaoyu:overdue',
    ],
    [{ kind: 'digest', week: '2021-03-15', version: 2 }, 'digest:2021-03-15:v2'],
    [{ kind: 'config-error', sha: 'ab'.repeat(32) }, `config-error:${'ab'.repeat(32)}`],
  ];

  it.each(keys)('formats %j as the stored string and parses it back', (key, text) => {
    expect(formatMailKey(key)).toBe(text);
    expect(parseMailKey(text)).toEqual(key);
  });

  it.each([
    'receipt:headers',
    'reminder:2021-03-15:jiaoyu',
    'reminder:2021-03-15:jiaoyu:overdue:extra',
    'digest:2021-03-15:2',
    'digest:2021-03-15:v0',
    'reply:abc',
    'release:42',
    'release:42:0',
    'reprocess:42',
    'reprocess:0:1',
    '',
  ])('parses %j as no key of duban', (text) => {
    expect(parseMailKey(text)).toBeNull();
  });

  it('tells the answers to a message from other mails', () => {
    expect(['reply:42', 'release:42:1', 'reprocess:42:2'].every((k) => isAnswerTo(k, 42))).toBe(
      true,
    );
    expect(
      ['reply:420', 'release:4:2', 'digest:2021-03-15:v1'].some((k) => isAnswerTo(k, 42)),
    ).toBe(false);
  });
});
