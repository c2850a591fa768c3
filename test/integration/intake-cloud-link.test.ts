/**
 * A unit that sends a QQ Mail large-attachment link instead of its sheet, through the CLI on a
 * SQLite file: `duban ingest --json` rejects it with CLOUD_LINK and queues an answer naming the
 * large attachment (not "nothing attached"); `duban status` shows the unit as invalid with the
 * reason and the link; a mail with both a sheet and a link is accepted and its receipt says the
 * link was not opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { capture, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';
import { SHEETS_DIR } from '../helpers/sheets';

const FIXTURES = path.resolve(__dirname, '../fixtures/cloud-links');

/** The decoded text part of an .eml from the outbox. */
async function bodyOf(file: string): Promise<string> {
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(fs.readFileSync(file));
  return mail.text ?? '';
}

describe('a large-attachment link instead of the sheet', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cloud-link-'));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'duban.sqlite')}`,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
    LOG_LEVEL: 'silent',
  };
  const duban = (args: string[]) => run(args, capture(env, dir));
  const outbox = () =>
    fs
      .readdirSync(env.OUTBOX_DIR)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => path.join(env.OUTBOX_DIR, f));

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is rejected with CLOUD_LINK and answered with the file name, not "nothing attached"', async () => {
    const ingested = await duban([
      'ingest',
      path.join(FIXTURES, 'qq-ftn.eml'),
      '--json',
      '--now',
      '2021-03-15T10:05:00+08:00',
    ]);
    expect(ingested.code).toBe(0);
    const o = JSON.parse(ingested.io.stdout);
    expect(o).toMatchObject({ outcome: 'rejected', unit: 'jiaoyu', week: '2021-03-15' });
    expect(o.reason).toContain('CLOUD_LINK');
    expect(o.replies).toEqual([
      expect.objectContaining({ kind: 'correction_request', to: ['jiaoyu@example.cn'] }),
    ]);
    const [mail] = outbox();
    const text = await bodyOf(mail ?? '');
    expect(text).toContain('超大附件');
    expect(text).toContain('教育局问题清单（3月15日）.xlsx');
    expect(text).toContain('有效期');
    expect(text).toContain('作为普通附件');
    expect(text).not.toContain('邮件未附问题清单');
  });

  it('shows the unit as invalid for the week, with the reason and the link', async () => {
    const status = await duban([
      'status',
      '--week',
      '2021-03-15',
      '--json',
      '--now',
      '2021-03-16T09:00:00+08:00',
    ]);
    expect(status.code).toBe(0);
    const unit = JSON.parse(status.io.stdout).units.find(
      (u: { unit: string }) => u.unit === 'jiaoyu',
    );
    expect(unit).toMatchObject({
      state: 'invalid',
      reason: 'CLOUD_LINK',
      cloudLinks: [
        {
          provider: 'qq',
          filename: '教育局问题清单（3月15日）.xlsx',
          url: expect.stringContaining('mail.qq.com/cgi-bin/ftnExs_download'),
        },
      ],
    });
    const text = await duban([
      'status',
      '--week',
      '2021-03-15',
      '--now',
      '2021-03-16T09:00:00+08:00',
    ]);
    expect(text.io.stdout).toMatch(/jiaoyu\s+invalid .*CLOUD_LINK/);
    expect(text.io.stdout).toContain('教育局问题清单（3月15日）.xlsx');
  });

  it('counts the sheet when a mail has both a sheet and a link, and says the link was not opened', async () => {
    const file = path.join(dir, 'both.eml');
    const link = 'https://wx.mail.qq.com/ftn/download?func=3&key=abc&code=def';
    fs.writeFileSync(
      file,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        date: new Date('2021-03-15T03:00:00Z'),
        text: `问题清单见附件。\n\n从QQ邮箱发来的超大附件\n\n现场照片.zip (80M, 2021年3月30日 10:00 到期)进入下载页面：${link}\n`,
        attachments: [
          {
            filename: '问题清单.xlsx',
            content: fs.readFileSync(path.join(SHEETS_DIR, 'openpyxl_single_p1.xlsx')),
          },
        ],
      }),
    );
    const before = new Set(outbox());
    const o = JSON.parse((await duban(['ingest', file, '--json'])).io.stdout);
    expect(o.outcome).toMatch(/^accepted/);
    expect(o.replies).toEqual([expect.objectContaining({ kind: 'receipt' })]);
    const receipt = outbox().find((f) => !before.has(f));
    const text = await bodyOf(receipt ?? '');
    expect(text).toContain('超大附件“现场照片.zip”');
    expect(text).toContain('未打开');
  });
});
