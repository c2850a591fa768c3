import * as fs from 'node:fs';
import * as path from 'node:path';
import { openContainer } from '../../src/adapters/containers/opener';
import type { OpenedContainer } from '../../src/app/ports/container-opener';

const FIXTURES = path.join(__dirname, '../fixtures/archives');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const openZip = (name: string, limits = {}): Promise<OpenedContainer> =>
  openContainer(fixture(name), 'zip', limits);

function opened(result: OpenedContainer) {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.detail}`);
  return result;
}
const paths = (result: OpenedContainer): string[][] => opened(result).files.map((f) => f.path);

describe('zip entry names', () => {
  it('decodes GBK names written without the UTF-8 flag (Windows, WinRAR) and keeps the folder', async () => {
    const result = opened(await openZip('tika__gbk-cp936-no-utf8-flag.zip'));
    expect(result.files.map((f) => f.path)).toEqual([
      ['审计压缩包文件检索测试/集团邮件审计系统2021年自动巡检需求文档_V4.0.doc'],
    ]);
  });

  it('takes the Info-ZIP Unicode Path field (0x7075) when its CRC matches the raw name', async () => {
    const result = opened(await openZip('adm-zip__cp936-with-7075-unicode-path.zip'));
    expect(result.files.map((f) => f.path)).toEqual([['中文路径.txt']]);
    expect(result.files[0]?.bytes.length).toBe(12);
  });

  it('reads UTF-8 names when general-purpose bit 11 is set', async () => {
    expect(paths(await openZip('libarchive__utf8-flag-jp.zip'))).toEqual([
      ['表だよ/一覧表.txt'],
      ['表だよ/漢字.txt'],
    ]);
  });

  it('reads a non-GBK legacy code page (cp932) without losing a file or its folder', async () => {
    const files = paths(await openZip('libarchive__cp932-no-utf8-flag-5c-trail-byte.zip'));
    expect(files).toHaveLength(2);
    // The 0x5C trail byte of 表 is part of a character, not a path separator.
    for (const [name] of files) expect(name?.split('/')).toHaveLength(2);
  });

  it('opens the Windows-style GBK zip holding a filled issue sheet, bytes unchanged', async () => {
    const result = opened(await openZip('gbk-windows-sheet.zip'));
    expect(result.files.map((f) => f.path)).toEqual([['问题清单（区教育局）.xlsx']]);
    const sheet = fs.readFileSync(
      path.join(__dirname, '../fixtures/sheets/openpyxl_official_all4.xlsx'),
    );
    expect(result.files[0]?.bytes.equals(sheet)).toBe(true);
  });

  it('never names a path outside the archive: "..", absolute paths and control characters go', async () => {
    expect(paths(await openZip('traversal-names.zip'))).toEqual([
      ['evil.txt'],
      ['etc/abs.txt'],
      ['okdir/ctl.txt'],
    ]);
  });

  it('reads the zip attachment of a real Gmail message', async () => {
    const result = opened(await openZip('gmail-test.zip'));
    expect(result.files.map((f) => f.path)).toEqual([['text.txt']]);
  });
});

describe('encrypted zips', () => {
  it('refuses a zip whose every entry is ZipCrypto-encrypted', async () => {
    for (const name of [
      'libarchive__zipcrypto-password-12345678.zip',
      'gmail-encrypted-test.zip',
    ]) {
      const result = await openZip(name);
      expect(result).toMatchObject({ ok: false, format: 'zip', code: 'ARCHIVE_ENCRYPTED' });
    }
  });

  it('returns the plain entry and reports the WinZip-AES one beside it', async () => {
    const result = opened(await openZip('tika__mixed-plain-and-aes-entries.zip'));
    expect(result.files.map((f) => [f.path, f.bytes.toString().trimEnd()])).toEqual([
      [['unencrypted.txt'], 'hello world'],
    ]);
    expect(result.skipped).toEqual([{ path: ['encrypted.txt'], code: 'ARCHIVE_ENCRYPTED' }]);
  });
});

describe('nesting', () => {
  it('opens a zip inside the zip (its files named by both), judged by content', async () => {
    const result = opened(await openZip('gbk-windows-nested.zip'));
    expect(result.files.map((f) => f.path)).toEqual([
      ['材料（区教育局）.zip', '问题清单（区教育局）.xlsx'],
      ['说明.txt'],
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('ends the droste quine (a zip that contains itself) after one level', async () => {
    const result = opened(await openZip('tika__droste-zip-quine.zip'));
    expect(result.files.map((f) => f.path)).toEqual([['droste.jpg'], ['droste.zip', 'droste.jpg']]);
    expect(result.skipped).toEqual([
      { path: ['droste.zip', 'droste.zip'], code: 'ARCHIVE_NESTED_TOO_DEEP' },
    ]);
  });

  it('with nesting 0, reports the inner zip instead of opening it', async () => {
    const result = opened(await openZip('gbk-windows-nested.zip', { maxNesting: 0 }));
    expect(result.files.map((f) => f.path)).toEqual([['说明.txt']]);
    expect(result.skipped).toEqual([
      { path: ['材料（区教育局）.zip'], code: 'ARCHIVE_NESTED_TOO_DEEP' },
    ]);
  });
});

describe('zip bombs and limits', () => {
  it('refuses 1 GiB of zeros in one entry from its declared size, unread', async () => {
    const result = await openZip('bomb-zip-1gib-zeros.zip');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
  });

  it('refuses an entry whose header lies about its size (stops at the declared size)', async () => {
    const result = await openZip('bomb-zip-lying-size.zip');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
  });

  it('refuses 10 000 entries from the central directory count', async () => {
    const result = await openZip('bomb-zip-10000-entries.zip');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
  });

  it('applies overridden limits: total unpacked size across the nesting level', async () => {
    const result = await openZip('gbk-windows-nested.zip', { maxTotalBytes: 12_000 });
    // The inner zip (8.4 kB) fits; its sheet (8.8 kB) does not fit in what is left.
    expect(opened(result).skipped).toEqual([
      { path: ['材料（区教育局）.zip'], code: 'ARCHIVE_TOO_LARGE' },
    ]);
  });

  it('skips an entry over the per-entry limit and reads the rest', async () => {
    const result = opened(await openZip('tika__droste-zip-quine.zip', { maxEntryBytes: 20_000 }));
    expect(result.files.map((f) => f.path)).toEqual([['droste.jpg']]);
    expect(result.skipped).toEqual([{ path: ['droste.zip'], code: 'ARCHIVE_TOO_LARGE' }]);
  });
});

describe('damaged input', () => {
  it('answers ARCHIVE_DAMAGED, never throws, for truncated or random bytes', async () => {
    const whole = fixture('gbk-windows-sheet.zip');
    const inputs = [
      whole.subarray(0, 200),
      whole.subarray(0, whole.length - 30),
      Buffer.from('PK\x03\x04 not really a zip'),
      Buffer.alloc(0),
    ];
    for (const bytes of inputs) {
      const result = await openContainer(bytes, 'zip');
      expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_DAMAGED' });
    }
  });

  it('returns an empty list for an empty zip (the intake then says no sheet)', async () => {
    const empty = Buffer.from([0x50, 0x4b, 5, 6, ...new Array<number>(18).fill(0)]);
    expect(await openContainer(empty, 'zip')).toEqual({
      ok: true,
      format: 'zip',
      files: [],
      skipped: [],
    });
  });
});
