/**
 * classifyMessage: automatic mail is never taken for a submission, and a real submission is not
 * lost to a weak signal. Pure tests over header values; the corpus messages are classified in
 * test/integration/mail-corpus.test.ts.
 */
import {
  classifyMessage,
  type ClassifyContext,
  type IntakeHeaders,
  type MessageFacts,
} from '../../src/domain/intake/classify';

const CTX: ClassifyContext = { ownAddresses: ['Office@Example.cn'] };

function headers(overrides: Partial<IntakeHeaders> = {}): IntakeHeaders {
  return {
    autoSubmitted: [],
    xAutoreply: [],
    xAutorespond: [],
    xAutoResponseSuppress: [],
    precedence: [],
    returnPath: ['<unit@example.cn>'],
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
    from: { address: 'unit@example.cn', name: '教育局' },
    sender: null,
    subject: '第一批重点项目问题清单（教育局）',
    attachments: [SHEET],
    ...overrides,
    headers: headers(overrides.headers),
  };
}

describe('a person sending a sheet', () => {
  test('is a submission candidate when nothing looks automatic', () => {
    expect(classifyMessage(mail(), CTX)).toEqual({
      kind: 'submission_candidate',
      reason: 'NO_AUTOMATIC_SIGNAL',
      detail: '',
    });
  });

  test('is a candidate even without an attachment (the next step asks for it)', () => {
    expect(classifyMessage(mail({ attachments: [] }), CTX).kind).toBe('submission_candidate');
  });

  test('is not made automatic by asking for a read receipt', () => {
    const msg = mail({ headers: { dispositionNotificationTo: ['unit@example.cn'] } });
    expect(classifyMessage(msg, CTX).kind).toBe('submission_candidate');
  });

  test('is not made automatic by X-Auto-Response-Suppress alone (a request, not a signal)', () => {
    for (const attachments of [[SHEET], []]) {
      const msg = mail({ attachments, headers: { xAutoResponseSuppress: ['All'] } });
      expect(classifyMessage(msg, CTX).kind).toBe('submission_candidate');
    }
  });

  test('is not made automatic by Auto-Submitted: no', () => {
    const msg = mail({ headers: { autoSubmitted: ['no'] } });
    expect(classifyMessage(msg, CTX).kind).toBe('submission_candidate');
  });

  test.each([
    '回复：关于自动回复设置的问题',
    '关于国庆休假期间安排的报告',
    'Re: Automatic reply: 问题清单',
    '转发：退信原因说明',
  ])('is not matched by a subject that only mentions automatic mail: %s', (subject) => {
    expect(classifyMessage(mail({ subject, attachments: [] }), CTX).kind).toBe(
      'submission_candidate',
    );
  });
});

describe('strong signals decide alone, sheet or not', () => {
  test.each<[Partial<IntakeHeaders>, string, string]>([
    [{ autoSubmitted: ['auto-replied'] }, 'auto_reply', 'AUTO_SUBMITTED'],
    [{ autoSubmitted: ['auto-generated (vacation)'] }, 'auto_reply', 'AUTO_SUBMITTED'],
    [{ xAutoreply: ['yes'] }, 'auto_reply', 'AUTOREPLY_HEADER'],
    [{ xAutorespond: ['1'] }, 'auto_reply', 'AUTOREPLY_HEADER'],
    [{ precedence: ['auto_reply'] }, 'auto_reply', 'AUTOREPLY_HEADER'],
    [{ returnPath: ['<>'] }, 'auto_reply', 'NULL_RETURN_PATH'],
    [{ returnPath: ['<<>>'] }, 'auto_reply', 'NULL_RETURN_PATH'],
    [{ returnPath: ['<MAILER-DAEMON>'] }, 'bounce', 'MAILER_DAEMON'],
    [{ xFailedRecipients: ['unit@example.cn'] }, 'bounce', 'FAILED_RECIPIENTS'],
    [
      { contentType: ['multipart/report; report-type=delivery-status; boundary=x'] },
      'bounce',
      'DSN_REPORT',
    ],
    [
      { contentType: ['multipart/report; report-type="disposition-notification"'] },
      'read_receipt',
      'MDN_REPORT',
    ],
    [
      { contentType: ['multipart/report; report-type=feedback-report'] },
      'auto_reply',
      'FEEDBACK_REPORT',
    ],
    [{ contentType: ['multipart/report; report-type=tlsrpt'] }, 'auto_reply', 'OTHER_REPORT'],
  ])('%j → %s (%s)', (h, kind, reason) => {
    expect(classifyMessage(mail({ headers: h }), CTX)).toMatchObject({ kind, reason });
  });

  test.each(['MAILER-DAEMON@mail.example.net', 'postmaster@example.cn', 'Mailer_Daemon@x.cn'])(
    'mail from %s is a bounce',
    (address) => {
      const msg = mail({ from: { address, name: 'Mail Delivery System' } });
      expect(classifyMessage(msg, CTX)).toMatchObject({ kind: 'bounce', reason: 'MAILER_DAEMON' });
    },
  );

  test('an automatic header with a bounce subject is a bounce', () => {
    const msg = mail({ subject: '系统退信', headers: { autoSubmitted: ['auto-replied'] } });
    expect(classifyMessage(msg, CTX)).toMatchObject({ kind: 'bounce', reason: 'AUTO_SUBMITTED' });
  });

  test('a report without report-type from MAILER-DAEMON is a bounce', () => {
    const msg = mail({
      from: { address: 'mailer-daemon@example.com', name: '' },
      headers: { contentType: ['multipart/report;'] },
    });
    expect(classifyMessage(msg, CTX)).toMatchObject({ kind: 'bounce', reason: 'MAILER_DAEMON' });
  });
});

describe('weak signals', () => {
  test.each([
    ['自动回复：第一批重点项目问题清单', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['【自动回复】您好，我已休假', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['自动答复: 问题清单', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['Automatic reply: 问题清单', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['Auto Reply: 问题清单', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['Out of Office: 问题清单', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['休假中', 'auto_reply', 'AUTO_REPLY_SUBJECT'],
    ['Undeliverable: 问题清单', 'bounce', 'BOUNCE_SUBJECT'],
    ['Delivery Status Notification (Failure)', 'bounce', 'BOUNCE_SUBJECT'],
    ['系统退信', 'bounce', 'BOUNCE_SUBJECT'],
    ['退信：问题清单', 'bounce', 'BOUNCE_SUBJECT'],
    ['已读: 问题清单', 'read_receipt', 'READ_RECEIPT_SUBJECT'],
  ])('subject "%s" without a sheet → %s', (subject, kind, reason) => {
    expect(classifyMessage(mail({ subject, attachments: [] }), CTX)).toMatchObject({
      kind,
      reason,
    });
  });

  test.each<[string, Partial<IntakeHeaders>]>([
    ['Precedence: bulk', { precedence: ['bulk'] }],
    ['Precedence: junk', { precedence: ['junk'] }],
    ['List-Id', { listId: ['<office.lists.example.cn>'] }],
    ['Precedence: list', { precedence: ['list'] }],
  ])('%s without a sheet is automatic', (_label, h) => {
    expect(classifyMessage(mail({ attachments: [], headers: h }), CTX).kind).toBe('auto_reply');
  });

  test('one weak signal on a mail that carries a sheet is outweighed', () => {
    for (const msg of [
      mail({ subject: '休假前报送：问题清单' }),
      mail({ headers: { precedence: ['bulk'] } }),
      // A group address run as a list adds both List-Id and Precedence: list: one signal.
      mail({ headers: { listId: ['<group.example.cn>'], precedence: ['list'] } }),
      mail({ attachments: [{ kind: 'sheet', viaForward: true }], subject: '自动回复' }),
    ]) {
      expect(classifyMessage(msg, CTX)).toMatchObject({
        kind: 'submission_candidate',
        reason: 'SHEET_OUTWEIGHS_WEAK_SIGNAL',
      });
    }
  });

  test('two weak signals, or one with X-Auto-Response-Suppress, are not outweighed by a sheet', () => {
    expect(
      classifyMessage(mail({ subject: '自动回复：清单', headers: { precedence: ['bulk'] } }), CTX),
    ).toMatchObject({ kind: 'auto_reply', reason: 'AUTO_REPLY_SUBJECT' });
    expect(
      classifyMessage(
        mail({ subject: 'Automatic reply: 清单', headers: { xAutoResponseSuppress: ['All'] } }),
        CTX,
      ),
    ).toMatchObject({ kind: 'auto_reply', reason: 'AUTO_REPLY_SUBJECT' });
  });

  test('an attachment that is not a spreadsheet does not outweigh anything', () => {
    const msg = mail({ subject: '自动回复', attachments: [{ kind: 'other', viaForward: false }] });
    expect(classifyMessage(msg, CTX).kind).toBe('auto_reply');
  });
});

describe('our own mail', () => {
  test('mail from our address (any case) is own_mail', () => {
    const msg = mail({ from: { address: 'office@example.cn', name: '联合会议办公室' } });
    expect(classifyMessage(msg, CTX)).toMatchObject({ kind: 'own_mail', reason: 'OWN_ADDRESS' });
  });

  test('mail sent on our behalf (Sender) is own_mail', () => {
    const msg = mail({ sender: { address: 'office@example.cn', name: '' } });
    expect(classifyMessage(msg, CTX).kind).toBe('own_mail');
  });

  test('X-Loop naming our address is own_mail; naming another address is ignored', () => {
    expect(
      classifyMessage(mail({ headers: { xLoop: ['<office@example.cn>'] } }), CTX),
    ).toMatchObject({ kind: 'own_mail', reason: 'LOOP_HEADER' });
    expect(classifyMessage(mail({ headers: { xLoop: ['xoffice@example.cn'] } }), CTX).kind).toBe(
      'submission_candidate',
    );
  });

  test('a display name showing our address does not make mail ours', () => {
    const msg = mail({ from: { address: 'unit@example.cn', name: 'office@example.cn' } });
    expect(classifyMessage(msg, CTX).kind).toBe('submission_candidate');
  });
});

describe('the spoofing guard', () => {
  const ours =
    'mx.example.cn; spf=fail smtp.mailfrom=example.cn; dmarc=fail (p=reject) header.from=example.cn';

  test('is off when no authserv-id is configured', () => {
    const msg = mail({ headers: { authenticationResults: [ours] } });
    expect(classifyMessage(msg, CTX).kind).toBe('submission_candidate');
    expect(classifyMessage(msg, { ...CTX, authservId: null }).kind).toBe('submission_candidate');
  });

  test('marks dmarc=fail from our own server as spoofed, before anything else', () => {
    const msg = mail({
      from: { address: 'office@example.cn', name: '' },
      headers: { authenticationResults: [ours] },
    });
    expect(classifyMessage(msg, { ...CTX, authservId: 'MX.example.cn' })).toMatchObject({
      kind: 'spoofed',
      reason: 'DMARC_FAIL',
    });
  });

  test('ignores Authentication-Results written by anyone else', () => {
    for (const value of [
      'evil.example.org; dmarc=fail header.from=example.cn',
      // Microsoft puts its authserv-id in the wrong place; it never matches ours.
      'spf=pass (sender IP is 192.0.2.1) smtp.helo=x; mx.example.cn; dmarc=fail',
      'mx.example.cn.evil.org; dmarc=fail',
    ]) {
      const msg = mail({ headers: { authenticationResults: [value] } });
      expect(classifyMessage(msg, { ...CTX, authservId: 'mx.example.cn' }).kind).toBe(
        'submission_candidate',
      );
    }
  });

  test('lets dmarc=pass, none and a version number through', () => {
    const msg = mail({
      headers: {
        authenticationResults: [
          'mx.example.cn 1; dmarc=pass header.from=example.cn',
          'mx.example.cn; dmarc=none',
        ],
      },
    });
    expect(classifyMessage(msg, { ...CTX, authservId: 'mx.example.cn' }).kind).toBe(
      'submission_candidate',
    );
  });
});

test('the detail is one capped line, whatever the subject holds', () => {
  const verdict = classifyMessage(
    mail({ subject: `自动回复\r\nX-Evil: 1 ${'长'.repeat(400)}`, attachments: [] }),
    CTX,
  );
  expect(verdict.detail).not.toMatch(/[\r\n]/);
  expect(verdict.detail.length).toBeLessThanOrEqual(301);
});
