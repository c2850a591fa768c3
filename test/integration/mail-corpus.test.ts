/**
 * Every message of the shared corpus (copied to test/fixtures/eml) goes through parseMessage and
 * classifyMessage: it is read and classified as expected, or refused with the expected code, and
 * nothing crashes or hangs. Malformed MIME (missing boundaries, broken base64, TNEF, uuencode)
 * is read as far as it goes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMessage, type ParsedMessage } from '../../src/adapters/mail/parse-message';
import { classifyMessage, type MessageKind } from '../../src/domain/intake/classify';
import { DubanError, type Code } from '../../src/errors';

const EML_DIR = path.join(__dirname, '..', 'fixtures', 'eml');
const OWN = { ownAddresses: ['office@example.cn'] };

type Expected =
  | { kind: MessageKind; attachments: Array<[string, 'sheet' | 'other', 'FWD'?]> }
  | { refused: Code };

const SHEET_01 = '附件1：2025年第一季度安全生产检查情况统计表（街道汇总）.xlsx';
const SHEET_08 = '附件1：安全生产检查统计表.xlsx';

/** One line per file: what it must be classified as, and its attachments (name, kind, forwarded). */
const EXPECTED: Record<string, Expected> = {
  // Chinese clients' encodings of one attachment name (see the corpus README for each).
  '01_rfc2047-in-quoted-param_gb18030.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_01, 'sheet']],
  },
  '02_rfc2047-in-quoted-param_GBK_split-subject.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_01, 'sheet']],
  },
  '03_rfc2231-continuations_gb18030.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_01, 'sheet']],
  },
  '04_gb2312-label-with-gbk-only-chars.eml': {
    kind: 'submission_candidate',
    attachments: [['王堃、李喆、陈祐报名表.xlsx', 'sheet']],
  },
  '05_raw-8bit-gbk-filename.eml': {
    kind: 'submission_candidate',
    attachments: [['统计表.xlsx', 'sheet']],
  },
  '06_python-email-add_attachment-rfc2231.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_01, 'sheet']],
  },
  '07_python-compat32-rfc2231-gb18030.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_01, 'sheet']],
  },
  '08_mutt-2.2.12_send_charset-gb18030.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_08, 'sheet']],
  },
  '09_gnu-mailutils-3.15_raw-utf8-headers.eml': {
    kind: 'submission_candidate',
    attachments: [[SHEET_08, 'sheet']],
  },
  // Nesting: 50 levels are read, 1000 refused.
  '10_nested-rfc822-depth50.eml': { kind: 'submission_candidate', attachments: [] },
  '10_nested-rfc822-depth1000.eml': { refused: 'MESSAGE_TOO_COMPLEX' },
  '11_nested-multipart-depth50.eml': { kind: 'submission_candidate', attachments: [] },
  '11_nested-multipart-depth1000.eml': { refused: 'MESSAGE_TOO_COMPLEX' },
  // Odd and malformed MIME: read as far as it goes.
  'cpython__msg_15-same-boundary-nested.eml': {
    kind: 'submission_candidate',
    attachments: [['xx.gif', 'other']],
  },
  'enmime__attachment-no-disposition.eml': {
    kind: 'submission_candidate',
    attachments: [['favicon.jpg', 'other']],
  },
  'enmime__bad-final-boundary.eml': {
    kind: 'submission_candidate',
    attachments: [['foo_9E5D72.zip', 'other']],
  },
  'enmime__big5-undeclared-charset.eml': { kind: 'submission_candidate', attachments: [] },
  'enmime__duplicate-param.eml': {
    kind: 'submission_candidate',
    attachments: [['Invoice_302232133150612.pdf', 'other']],
  },
  'enmime__malformed-base64-attachment.eml': {
    kind: 'submission_candidate',
    attachments: [['some.doc', 'other']],
  },
  'enmime__multimixed-no-closing-boundary.eml': { kind: 'submission_candidate', attachments: [] },
  'enmime__raw-8bit-filename.eml': {
    kind: 'submission_candidate',
    attachments: [['管理.doc', 'other']],
  },
  'flanker__enclosed-broken-rfc822.eml': { kind: 'submission_candidate', attachments: [] },
  'flanker__missing-boundaries.eml': { kind: 'submission_candidate', attachments: [] },
  'mailparser__decoderended.eml': { kind: 'submission_candidate', attachments: [] },
  'mailparser__nested-mixed-related-alternative.eml': {
    kind: 'submission_candidate',
    attachments: [],
  },
  'mikel-mail__cte-x-uuencode.eml': {
    kind: 'submission_candidate',
    attachments: [['PGP_Cmts_on_12-14-01_Pkg.doc', 'other']],
  },
  'mikel-mail__forwarded-as-message-rfc822.eml': {
    kind: 'submission_candidate',
    attachments: [['broken.pdf', 'other', 'FWD']],
  },
  'mikel-mail__rfc2231-long-cjk-filename.eml': {
    kind: 'submission_candidate',
    attachments: [['かきくけこかきくけこかきくけこかきくけこかきくけこ.txt', 'other']],
  },
  'mime4j__base64-encoded-rfc822-nested.eml': { kind: 'submission_candidate', attachments: [] },
  'mime4j__missing-inner-boundary.eml': { kind: 'submission_candidate', attachments: [] },
  'mime4j__very-very-long-boundary.eml': { kind: 'submission_candidate', attachments: [] },
  'mimekit__outlook-winmail-dat-koi8r.eml': {
    kind: 'submission_candidate',
    attachments: [['winmail.dat', 'sheet']],
  },
  'postal-mime__mimetorture.eml': {
    kind: 'submission_candidate',
    attachments: [
      ['foo.gz', 'other', 'FWD'],
      ['blah.gz', 'other', 'FWD'],
      ['blah1.gz', 'other', 'FWD'],
      ['', 'other', 'FWD'],
      ['htmlfile.html', 'other', 'FWD'],
      ['smiley-3.png', 'other', 'FWD'],
      ['dot.gif', 'other', 'FWD'],
      ['signature.asc', 'other', 'FWD'],
      ['', 'other', 'FWD'],
    ],
  },
  // The negative control: bounce-ish, but a person's mail.
  'sisimai__not-a-bounce.eml': { kind: 'submission_candidate', attachments: [] },
  // Automatic mail: never a submission.
  'sisimai__autoreply-auto-submitted.eml': { kind: 'auto_reply', attachments: [] },
  'sisimai__autoreply-outlook-no-auto-submitted.eml': { kind: 'auto_reply', attachments: [] },
  'sisimai__autoreply-precedence-bulk.eml': { kind: 'auto_reply', attachments: [] },
  'sisimai__bounce-exchange2007.eml': { kind: 'bounce', attachments: [['', 'other', 'FWD']] },
  'sisimai__bounce-office365.eml': { kind: 'bounce', attachments: [] },
  'sisimai__bounce-qq-mx-550.eml': { kind: 'bounce', attachments: [] },
  'flanker__bounce-office365-65k.eml': { kind: 'bounce', attachments: [] },
  'flanker__mdn-read-receipt.eml': { kind: 'read_receipt', attachments: [['', 'other']] },
  'mailparser__ses-bounce-delivery-status.eml': { kind: 'bounce', attachments: [] },
  'postal-mime__bounce.eml': { kind: 'bounce', attachments: [] },
  'postal-mime__arf-feedback-report.eml': { kind: 'auto_reply', attachments: [['', 'other']] },
  'enmime__multipart-without-boundary.eml': { kind: 'bounce', attachments: [] },
};

const files = fs.readdirSync(EML_DIR).filter((f) => f.endsWith('.eml'));

describe('every corpus message is parsed and classified', () => {
  test('the expectation table covers every fixture and nothing else', () => {
    expect([...files].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(files)('%s matches its expectation', async (file) => {
    const raw = fs.readFileSync(path.join(EML_DIR, file));
    const expected = EXPECTED[file];
    if (!expected) throw new Error(`no expectation for ${file}`);
    const started = Date.now();
    const outcome: ParsedMessage | Error = await parseMessage(raw).catch((err: unknown) =>
      err instanceof Error ? err : new Error(String(err)),
    );
    // Refusals are quick: hostile nesting must not cost seconds.
    expect(Date.now() - started).toBeLessThan(2000);
    if ('refused' in expected) {
      expect(outcome).toBeInstanceOf(DubanError);
      expect((outcome as DubanError).code).toBe(expected.refused);
      return;
    }
    if (outcome instanceof Error) throw outcome;
    const verdict = classifyMessage(outcome, OWN);
    expect(verdict.kind).toBe(expected.kind);
    expect(
      outcome.attachments.map((a) => [a.filename, a.kind, ...(a.viaForward ? ['FWD'] : [])]),
    ).toEqual(expected.attachments);
    // Whatever came out is safe to echo: one line each.
    expect(outcome.subject).not.toMatch(/[\r\n]/);
    for (const a of outcome.attachments) expect(a.filename).not.toMatch(/[\r\n]/);
  });
});

describe('the fixtures are the corpus files, unchanged', () => {
  const manifest = fs
    .readFileSync(path.join(EML_DIR, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));

  test.each(manifest.map((cols) => [cols[0] ?? '', cols[1] ?? '', cols[2] ?? '']))(
    '%s has the size and hash its manifest line gives',
    (file, bytes, sha) => {
      const content = fs.readFileSync(path.join(EML_DIR, path.basename(file)));
      expect(content.length).toBe(Number(bytes));
      expect(createHash('sha256').update(content).digest('hex').slice(0, 16)).toBe(sha);
    },
  );

  test('every third-party fixture has a manifest line', () => {
    const listed = new Set(manifest.map((cols) => path.basename(cols[0] ?? '')));
    const thirdParty = files.filter((f) => f.includes('__'));
    expect(thirdParty.filter((f) => !listed.has(f))).toEqual([]);
  });
});
