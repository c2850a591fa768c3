/**
 * The intake from stored message to answer, on SQLite and PostgreSQL, with the real parser,
 * sandbox and mail composition (answers go to a file outbox and are read back).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { currentSubmission, getSubmission, submissionVersions } from '../../src/adapters/storage';
import type { Schedule } from '../../src/config/schedule';
import { TEST_DIALECTS, useTestDatabase } from '../helpers/db';
import { buildEml } from '../helpers/eml';
import { createIntakeHarness, type IntakeHarness } from '../helpers/intake';
import { exampleSchedule, filledTemplate, SHEETS_DIR } from '../helpers/sheets';

const EML_DIR = path.join(__dirname, '..', 'fixtures', 'eml');
const MONDAY_10 = new Date('2021-03-15T02:00:00Z'); // 10:00 in Beijing, before the 18:00 deadline
const TUESDAY_20 = new Date('2021-03-16T12:00:00Z'); // after the deadline, inside the late window

const filledSheet = (
  schedule: Schedule,
  unitId: string,
  progress: string,
  due?: string,
): Promise<Buffer> => filledTemplate(schedule, unitId, { progress, ...(due ? { due } : {}) });

describe.each(TEST_DIALECTS)('intake on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  let schedule: Schedule;
  let h: IntakeHarness;
  beforeAll(async () => {
    schedule = await exampleSchedule();
    h = createIntakeHarness(() => schedule);
  });
  afterAll(async () => h.close());

  it('accepts a unit’s sheet, records the submission and sends one receipt in the thread', async () => {
    const raw = await buildEml({
      from: '区教育局 <jiaoyu@example.cn>',
      messageId: '<sheet-1@example.cn>',
      attachments: [
        {
          filename: '锦川实验小学问题清单.xlsx',
          content: await filledSheet(schedule, 'jiaoyu', '已完成清算初审。'),
        },
      ],
    });
    const o = await h.ingest(t.db, raw, { internalDate: MONDAY_10 });
    expect(o).toMatchObject({
      outcome: 'accepted',
      reason: null,
      unit: 'jiaoyu',
      week: '2021-03-15',
      late: false,
    });
    expect(o.attachments).toEqual([
      expect.objectContaining({ filename: '锦川实验小学问题清单.xlsx', used: true }),
    ]);
    expect(o.replies).toEqual([
      expect.objectContaining({ kind: 'receipt', to: ['jiaoyu@example.cn'] }),
    ]);
    expect(o.mails).toHaveLength(1);
    const receipt = o.mails[0]?.parsed;
    expect(receipt?.inReplyTo).toBe('<sheet-1@example.cn>');
    expect(receipt?.headers.get('auto-submitted')).toBe('auto-replied');
    expect(receipt?.text).toContain('报送情况：按时');
    const current = await currentSubmission(t.db, 'jiaoyu', '2021-03-15');
    expect(current?.id).toBe(o.submissionId);
  });

  it('marks a sheet arriving after the deadline late, for the week just past', async () => {
    const raw = await buildEml({
      from: 'weijian@example.cn',
      attachments: [
        {
          filename: '问题清单.xlsx',
          content: await filledSheet(schedule, 'weijian', '已组织进场。'),
        },
      ],
    });
    const o = await h.ingest(t.db, raw, { internalDate: TUESDAY_20 });
    expect(o).toMatchObject({
      outcome: 'accepted',
      unit: 'weijian',
      week: '2021-03-15',
      late: true,
    });
    expect(o.mails[0]?.parsed.text).toContain('报送情况：逾期');
  });

  it('lets a corrected sheet supersede the first, keeping both', async () => {
    const first = await h.ingest(
      t.db,
      await buildEml({
        from: 'nongshui@example.cn',
        attachments: [
          {
            filename: 'a.xlsx',
            content: await filledSheet(schedule, 'nongshui', '第一版。', '月底'),
          },
        ],
      }),
      { internalDate: MONDAY_10 },
    );
    expect(first.outcome).toBe('accepted_with_warnings');
    const second = await h.ingest(
      t.db,
      await buildEml({
        from: 'nongshui@example.cn',
        attachments: [
          { filename: 'b.xlsx', content: await filledSheet(schedule, 'nongshui', '更正版。') },
        ],
      }),
      { internalDate: new Date(MONDAY_10.getTime() + 3600_000) },
    );
    expect(second.outcome).toBe('accepted');
    const versions = await submissionVersions(t.db, 'nongshui', '2021-03-15');
    expect(versions.map((v) => v.id)).toEqual([second.submissionId, first.submissionId]);
    const current = await getSubmission(t.db, second.submissionId as number);
    expect(current).toMatchObject({ is_current: 1, supersedes_id: first.submissionId });
  });

  it('keeps the correction current when the first sheet’s job runs after it (a retry after a crash)', async () => {
    const sheet = async (progress: string): Promise<Buffer> =>
      buildEml({
        from: 'xincheng@example.cn',
        attachments: [
          { filename: 'x.xlsx', content: await filledSheet(schedule, 'xincheng', progress) },
        ],
      });
    const correction = await h.ingest(t.db, await sheet('更正版。'), {
      internalDate: new Date(MONDAY_10.getTime() + 3600_000),
    });
    const first = await h.ingest(t.db, await sheet('第一版。'), { internalDate: MONDAY_10 });
    expect([first.outcome, correction.outcome]).toEqual(['accepted', 'accepted']);
    expect((await currentSubmission(t.db, 'xincheng', '2021-03-15'))?.id).toBe(
      correction.submissionId,
    );
    expect(await getSubmission(t.db, correction.submissionId as number)).toMatchObject({
      is_current: 1,
      supersedes_id: first.submissionId,
    });
    expect(await getSubmission(t.db, first.submissionId as number)).toMatchObject({
      is_current: 0,
    });
  });

  it('answers the same mail delivered again (same Message-ID, other headers) once', async () => {
    const content = await filledSheet(schedule, 'jiaotong', '征地扫尾推进中。');
    const raw = await buildEml({
      from: 'jiaotong@example.cn',
      messageId: '<again@example.cn>',
      attachments: [{ filename: 'x.xlsx', content }],
    });
    const again = Buffer.concat([
      Buffer.from(
        'Received: from relay2.example.cn by mx.example.cn; Mon, 15 Mar 2021 10:01:00 +0800\r\n',
      ),
      raw,
    ]);
    const a = await h.ingest(t.db, raw, { internalDate: MONDAY_10 });
    const b = await h.ingest(t.db, again, { internalDate: MONDAY_10 });
    expect(a.outcome).toBe('accepted');
    expect(a.mails).toHaveLength(1);
    expect(b).toMatchObject({
      outcome: 'duplicate',
      reason: 'DUPLICATE',
      submissionId: null,
      replies: [],
      mails: [],
    });
  });

  it('asks for a correction, with the template attached, when the sheet is unusable', async () => {
    const o = await h.ingest(
      t.db,
      await buildEml({
        from: 'xincheng@example.cn',
        attachments: [
          {
            filename: '问题清单.xls',
            content: fs.readFileSync(
              path.join(
                __dirname,
                '..',
                'fixtures',
                'legacy',
                'encrypted__calamine-issue_385-rc4.xls',
              ),
            ),
            contentType: 'application/vnd.ms-excel',
          },
        ],
      }),
      { internalDate: MONDAY_10 },
    );
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'UNREADABLE_SHEET', unit: 'xincheng' });
    expect(o.attachments[0]).toMatchObject({ format: 'xls', used: false });
    const mail = o.mails[0]?.parsed;
    expect(mail?.subject).toContain('请修改后重新发送');
    expect(mail?.text).toContain('密码');
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['问题清单-xincheng-2021-03-15.xlsx']);
  });

  it('reads an Excel 97-2003 .xls through LibreOffice like an .xlsx', async () => {
    const o = await h.ingest(
      t.db,
      await buildEml({
        from: 'jiaoyu@example.cn',
        attachments: [
          {
            filename: '问题清单.xls',
            content: fs.readFileSync(path.join(SHEETS_DIR, 'libreoffice_legacy.xls')),
            contentType: 'application/vnd.ms-excel',
          },
        ],
      }),
      { internalDate: MONDAY_10 },
    );
    expect(o).toMatchObject({ outcome: expect.stringMatching(/^accepted/), unit: 'jiaoyu' });
    expect(o.attachments[0]).toMatchObject({ format: 'xls', used: true });
  });

  it('asks for the sheet when a unit forgets the attachment', async () => {
    const o = await h.ingest(
      t.db,
      await buildEml({ from: 'jiaoyu@example.cn', text: '附件见后。' }),
      { internalDate: MONDAY_10 },
    );
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'NO_ATTACHMENT' });
    expect(o.mails[0]?.parsed.text).toContain('邮件未附问题清单');
  });

  it('quarantines an unknown sender and gives them no data', async () => {
    const o = await h.ingest(
      t.db,
      await buildEml({
        from: 'stranger@example.org',
        subject: '锦川实验小学项目',
        attachments: [
          { filename: 'x.xlsx', content: await filledSheet(schedule, 'jiaoyu', '某内容。') },
        ],
      }),
      { internalDate: MONDAY_10 },
    );
    expect(o).toMatchObject({
      outcome: 'quarantined',
      reason: 'UNKNOWN_SENDER',
      unit: null,
      submissionId: null,
    });
    const reply = o.mails[0]?.parsed;
    expect(reply?.to && 'value' in reply.to ? reply.to.value[0]?.address : null).toBe(
      'stranger@example.org',
    );
    for (const secret of ['锦川', '区教育局', '泉港', '难硬重新'])
      expect(`${reply?.subject} ${reply?.text}`).not.toContain(secret);
  });

  it('records our own receipt, injected back into the mailbox, without answering it (no loop)', async () => {
    const sent = await h.sent();
    const ours = sent.find((m) => m.parsed.subject?.startsWith('已收到'));
    if (!ours) throw new Error('no receipt yet');
    const o = await h.ingest(t.db, ours.raw, { internalDate: MONDAY_10 });
    expect(o.outcome).toBe('ignored');
    expect(o.replies).toEqual([]);
    expect(o.mails).toEqual([]);
  });

  it('keeps CR/LF in a sender’s name and subject out of every header and recipient of the reply', async () => {
    const sheet = await filledSheet(schedule, 'jiaoyu', '内容。');
    const base = (
      await buildEml({
        from: 'jiaoyu@example.cn',
        attachments: [{ filename: 'x.xlsx', content: sheet }],
      })
    ).toString('latin1');
    const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
    const hostile = base
      .replace(
        /^From: .*$/m,
        `From: ${b64('区教育局\r\nBcc: evil@example.org')} <jiaoyu@example.cn>`,
      )
      .replace(
        /^Subject: .*$/m,
        `Subject: ${b64('问题清单\r\nBcc: evil2@example.org\r\nX-Evil: 1')}`,
      );
    const o = await h.ingest(t.db, Buffer.from(hostile, 'latin1'), { internalDate: MONDAY_10 });
    expect(o.replies).toHaveLength(1);
    const reply = o.mails[0];
    const head = reply?.raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
    expect(head).not.toMatch(/^(Bcc|X-Evil):/im);
    expect(head).not.toContain('evil');
    expect(reply?.parsed.bcc).toBeUndefined();
  });

  it('reads every corpus message without a crash and answers none of the automatic ones', async () => {
    const files = fs.readdirSync(EML_DIR).filter((f) => f.endsWith('.eml'));
    for (const f of files) {
      const o = await h.ingest(t.db, fs.readFileSync(path.join(EML_DIR, f)), {
        internalDate: MONDAY_10,
      });
      expect(['ignored', 'quarantined', 'rejected', 'duplicate']).toContain(o.outcome);
      if (/sisimai__(autoreply|bounce)|bounce|mdn|arf/.test(f) && !f.includes('not-a-bounce')) {
        expect([f, o.outcome, o.replies]).toEqual([f, 'ignored', []]);
      }
    }
  });

  it('gives a GB18030-named sheet from a unit its exact Chinese name', async () => {
    const raw = fs
      .readFileSync(path.join(EML_DIR, '08_mutt-2.2.12_send_charset-gb18030.eml'))
      .toString('latin1')
      .replace(/^From: .*$/m, 'From: jiaoyu@example.cn');
    const o = await h.ingest(t.db, Buffer.from(raw, 'latin1'), { internalDate: MONDAY_10 });
    expect(o.attachments.map((a) => a.filename)).toEqual(['附件1：安全生产检查统计表.xlsx']);
    expect(o).toMatchObject({ outcome: 'rejected', reason: 'UNREADABLE_SHEET' });
    expect(o.mails[0]?.parsed.text).toContain('附件1：安全生产检查统计表.xlsx');
  });
});
