/**
 * Mail forwarded by a server's rule: a unit's sheet forwarded by rule is a submission, the rest
 * of what a forwarding rule passes on is recorded and never answered, and our own mail coming
 * back through a rule is ours. Header sets as Exchange, Postfix/Sieve and Coremail write them
 * (test/fixtures/eml-forwarding/make.py), read by the real parser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMessage } from '../../src/adapters/mail/parse-message';
import { firstMailbox, recoverHeaders } from '../../src/adapters/mail/header-block';
import {
  classifyMessage,
  type ClassifyContext,
  type IntakeHeaders,
  type MessageFacts,
} from '../../src/domain/intake/classify';
import { unitOfMessage } from '../../src/domain/intake/forwarding';

const DIR = path.join(__dirname, '..', 'fixtures', 'eml-forwarding');
const SCHEDULE = {
  units: [
    { id: 'jiaoyu', addresses: ['jiaoyu@example.cn'] },
    { id: 'weijian', addresses: ['weijian@example.cn'] },
  ],
} as unknown as Parameters<typeof unitOfMessage>[2];
const CTX: ClassifyContext = {
  ownAddresses: ['duban-inbox@example.cn'],
  unitAddresses: ['jiaoyu@example.cn', 'weijian@example.cn'],
};

async function fixture(name: string) {
  const msg = await parseMessage(fs.readFileSync(path.join(DIR, name)));
  const verdict = classifyMessage(msg, CTX);
  return { msg, verdict, unit: unitOfMessage(msg, verdict.reason, SCHEDULE)?.id ?? null };
}

describe('a sheet forwarded by a server rule', () => {
  test.each([
    ['exchange-inbox-rule-forward.eml', 'X-MS-Exchange-Inbox-Rules-Loop'],
    ['postfix-sieve-redirect.eml', 'Resent-From'],
    ['coremail-auto-forward.eml', 'Auto-Submitted: auto-forwarded'],
  ])('%s is the unit’s submission (%s)', async (name, header) => {
    const { verdict, unit } = await fixture(name);
    expect(verdict).toMatchObject({ kind: 'submission_candidate', reason: 'FORWARDED_BY_RULE' });
    expect(verdict.detail).toContain(header);
    expect(unit).toBe('jiaoyu');
  });

  test('a stranger’s forward is a candidate without a unit (quarantined, not answered)', async () => {
    const { verdict, unit } = await fixture('stranger-gmail-forward.eml');
    expect(verdict).toMatchObject({ kind: 'submission_candidate', reason: 'FORWARDED_BY_RULE' });
    expect(unit).toBeNull();
  });

  test('a forward without a sheet is recorded with the unit and never answered', async () => {
    const { verdict, unit } = await fixture('coremail-auto-forward-no-sheet.eml');
    expect(verdict).toMatchObject({ kind: 'auto_forwarded', reason: 'FORWARDED_WITHOUT_SHEET' });
    expect(unit).toBe('jiaoyu');
  });
});

function headers(overrides: Partial<IntakeHeaders> = {}): IntakeHeaders {
  return {
    autoSubmitted: [],
    xAutoreply: [],
    xAutorespond: [],
    xAutoResponseSuppress: [],
    precedence: [],
    returnPath: ['<jiaoyu@example.cn>'],
    contentType: ['multipart/mixed; boundary=x'],
    xLoop: [],
    listId: [],
    authenticationResults: [],
    xFailedRecipients: [],
    dispositionNotificationTo: [],
    xForwardedFor: [],
    xForwardedTo: [],
    xMsExchangeInboxRulesLoop: [],
    resentFrom: [],
    resentTo: [],
    resentSender: [],
    xOriginalTo: [],
    deliveredTo: [],
    ...overrides,
  };
}

const SHEET = { kind: 'sheet' as const, viaForward: false };

function mail(
  overrides: Partial<Omit<MessageFacts, 'headers'>> & { headers?: Partial<IntakeHeaders> } = {},
): MessageFacts {
  return {
    from: { address: 'jiaoyu@example.cn', name: '' },
    sender: null,
    subject: '第一批重点项目问题清单',
    attachments: [SHEET],
    ...overrides,
    headers: headers(overrides.headers),
  };
}

describe('what forwarding does not change', () => {
  test('an automatic answer passed on by a rule stays an automatic answer, sheet or not', () => {
    for (const h of [
      { autoSubmitted: ['auto-replied'], xForwardedTo: ['duban-inbox@example.cn'] },
      { xAutoreply: ['yes'], resentFrom: ['jiaoyu@example.cn'] },
    ]) {
      expect(classifyMessage(mail({ headers: h }), CTX).kind).toBe('auto_reply');
    }
  });

  test('an Exchange out-of-office (rules header, Return-Path <>) is still an auto-reply', () => {
    const msg = mail({
      attachments: [],
      subject: '我正在休假，3月20日返回',
      headers: { returnPath: ['<>'], xMsExchangeInboxRulesLoop: ['jiaoyu@example.cn'] },
    });
    expect(classifyMessage(msg, CTX)).toMatchObject({
      kind: 'auto_reply',
      reason: 'NULL_RETURN_PATH',
    });
  });

  test('X-Original-To naming our own mailbox (every delivery writes it) is no forward', () => {
    const msg = mail({
      attachments: [],
      headers: { xOriginalTo: ['duban-inbox@example.cn'], deliveredTo: ['duban-inbox@example.cn'] },
    });
    expect(classifyMessage(msg, CTX).reason).toBe('NO_AUTOMATIC_SIGNAL');
    const unitBox = mail({ attachments: [], headers: { xOriginalTo: ['jiaoyu@example.cn'] } });
    expect(classifyMessage(unitBox, CTX).reason).toBe('FORWARDED_WITHOUT_SHEET');
  });

  test('Auto-Submitted: auto-generated alone still decides (no forwarding header)', () => {
    const msg = mail({ headers: { autoSubmitted: ['auto-generated'] } });
    expect(classifyMessage(msg, CTX)).toMatchObject({
      kind: 'auto_reply',
      reason: 'AUTO_SUBMITTED',
    });
  });

  test('our own mail forwarded back by a unit’s rule is ours, template and all', () => {
    const forwarded = { xMsExchangeInboxRulesLoop: ['jiaoyu@example.cn'] };
    const threaded = mail({
      headers: forwarded,
      references: ['<duban.0123456789abcdef@example.cn>'],
    });
    expect(
      classifyMessage(threaded, { ...CTX, ownAddresses: ['duban-inbox@example.cn'] }),
    ).toMatchObject({
      kind: 'own_mail',
      reason: 'OWN_MAIL_FORWARDED',
    });
    const enclosed = mail({
      headers: forwarded,
      forwarded: [{ from: { address: 'duban-inbox@example.cn', name: '' } }],
    });
    expect(classifyMessage(enclosed, CTX).reason).toBe('OWN_MAIL_FORWARDED');
  });

  test('a forward is attributed by From first, then Resent-From, then Sender', () => {
    const viaResent = mail({
      from: { address: 'kezhang@mail.example.org', name: '' },
      sender: { address: 'weijian@example.cn', name: '' },
      headers: { resentFrom: ['"区教育局" <jiaoyu@example.cn>'] },
    });
    expect(unitOfMessage(viaResent, 'FORWARDED_BY_RULE', SCHEDULE)?.id).toBe('jiaoyu');
    // Not forwarded: Resent-From and Sender are not looked at.
    expect(unitOfMessage(viaResent, 'NO_AUTOMATIC_SIGNAL', SCHEDULE)).toBeNull();
  });
});

describe('the header-only read of a message the MIME reader refuses', () => {
  const nested = fs.readFileSync(
    path.join(__dirname, '..', 'fixtures', 'eml', '11_nested-multipart-depth1000.eml'),
  );

  test('recovers From, Subject and the automatic-mail headers of the first block only', () => {
    const raw = Buffer.concat([
      Buffer.from(
        'From: =?UTF-8?B?5Yy65pWZ6IKy5bGA?= <JiaoYu@Example.cn>\r\n' +
          'Subject: =?GB2312?B?19S2r7vYuLQ=?=\r\nAuto-Submitted: auto-replied\r\n' +
          'Message-ID: <n-1@example.cn>\r\n',
      ),
      nested.subarray(nested.indexOf('\n') + 1),
    ]);
    const got = recoverHeaders(raw);
    expect(got).toMatchObject({
      from: { address: 'jiaoyu@example.cn' },
      subject: '自动回复',
      messageId: '<n-1@example.cn>',
    });
    expect(got?.headers.autoSubmitted).toEqual(['auto-replied']);
    expect(got?.headers.contentType[0]).toContain('multipart/mixed');
  });

  test('takes the address in angle brackets, never one shown in the display name', () => {
    expect(firstMailbox('"jiaoyu@example.cn" <someone@example.org>')?.address).toBe(
      'someone@example.org',
    );
    expect(firstMailbox('jiaoyu@example.cn (区教育局)')?.address).toBe('jiaoyu@example.cn');
    expect(firstMailbox('undisclosed-recipients:;')).toBeNull();
  });

  test('gives null for bytes that are no message', () => {
    expect(recoverHeaders(Buffer.from('\r\n\r\nFrom: x@example.cn\r\n'))).toBeNull();
    expect(recoverHeaders(Buffer.alloc(200_000, 0x41))).toBeNull();
  });
});
