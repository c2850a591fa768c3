/**
 * Every document, legacy file and archive of the fixtures (written by other people's software:
 * LibreOffice, python-docx, Python's csv/zipfile/email, 7z, WinRAR, Outlook, and the shared
 * corpus) goes through the CLI a unit's file goes through: `duban parse` for documents,
 * `duban ingest` for archives attached to a unit's mail. Each is read or refused with one clear
 * reason; nothing crashes or hangs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sniffFile } from '../../src/adapters/formats/sniff';
import { CODES } from '../../src/errors';
import { capture, run } from '../helpers/cli';
import { buildEml } from '../helpers/eml';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const filesIn = (dir: string): string[] =>
  fs.existsSync(path.join(FIXTURES, dir))
    ? fs
        .readdirSync(path.join(FIXTURES, dir))
        .filter((f) => !/\.(py|sh|tsv|md|json)$/.test(f))
        .map((f) => path.join(dir, f))
    : [];

const DOCUMENTS = [...filesIn('formats'), ...filesIn('legacy')];
const ARCHIVES = filesIn('archives');

describe('duban parse on every document fixture', () => {
  test.each(DOCUMENTS)('%s is read or refused with one clear error', async (file) => {
    const { code, io } = await run(['parse', path.join(FIXTURES, file), '--json']);
    expect([0, 2]).toContain(code);
    const result = JSON.parse(io.stdout) as {
      ok: boolean;
      format: string;
      issues: Array<{ code: string; severity: string; message: string }>;
    };
    expect(result.ok).toBe(code === 0);
    const identity = sniffFile(fs.readFileSync(path.join(FIXTURES, file)));
    if (identity.kind === 'sheet' || identity.kind === 'encrypted') {
      expect(result.format).toBe(identity.format);
    }
    if (!result.ok) {
      const errors = result.issues.filter((i) => i.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(Object.keys(CODES)).toContain(errors[0]?.code);
      expect(errors[0]?.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('duban ingest on every archive fixture attached to a unit’s mail', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-corpus-formats-'));
  const env = {
    DATABASE_URL: `sqlite:${path.join(dir, 'duban.sqlite')}`,
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DUBAN_CONFIG: path.resolve(__dirname, '../../config/schedule.example.yaml'),
    LOG_LEVEL: 'silent',
  };
  let n = 0;
  const ingest = async (file: string) => {
    const name = path.basename(file);
    const eml = path.join(dir, `m${++n}.eml`);
    fs.writeFileSync(
      eml,
      await buildEml({
        from: '区教育局 <jiaoyu@example.cn>',
        date: new Date('2021-03-15T02:00:00Z'),
        messageId: `<archive-${n}@example.cn>`,
        attachments: [
          {
            filename: name.endsWith('.tnef') ? 'winmail.dat' : name,
            content: fs.readFileSync(path.join(FIXTURES, file)),
            contentType: 'application/octet-stream',
          },
        ],
      }),
    );
    const { code, io } = await run(
      ['ingest', eml, '--json', '--now', '2021-03-15T10:05:00+08:00'],
      capture(env, dir),
    );
    return {
      code,
      out: JSON.parse(io.stdout) as Record<string, unknown> & {
        attachments: Array<Record<string, unknown>>;
      },
    };
  };

  test.each(ARCHIVES)('%s is opened or refused with a precise reason', async (file) => {
    const { code, out } = await ingest(file);
    expect(code).toBe(0);
    expect(['accepted', 'accepted_with_warnings', 'rejected']).toContain(out.outcome);
    if (out.outcome === 'rejected') {
      expect([...Object.keys(CODES), 'UNREADABLE_SHEET']).toContain(out.reason);
      expect(out.reason).not.toBe('NO_ATTACHMENT');
    }
    expect(out.attachments).toHaveLength(1);
  });

  test('a Windows zip with a GBK name: the sheet inside is read and the receipt names it', async () => {
    const { out } = await ingest('archives/gbk-windows-sheet.zip');
    expect(out).toMatchObject({ outcome: expect.stringMatching(/^accepted/), unit: 'jiaoyu' });
    expect(out.attachments[0]).toMatchObject({
      filename: 'gbk-windows-sheet.zip',
      format: 'zip',
      used: true,
      inner: [
        expect.objectContaining({
          filename: '问题清单（区教育局）.xlsx',
          format: 'xlsx',
          used: true,
        }),
      ],
    });
    const receipts = fs.readdirSync(env.OUTBOX_DIR).filter((f) => f.endsWith('.eml'));
    const text = receipts
      .map((f) => fs.readFileSync(path.join(env.OUTBOX_DIR, f), 'utf8'))
      .join('\n');
    expect(text.length).toBeGreaterThan(0);
  });

  test.each([
    ['archives/libarchive__zipcrypto-password-12345678.zip', 'ARCHIVE_ENCRYPTED'],
    ['archives/libarchive__7z-encrypted-header-password-12345678.7z', 'ARCHIVE_ENCRYPTED'],
    ['archives/libarchive__rar5-encrypted-filenames.rar', 'ARCHIVE_ENCRYPTED'],
    ['archives/bomb-zip-1gib-zeros.zip', 'ARCHIVE_TOO_LARGE'],
    ['archives/bomb-7z-2gib-zeros.7z', 'ARCHIVE_TOO_LARGE'],
    ['archives/bomb-zip-10000-entries.zip', 'ARCHIVE_TOO_LARGE'],
    ['archives/poi__oom-huge-mv-count.tnef', 'ARCHIVE_DAMAGED'],
  ])('%s is refused as %s', async (file, reason) => {
    const { out } = await ingest(file);
    expect(out).toMatchObject({ outcome: 'rejected', reason });
  });
});
