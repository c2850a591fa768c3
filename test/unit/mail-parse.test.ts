/**
 * parseMessage: Chinese names decoded exactly, forwarded sheets found, hostile mail refused with a
 * registered code, and untrusted text flattened. Corpus messages come from test/fixtures/eml;
 * the synthetic ones below reproduce what Chinese clients send (encodings made with iconv-lite).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import iconv from 'iconv-lite';
import {
  attachmentKind,
  parseMessage,
  type ParsedMessage,
} from '../../src/adapters/mail/parse-message';
import { DubanError } from '../../src/errors';

const EML_DIR = path.join(__dirname, '..', 'fixtures', 'eml');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(EML_DIR, name));

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A few bytes standing in for a workbook: the parser does not look inside. */
const FAKE_XLSX = Buffer.from('PK\u0003\u0004 not really a workbook', 'latin1');

/** A message from header lines (strings or raw bytes) and a body, with CRLF line endings. */
function message(headers: Array<string | Buffer>, body: string | Buffer = 'body\r\n'): Buffer {
  const lines = headers.flatMap((h) => [typeof h === 'string' ? Buffer.from(h, 'utf8') : h]);
  const head = lines.flatMap((l) => [l, Buffer.from('\r\n')]);
  return Buffer.concat([...head, Buffer.from('\r\n'), Buffer.from(body)]);
}

const gb = (text: string): Buffer => iconv.encode(text, 'gb18030');
const b64 = (bytes: Buffer): string => bytes.toString('base64');

/** multipart/mixed with a text part and one attachment part given by its header lines. */
function withAttachment(
  attachmentHeaders: Array<string | Buffer>,
  extraHeaders: Array<string | Buffer> = [],
  content: Buffer = FAKE_XLSX,
): Buffer {
  const part = message([...attachmentHeaders, 'Content-Transfer-Encoding: base64'], b64(content));
  const body = Buffer.concat([
    Buffer.from('--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n请查收。\r\n--b1\r\n'),
    part,
    Buffer.from('\r\n--b1--\r\n'),
  ]);
  return message(
    [
      'From: unit@example.cn',
      'To: office@example.cn',
      'Subject: test',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      ...extraHeaders,
    ],
    body,
  );
}

async function refusal(promise: Promise<unknown>): Promise<DubanError> {
  const outcome = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(outcome instanceof DubanError)) throw new Error(`expected a DubanError, got ${outcome}`);
  return outcome;
}

const names = (msg: ParsedMessage): string[] => msg.attachments.map((a) => a.filename);

// A name with GB18030-only characters: 𠈌 is a 4-byte sequence that a GBK decoder garbles.
const RARE_NAME = '附件1：𠈌㘎村安全生产检查统计表.xlsx';

describe('Chinese attachment names', () => {
  test.each([
    [
      '01_rfc2047-in-quoted-param_gb18030.eml',
      '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
    ],
    [
      '02_rfc2047-in-quoted-param_GBK_split-subject.eml',
      '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
    ],
    [
      '03_rfc2231-continuations_gb18030.eml',
      '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
    ],
    ['04_gb2312-label-with-gbk-only-chars.eml', '王堃、李喆、陈祐报名表.xlsx'],
    ['05_raw-8bit-gbk-filename.eml', '统计表.xlsx'],
    [
      '06_python-email-add_attachment-rfc2231.eml',
      '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
    ],
    [
      '07_python-compat32-rfc2231-gb18030.eml',
      '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
    ],
    ['08_mutt-2.2.12_send_charset-gb18030.eml', '附件1：安全生产检查统计表.xlsx'],
    ['09_gnu-mailutils-3.15_raw-utf8-headers.eml', '附件1：安全生产检查统计表.xlsx'],
  ])('%s yields the exact name', async (file, name) => {
    const msg = await parseMessage(fixture(file));
    expect(msg.attachments).toHaveLength(1);
    expect(msg.attachments[0]).toMatchObject({ filename: name, kind: 'sheet', viaForward: false });
    expect(msg.attachments[0]?.content.length).toBe(5714);
  });

  test('decodes the subjects of those messages, split encoded words included', async () => {
    for (const file of [
      '01_rfc2047-in-quoted-param_gb18030.eml',
      '02_rfc2047-in-quoted-param_GBK_split-subject.eml',
      '09_gnu-mailutils-3.15_raw-utf8-headers.eml',
    ]) {
      expect((await parseMessage(fixture(file))).subject).toBe(
        '关于报送3月份安全生产检查情况的通知',
      );
    }
  });

  test('reads GB18030-only characters under a GBK label in an encoded-word name (Coremail)', async () => {
    const word = `=?GBK?B?${b64(gb(RARE_NAME))}?=`;
    const raw = withAttachment([
      `Content-Type: ${XLSX_TYPE}; name="${word}"`,
      `Content-Disposition: attachment; filename="${word}"`,
    ]);
    expect(names(await parseMessage(raw))).toEqual([RARE_NAME]);
  });

  test('reads GB18030-only characters under a gb2312 label in an RFC 2231 name', async () => {
    const encoded = [...gb(RARE_NAME)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    const raw = withAttachment([
      `Content-Type: application/octet-stream`,
      `Content-Disposition: attachment;`,
      ` filename*0*=gb2312''${encoded.slice(0, 30)};`,
      ` filename*1*=${encoded.slice(30)}`,
    ]);
    const msg = await parseMessage(raw);
    expect(names(msg)).toEqual([RARE_NAME]);
    expect(msg.attachments[0]?.kind).toBe('sheet');
  });

  test('reads a gb2312-labelled subject, sender name and body with GB18030-only characters', async () => {
    const raw = message(
      [
        `From: =?gb2312?B?${b64(gb('𠈌村办公室'))}?= <Unit@Example.CN>`,
        `Subject: =?gb2312?B?${b64(gb('关于𠈌村项目的报告'))}?=`,
        'Content-Type: text/plain; charset=gb2312',
        'Content-Transfer-Encoding: base64',
      ],
      b64(gb('𠈌村项目已完成。')),
    );
    const msg = await parseMessage(raw);
    expect(msg.subject).toBe('关于𠈌村项目的报告');
    expect(msg.from).toEqual({ address: 'unit@example.cn', name: '𠈌村办公室' });
    expect(msg.text.trim()).toBe('𠈌村项目已完成。');
  });

  test('recovers a subject written in raw 8-bit GBK bytes', async () => {
    const raw = message([
      'From: unit@example.cn',
      Buffer.concat([Buffer.from('Subject: '), gb('第一批重点项目问题清单')]),
    ]);
    expect((await parseMessage(raw)).subject).toBe('第一批重点项目问题清单');
  });

  test('keeps a raw 8-bit UTF-8 file name as it is (enmime 管理.doc)', async () => {
    const msg = await parseMessage(fixture('enmime__raw-8bit-filename.eml'));
    expect(names(msg)).toEqual(['管理.doc']);
  });

  test('reads a body labelled gb18030 that is really UTF-8 (GNU mailutils)', async () => {
    const msg = await parseMessage(fixture('09_gnu-mailutils-3.15_raw-utf8-headers.eml'));
    expect(msg.text.trim()).toBe('请查收附件。');
  });

  test('never changes attachment bytes, even when they look like headers', async () => {
    const content = Buffer.from("charset=gbk =?gbk?B?xxxx?= filename*=gb2312''%C4%E3\r\n");
    const raw = withAttachment(
      ['Content-Type: application/octet-stream; charset=gbk; name="a.bin"'],
      [],
      content,
    );
    expect((await parseMessage(raw)).attachments[0]?.content.equals(content)).toBe(true);
  });
});

describe('forwarded messages', () => {
  /** A secretary forwards a unit's mail as an attachment (Outlook, Foxmail "作为附件转发"). */
  function forwardAsAttachment(original: Buffer, encoding: '8bit' | 'base64'): Buffer {
    const body = Buffer.concat([
      Buffer.from('--f1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n转发。\r\n--f1\r\n'),
      Buffer.from(
        'Content-Type: message/rfc822; name="original.eml"\r\n' +
          'Content-Disposition: attachment; filename="original.eml"\r\n' +
          `Content-Transfer-Encoding: ${encoding}\r\n\r\n`,
      ),
      encoding === 'base64' ? Buffer.from(b64(original)) : original,
      Buffer.from('\r\n--f1--\r\n'),
    ]);
    return message(
      [
        'From: Secretary <secretary@example.cn>',
        'Subject: Fwd: 问题清单',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="f1"',
      ],
      body,
    );
  }

  test.each(['8bit', 'base64'] as const)(
    'lists the spreadsheet of a message forwarded as an attachment (%s)',
    async (encoding) => {
      const original = fixture('01_rfc2047-in-quoted-param_gb18030.eml');
      const msg = await parseMessage(forwardAsAttachment(original, encoding));
      expect(msg.from?.address).toBe('secretary@example.cn');
      expect(msg.attachments).toEqual([
        expect.objectContaining({
          filename: '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx',
          kind: 'sheet',
          viaForward: true,
        }),
      ]);
      expect(msg.forwarded).toEqual([
        expect.objectContaining({
          from: { address: 'sender@example.test', name: '张三' },
          subject: '关于报送3月份安全生产检查情况的通知',
          messageId: '<gen-1@example.test>',
        }),
      ]);
    },
  );

  test('lists the attachment of a forwarded message/rfc822 part (mikel/mail)', async () => {
    const msg = await parseMessage(fixture('mikel-mail__forwarded-as-message-rfc822.eml'));
    expect(msg.attachments).toEqual([
      expect.objectContaining({ filename: 'broken.pdf', kind: 'other', viaForward: true }),
    ]);
    expect(msg.forwarded.map((f) => f.subject)).toEqual(['Another PDF']);
  });

  test('reads base64-encoded message/rfc822 parts nested in each other (mime4j)', async () => {
    const msg = await parseMessage(fixture('mime4j__base64-encoded-rfc822-nested.eml'));
    expect(msg.forwarded.map((f) => f.subject)).toEqual([
      'a simple rfc822 message encoded in a base64 body.',
      '',
    ]);
  });

  test('keeps a forwarded part it cannot read as a file instead of dropping it', async () => {
    const msg = await parseMessage(forwardAsAttachment(Buffer.from('no headers here\r\n'), '8bit'));
    expect(msg.attachments).toEqual([
      expect.objectContaining({ filename: 'original.eml', contentType: 'message/rfc822' }),
    ]);
    expect(msg.forwarded).toEqual([]);
  });

  test('refuses forwards that add up to more than the parse budget', async () => {
    const original = fixture('01_rfc2047-in-quoted-param_gb18030.eml');
    const raw = forwardAsAttachment(original, '8bit');
    const err = await refusal(parseMessage(raw, { maxParsedBytes: raw.length + 100 }));
    expect(err.code).toBe('MESSAGE_TOO_COMPLEX');
  });
});

describe('limits', () => {
  test('reads a chain of 50 forwarded messages (10_nested-rfc822-depth50)', async () => {
    const msg = await parseMessage(fixture('10_nested-rfc822-depth50.eml'));
    expect(msg.subject).toBe('layer 49');
    expect(msg.forwarded).toHaveLength(50);
    expect(msg.forwarded.at(-1)?.subject).toBe('inner');
  });

  test('reads 50 nested multiparts (11_nested-multipart-depth50)', async () => {
    const msg = await parseMessage(fixture('11_nested-multipart-depth50.eml'));
    expect(msg.text.trim()).toBe('Hello World');
  });

  test.each(['10_nested-rfc822-depth1000.eml', '11_nested-multipart-depth1000.eml'])(
    'refuses %s with MESSAGE_TOO_COMPLEX within two seconds',
    async (file) => {
      const started = Date.now();
      const err = await refusal(parseMessage(fixture(file)));
      expect(err.code).toBe('MESSAGE_TOO_COMPLEX');
      expect(Date.now() - started).toBeLessThan(2000);
    },
  );

  test('counts base64-encoded forwards toward the nesting limit', async () => {
    let raw = message(['From: a@example.cn', 'Subject: inner'], 'hello\r\n');
    for (let i = 0; i < 10; i++) {
      raw = message(
        [
          `Subject: layer ${i}`,
          'Content-Type: message/rfc822',
          'Content-Transfer-Encoding: base64',
        ],
        b64(raw),
      );
    }
    expect((await parseMessage(raw, { maxDepth: 20 })).forwarded).toHaveLength(10);
    expect((await refusal(parseMessage(raw, { maxDepth: 5 }))).code).toBe('MESSAGE_TOO_COMPLEX');
  });

  test('refuses a message over maxBytes with MESSAGE_TOO_LARGE', async () => {
    const raw = fixture('01_rfc2047-in-quoted-param_gb18030.eml');
    const err = await refusal(parseMessage(raw, { maxBytes: 1000 }));
    expect(err.code).toBe('MESSAGE_TOO_LARGE');
    expect(err.details).toEqual({ size: raw.length, maxBytes: 1000 });
  });

  test('refuses a message with more parts than maxParts', async () => {
    const parts = Array.from({ length: 30 }, () => '--p\r\nContent-Type: text/plain\r\n\r\nx\r\n');
    const raw = message(
      ['From: a@example.cn', 'Content-Type: multipart/mixed; boundary=p'],
      `${parts.join('')}--p--\r\n`,
    );
    expect((await parseMessage(raw)).text).toContain('x');
    expect((await refusal(parseMessage(raw, { maxParts: 10 }))).code).toBe('MESSAGE_TOO_COMPLEX');
  });

  test('refuses a header block larger than maxHeaderBytes', async () => {
    const raw = message([
      'From: a@example.cn',
      ...Array.from({ length: 2000 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(60)}`),
    ]);
    expect((await refusal(parseMessage(raw, { maxHeaderBytes: 64 * 1024 }))).code).toBe(
      'MESSAGE_TOO_COMPLEX',
    );
  });

  test('refuses input that is not a message with MESSAGE_UNREADABLE', async () => {
    for (const raw of [
      Buffer.alloc(0),
      Buffer.from('\u0000\u0001\u0002 binary junk\r\n\r\nmore'),
    ]) {
      expect((await refusal(parseMessage(raw))).code).toBe('MESSAGE_UNREADABLE');
    }
  });
});

describe('untrusted header text', () => {
  test('flattens a subject with CR/LF injection to a single line', async () => {
    const injected = '周报\r\nBcc: victim@example.org\r\n\r\nbody';
    const raw = message([
      'From: a@example.cn',
      `Subject: =?utf-8?B?${b64(Buffer.from(injected))}?=`,
    ]);
    const msg = await parseMessage(raw);
    expect(msg.subject).toBe('周报 Bcc: victim@example.org body');
    expect(msg.subject).not.toMatch(/[\r\n]/);
  });

  test('removes control and bidi characters from subjects, and caps their length', async () => {
    const long = `=?utf-8?B?${b64(Buffer.from(`\u202e${'长'.repeat(600)}\t`))}?=`;
    const msg = await parseMessage(message(['From: a@example.cn', `Subject: ${long}`]));
    expect(msg.subject).toBe('长'.repeat(500));
  });

  test('strips directories and bidi overrides from file names', async () => {
    const name = `C:\\Users\\科员\\Desktop\\清单\u202Exslx.exe`;
    const raw = withAttachment([
      `Content-Type: application/octet-stream; name="=?utf-8?B?${b64(Buffer.from(name))}?="`,
    ]);
    const msg = await parseMessage(raw);
    expect(names(msg)).toEqual(['清单xslx.exe']);
    // What a file is comes from its bytes (a workbook here), never its name.
    expect(msg.attachments[0]?.kind).toBe('sheet');
  });

  test('takes the address, never the display name, and lower-cases it', async () => {
    const raw = message([
      'From: "jyj@example.cn" <Someone@Elsewhere.ORG>',
      'Sender: Office <OFFICE@example.cn>',
      'Reply-To: x@example.org, y@example.org',
      'To: a@example.cn, "B" <B@Example.cn>',
      'Cc: group: c@example.cn, d@example.cn;',
    ]);
    const msg = await parseMessage(raw);
    expect(msg.from).toEqual({ address: 'someone@elsewhere.org', name: 'jyj@example.cn' });
    expect(msg.sender).toEqual({ address: 'office@example.cn', name: 'Office' });
    expect(msg.replyTo?.address).toBe('x@example.org');
    expect(msg.to.map((a) => a.address)).toEqual(['a@example.cn', 'b@example.cn']);
    expect(msg.cc.map((a) => a.address)).toEqual(['c@example.cn', 'd@example.cn']);
  });

  test('gives a null date for an unreadable Date header, not the current time', async () => {
    const msg = await parseMessage(message(['From: a@example.cn', 'Date: 下周一']));
    expect(msg.date).toBeNull();
    const dated = await parseMessage(
      message(['From: a@example.cn', 'Date: Mon, 15 Mar 2021 09:30:00 +0800']),
    );
    expect(dated.date?.toISOString()).toBe('2021-03-15T01:30:00.000Z');
  });

  test('keeps Message-ID, In-Reply-To and References for threading', async () => {
    const msg = await parseMessage(
      message([
        'From: a@example.cn',
        'Message-ID: <m2@example.cn>',
        'In-Reply-To: <m1@example.cn>',
        'References: <m0@example.cn>\r\n <m1@example.cn>',
      ]),
    );
    expect(msg).toMatchObject({
      messageId: '<m2@example.cn>',
      inReplyTo: '<m1@example.cn>',
      references: ['<m0@example.cn>', '<m1@example.cn>'],
    });
    expect((await parseMessage(message(['From: a@example.cn']))).messageId).toBeNull();
  });

  test('hands classification every occurrence of its headers, unfolded', async () => {
    const msg = await parseMessage(
      message([
        'From: a@example.cn',
        'Authentication-Results: mx.example.cn;\r\n dmarc=fail header.from=example.cn',
        'Authentication-Results: evil.example.org; dmarc=pass',
        'Auto-Submitted: auto-replied',
        'Return-Path: <>',
        'Content-Type: multipart/report; report-type=delivery-status; boundary=x',
      ]),
    );
    expect(msg.headers).toMatchObject({
      authenticationResults: [
        'mx.example.cn; dmarc=fail header.from=example.cn',
        'evil.example.org; dmarc=pass',
      ],
      autoSubmitted: ['auto-replied'],
      returnPath: ['<>'],
      contentType: ['multipart/report; report-type=delivery-status; boundary=x'],
      precedence: [],
    });
  });
});

describe('attachment kinds', () => {
  const fixture = (name: string): Buffer =>
    fs.readFileSync(path.join(__dirname, '../fixtures/corpus', name));
  test.each([
    ['an .xlsx package', () => fixture('libreoffice-7.4__calamine-date.xlsx'), 'sheet'],
    ['a BIFF8 .xls', () => fixture('libreoffice-7.4_gov_form.xls'), 'sheet'],
    ['an .ods package', () => fixture('libreoffice-7.4_gov_form.ods'), 'sheet'],
    ['a password-protected workbook', () => fixture('encrypted__calamine-password.xlsx'), 'sheet'],
    ['a zip archive', () => Buffer.from('504b0506' + '00'.repeat(18), 'hex'), 'sheet'],
    ['winmail.dat', () => Buffer.from('789f3e22' + '00'.repeat(8), 'hex'), 'sheet'],
    [
      'a CSV text table',
      () => Buffer.from('序号,项目名称,攻坚目标\r\n1,a,b\r\n2,c,d\r\n'),
      'sheet',
    ],
    ['a PDF', () => Buffer.from('%PDF-1.7\n'), 'other'],
    ['a PNG image', () => Buffer.from('89504e470d0a1a0a', 'hex'), 'other'],
    ['plain prose', () => Buffer.from('请查收。\n谢谢'), 'other'],
  ])('%s is %s, whatever its name', (_what, bytes, kind) => {
    expect(attachmentKind(bytes())).toBe(kind);
  });
});
