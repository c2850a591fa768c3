import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archiveToolAvailable, openContainer } from '../../src/adapters/containers/opener';
import { readWithArchiveTool } from '../../src/adapters/containers/archive-tool';
import { DEFAULT_CONTAINER_LIMITS } from '../../src/adapters/containers/limits';
import { runTool } from '../../src/adapters/containers/tool-process';
import type { OpenedContainer } from '../../src/app/ports/container-opener';

const FIXTURES = path.join(__dirname, '../fixtures/archives');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, name));
const open = (name: string, format: '7z' | 'rar' | 'zip', limits = {}): Promise<OpenedContainer> =>
  openContainer(fixture(name), format, limits);

function opened(result: OpenedContainer) {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.detail}`);
  return result;
}
const paths = (result: OpenedContainer): string[][] => opened(result).files.map((f) => f.path);

const OFFICE_FILES = [
  'testEXCEL.xls',
  'testHTML.html',
  'testOpenOffice2.odt',
  'testPDF.pdf',
  'testPPT.ppt',
  'testRTF.rtf',
  'testTXT.txt',
  'testWORD.doc',
  'testXML.xml',
].map((n) => [`test-documents/${n}`]);

it('finds bsdtar installed (CI installs libarchive-tools)', () => {
  expect(archiveToolAvailable()).toBe(true);
});

describe('.7z', () => {
  it('extracts an LZMA 7z with a folder', async () => {
    const result = opened(await open('tika__test-documents-lzma.7z', '7z'));
    expect(result.files.map((f) => f.path)).toEqual(OFFICE_FILES);
    expect(result.files[0]?.bytes.length).toBe(13824);
  });

  it('refuses a 7z whose header is encrypted', async () => {
    const result = await open('libarchive__7z-encrypted-header-password-12345678.7z', '7z');
    expect(result).toMatchObject({ ok: false, format: '7z', code: 'ARCHIVE_ENCRYPTED' });
  });

  it('refuses a 7z whose every entry is encrypted (names readable)', async () => {
    const result = await open('7z-encrypted-entries.7z', '7z');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_ENCRYPTED' });
  });

  it('returns the plain entry and reports the encrypted one beside it', async () => {
    const result = opened(await open('7z-plain-and-encrypted.7z', '7z'));
    expect(result.files.map((f) => [f.path, f.bytes.length])).toEqual([[['问题清单.xlsx'], 8821]]);
    expect(result.skipped).toEqual([{ path: ['密件.txt'], code: 'ARCHIVE_ENCRYPTED' }]);
  });

  it('refuses 2 GiB of zeros (300 kB packed) from the listing, before extracting', async () => {
    const result = await open('bomb-7z-2gib-zeros.7z', '7z');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
  });

  it('refuses the bomb on its ratio too, when the size limits are raised', async () => {
    const big = { maxTotalBytes: 4 * 1024 ** 3, maxEntryBytes: 4 * 1024 ** 3 };
    const result = await open('bomb-7z-2gib-zeros.7z', '7z', big);
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
    expect(result.ok || result.detail).toMatch(/packed/);
  });

  it('opens one level of nesting (a GBK zip in the 7z) and reports the level below', async () => {
    const result = opened(await open('7z-nested-two-levels.7z', '7z'));
    expect(result.files.map((f) => f.path)).toEqual([
      ['level1.zip', 'readme.txt'],
      ['区教育局.zip', '问题清单（区教育局）.xlsx'],
    ]);
    expect(result.skipped).toEqual([
      { path: ['level1.zip', 'level2.zip'], code: 'ARCHIVE_NESTED_TOO_DEEP' },
    ]);
  });

  it('writes nothing through a symbolic link to outside its private directory', async () => {
    const outside = '/tmp/duban-symlink-escape';
    fs.rmSync(outside, { recursive: true, force: true });
    fs.mkdirSync(outside);
    try {
      const result = await open('7z-symlink-escape.7z', '7z');
      expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_DAMAGED' });
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses by entry count from the listing', async () => {
    const result = await open('tika__test-documents-lzma.7z', '7z', { maxEntries: 5 });
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_TOO_LARGE' });
  });
});

describe('.rar', () => {
  it('extracts RAR v4', async () => {
    expect(paths(await open('tika__test-documents-rar4.rar', 'rar'))).toEqual(OFFICE_FILES);
  });

  it('reads RAR v4 Unicode (CJK) names and leaves the symbolic link out', async () => {
    expect(paths(await open('libarchive__rar4-unicode-cjk-names.rar', 'rar'))).toEqual([
      ['abcdefghijklmnopqrsテスト.txt'],
      ['表だよ/新しいフォルダ/新規テキスト ドキュメント.txt'],
      ['表だよ/漢字長いファイル名long-filename-in-漢字.txt'],
    ]);
  });

  it('refuses RAR v5 with encrypted headers (names hidden)', async () => {
    const result = await open('libarchive__rar5-encrypted-filenames.rar', 'rar');
    expect(result).toMatchObject({ ok: false, format: 'rar', code: 'ARCHIVE_ENCRYPTED' });
  });

  it('reads a RAR v5 holding a stored zip as the RAR, and opens the inner zip as level 1', async () => {
    const result = opened(await open('libarchive__rar5-zip-in-rar.rar', 'rar'));
    expect(result.files.map((f) => [f.path, f.bytes.toString()])).toEqual([
      [['payload/inner.zip', 'THIS_IS_INSIDE_THE_ZIP.txt'], expect.any(String)],
      [['payload/real_after.txt'], expect.any(String)],
    ]);
  });
});

describe('zips the zip reader hands to the archive tool', () => {
  it('reads a bzip2-compressed entry, GBK-free UTF-8 name kept', async () => {
    const result = opened(await open('bzip2-method.zip', 'zip'));
    expect(result.files.map((f) => [f.path, f.bytes.length])).toEqual([[['问题清单.xlsx'], 8821]]);
  });
});

describe('encrypted zips through the archive tool (never a passphrase prompt)', () => {
  const viaTool = (name: string) =>
    readWithArchiveTool(fixture(name), 'zip', {
      limits: DEFAULT_CONTAINER_LIMITS,
      budget: DEFAULT_CONTAINER_LIMITS.maxTotalBytes,
    });

  it('refuses ZipCrypto entries as encrypted', async () => {
    const result = await viaTool('libarchive__zipcrypto-password-12345678.zip');
    expect(result).toMatchObject({ ok: false, code: 'ARCHIVE_ENCRYPTED' });
  });

  it('returns the plain entry and reports the WinZip-AES one', async () => {
    const result = await viaTool('tika__mixed-plain-and-aes-entries.zip');
    expect(result).toEqual({
      ok: true,
      files: [{ name: 'unencrypted.txt', bytes: expect.any(Buffer) }],
      skipped: [{ name: 'encrypted.txt', code: 'ARCHIVE_ENCRYPTED' }],
    });
  });

  it('decodes GBK names written to disk as bytes, and drops ".." entries', async () => {
    const gbk = await viaTool('tika__gbk-cp936-no-utf8-flag.zip');
    expect(gbk.ok && gbk.files.map((f) => f.name)).toEqual([
      '审计压缩包文件检索测试/集团邮件审计系统2021年自动巡检需求文档_V4.0.doc',
    ]);
    const traversal = await viaTool('traversal-names.zip');
    expect(traversal.ok && traversal.files.map((f) => f.name)).toEqual([
      'etc/abs.txt',
      'okdir/ctl.txt',
    ]);
  });
});

describe('the sandboxed tool process', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-tool-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = {
    timeoutMs: 10_000,
    memoryBytes: 512 * 1024 * 1024,
    fileBytes: 1_000_000,
    maxStdoutBytes: 10_000,
  };

  it('ends a tool that writes a file past the file-size limit (SIGXFSZ)', async () => {
    const run = await runTool('dd', ['if=/dev/zero', 'of=big', 'bs=1M', 'count=5'], {
      ...base,
      cwd: dir,
    });
    expect(run.signal).toBe('SIGXFSZ');
    expect(fs.statSync(path.join(dir, 'big')).size).toBeLessThanOrEqual(1_000_000);
  });

  it('kills the whole process group on timeout', async () => {
    const run = await runTool('sh', ['-c', 'sleep 30 & echo $! > child; wait'], {
      ...base,
      cwd: dir,
      timeoutMs: 500,
    });
    expect(run.stopped).toMatch(/no result within/);
    const child = Number(fs.readFileSync(path.join(dir, 'child'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The background sleep is gone too (a zombie at most, where PID 1 does not reap).
    const stat = fs.existsSync(`/proc/${child}/stat`)
      ? fs.readFileSync(`/proc/${child}/stat`, 'utf8')
      : 'gone';
    expect(stat === 'gone' || /^\d+ \([^)]*\) Z/.test(stat)).toBe(true);
  });

  it('stops when the watcher says so, and bounds standard output', async () => {
    const watched = await runTool('sleep', ['30'], {
      ...base,
      cwd: dir,
      watch: () => 'grew too much',
    });
    expect(watched.stopped).toBe('grew too much');
    const chatty = await runTool('yes', [], { ...base, cwd: dir });
    expect(chatty.stopped).toBe('output over its limit');
    expect(chatty.stdout.length).toBeLessThanOrEqual(10_000);
  });

  it('has no network when unshare works here', async () => {
    const run = await runTool('cat', ['/proc/net/dev'], { ...base, cwd: dir });
    const interfaces = run.stdout
      .toString()
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    if (interfaces.length > 1) console.warn('unshare -rn unavailable: the tool runs with network');
    else expect(interfaces.map((l) => l.trim().split(':')[0])).toEqual(['lo']);
  });
});
