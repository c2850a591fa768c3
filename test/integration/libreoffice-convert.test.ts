/**
 * Legacy binaries converted by the real LibreOffice in its sandbox (src/adapters/formats/
 * libreoffice.ts). Each real conversion takes a few seconds on a 2-core machine: there are few of
 * them, run one after another. A fake `soffice` (a shell script, via SOFFICE_PATH) checks what the
 * sandbox gives the converter (network, environment, memory limit), the process-group kill and the
 * one-at-a-time queue without LibreOffice's start-up.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSZip from 'jszip';
import { DubanError } from '../../src/errors';
import {
  convertWithLibreOffice,
  converterMissingWarning,
  libreOfficeAvailable,
  networkIsolationAvailable,
  type ConvertOptions,
  type LegacyFormat,
} from '../../src/adapters/formats/libreoffice';
import { catalogOf, readIssueSheet } from '../../src/adapters/excel/read-sheet';
import { exampleSchedule } from '../helpers/sheets';

jest.setTimeout(60_000);

const LEGACY = path.join(__dirname, '..', 'fixtures', 'legacy');
const fixture = (name: string): Buffer => fs.readFileSync(path.join(LEGACY, name));

let tmpRoot: string;
let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-lo-test-'));
});
beforeEach(() => {
  // Each conversion's private dir is made inside tmpRoot: a path of this test alone, so that
  // "no process left" and "no dir left" look at this test's conversions only.
  tmpRoot = fs.mkdtempSync(path.join(scratch, 'root-'));
});
afterEach(() => {
  delete process.env.SOFFICE_PATH;
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function processesUnder(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() && !l.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Running (a zombie waiting for its parent to reap it is not). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function convert(
  bytes: Buffer,
  from: LegacyFormat,
  options: ConvertOptions = {},
): Promise<Buffer> {
  return convertWithLibreOffice(bytes, from, { tmpRoot, ...options });
}

async function failure(promise: Promise<unknown>): Promise<DubanError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DubanError);
  return err as DubanError;
}

async function part(zipBytes: Buffer, name: string): Promise<string> {
  const zip = await JSZip.loadAsync(zipBytes);
  const file = zip.file(name);
  if (!file) throw new Error(`${name} missing; parts: ${Object.keys(zip.files).join(', ')}`);
  return file.async('string');
}

/** A fake soffice: a shell script run in the sandbox in place of LibreOffice. */
function fakeSoffice(name: string, body: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** The value of --outdir in the fake's arguments, for a script to write its "output" there. */
const OUTDIR =
  'outdir=; prev=; for a in "$@"; do [ "$prev" = --outdir ] && outdir=$a; prev=$a; done';

describe('LibreOffice present', () => {
  it('is found on PATH', () => {
    expect(libreOfficeAvailable()).toBe(true);
    expect(converterMissingWarning()).toBeNull();
  });

  it('converts a BIFF8 .xls written by Excel zh-CN to .xlsx, Chinese sheet names and text kept', async () => {
    const out = await convert(fixture('excel-zh__poi-19599-2-monthly-stats-report.xls'), 'xls');
    expect(out.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    expect(await part(out, 'xl/workbook.xml')).toContain('name="汇总"');
    expect(await part(out, 'xl/sharedStrings.xml')).toContain('业务统计月报');
    expect(fs.readdirSync(tmpRoot)).toEqual([]); // the private dir is removed
  });

  it('converts a WPS .et (BIFF8 under another name) to .xlsx', async () => {
    const out = await convert(fixture('wps__sheetjs-fn.et'), 'xls');
    expect(await part(out, 'xl/workbook.xml')).toContain('<sheet ');
  });

  it('converts a BIFF5 (Excel 95) workbook and keeps its 1904 date system', async () => {
    const out = await convert(fixture('excel-mac-biff5__sheetjs-1904.xls'), 'xls');
    expect(await part(out, 'xl/workbook.xml')).toMatch(/date1904="(true|1)"/);
  });

  it('converts a Word 97-2003 .doc with a table to .docx', async () => {
    const out = await convert(fixture('word-2016-zh__poi-61490-heading-and-table.doc'), 'doc');
    const doc = await part(out, 'word/document.xml');
    expect(doc).toContain('<w:tbl>');
    expect(doc).toContain('居中的大标题');
  });

  it('reads a filled issue sheet saved as .xls by LibreOffice, after conversion, like the .xlsx', async () => {
    const xlsx = await convert(fixture('filled-issue-sheet.xls'), 'xls');
    const schedule = await exampleSchedule();
    const sheet = await readIssueSheet(xlsx, {
      catalog: catalogOf(schedule),
      referenceDate: '2021-03-15',
    });
    expect(sheet.ok).toBe(true);
    expect(sheet.unit).toBe('区教育局');
    expect(sheet.filledOn).toBe('2021-03-15');
    expect(sheet.projects).toHaveLength(1);
    expect(sheet.projects[0]).toMatchObject({
      projectId: 'p1',
      targets: [
        { text: '完成项目工程量清算', due: '2021-02-25' },
        { text: '完成重新招投标', due: '2021-03-30' },
        { text: '项目重新开工', due: '2021-03-31' },
      ],
      problems: {
        approval: null,
        funding: '资金缺口约200万元，待区财政局安排。',
        construction: '施工单位已进场，正在组织人员和机械。',
      },
      responsibleDepartments: ['区财政局', '区住建局'],
      nextSteps: '建议区财政局尽快安排资金。',
    });
  });

  it('refuses a password-protected .xls before LibreOffice runs (it would answer an empty workbook)', async () => {
    const err = await failure(convert(fixture('encrypted__calamine-issue_385-rc4.xls'), 'xls'));
    expect(err.code).toBe('PASSWORD_PROTECTED');
    expect(fs.readdirSync(tmpRoot)).toEqual([]); // never got as far as a temp dir
  });

  it('refuses an input over its size limit before LibreOffice runs', async () => {
    const bytes = fixture('excel-zh__poi-19599-2-monthly-stats-report.xls');
    const err = await failure(convert(bytes, 'xls', { maxInputBytes: 1024 }));
    expect(err.code).toBe('WORKBOOK_TOO_LARGE');
  });

  it('refuses an encrypted OpenDocument text (manifest with encryption data)', async () => {
    const zip = new JSZip();
    zip.file('mimetype', 'application/vnd.oasis.opendocument.text', { compression: 'STORE' });
    zip.file('content.xml', Buffer.from([1, 2, 3, 4]));
    zip.file(
      'META-INF/manifest.xml',
      '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">' +
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">' +
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry>' +
        '</manifest:manifest>',
    );
    const odt = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect((await failure(convert(odt, 'odt'))).code).toBe('PASSWORD_PROTECTED');
  });

  it('fails within its memory limit: LibreOffice cannot even load its libraries in 128 MiB', async () => {
    const err = await failure(
      convert(fixture('excel-zh__poi-19599-2-monthly-stats-report.xls'), 'xls', {
        memoryLimitBytes: 128 * 1024 * 1024,
      }),
    );
    expect(err.code).toBe('CONVERSION_FAILED');
  });

  it('kills the whole process group on timeout and leaves no soffice process or dir behind', async () => {
    const err = await failure(
      convert(fixture('excel-zh__poi-19599-2-monthly-stats-report.xls'), 'xls', {
        timeoutMs: 200,
      }),
    );
    expect(err.code).toBe('CONVERSION_FAILED');
    expect(err.message).toMatch(/no result within 200 ms/);
    expect(processesUnder(tmpRoot)).toEqual([]);
    expect(fs.readdirSync(tmpRoot)).toEqual([]);
  });
});

describe('the sandbox, seen from inside (a fake soffice)', () => {
  it('gives the converter no network, a clean environment and the memory limit', async () => {
    // The "output" is a zip signature followed by what the converter saw.
    process.env.SOFFICE_PATH = fakeSoffice(
      'probe.sh',
      [
        OUTDIR,
        'o="$outdir/in.xlsx"',
        'printf \'PK\\003\\004\' > "$o"',
        'echo NET >> "$o"; cat /proc/self/net/dev >> "$o"',
        'echo "ENV" >> "$o"; env >> "$o"',
        'echo "ULIMIT $(ulimit -v)" >> "$o"',
        'echo "CWD $(pwd)" >> "$o"',
      ].join('\n'),
    );
    process.env.HTTP_PROXY = 'http://proxy.example.org:3128';
    try {
      const out = (
        await convert(Buffer.from('anything'), 'xls', { memoryLimitBytes: 1024 ** 3 })
      ).toString('utf8');
      const home = /^HOME=(.*)$/m.exec(out)?.[1] ?? '';
      expect(path.dirname(home)).toBe(tmpRoot);
      expect(out).toContain(`CWD ${home}`);
      expect(out).not.toMatch(/PROXY/i);
      expect(out).toContain(`ULIMIT ${1024 * 1024}`);
      if (networkIsolationAvailable()) {
        const interfaces = [...out.matchAll(/^\s*([\w.-]+):/gm)].map((m) => m[1]);
        expect(interfaces).toEqual(['lo']);
      }
    } finally {
      delete process.env.HTTP_PROXY;
    }
  });

  it('kills children that the converter forked, not only the process it started', async () => {
    // Like oosplash forking soffice.bin: a child of the script that would outlive it.
    const pidFile = path.join(scratch, 'child.pid');
    process.env.SOFFICE_PATH = fakeSoffice(
      'hang.sh',
      `sh -c 'sleep 300; :' child "$@" &\necho $! > ${pidFile}\nsleep 301; :`,
    );
    const err = await failure(convert(Buffer.from('x'), 'xls', { timeoutMs: 2_000 }));
    expect(err.code).toBe('CONVERSION_FAILED');
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(child)).toBe(false);
    expect(processesUnder(tmpRoot)).toEqual([]);
    expect(fs.readdirSync(tmpRoot)).toEqual([]);
  });

  it('runs one conversion at a time, queueing the others', async () => {
    const marks = path.join(scratch, 'marks');
    fs.mkdirSync(marks);
    process.env.SOFFICE_PATH = fakeSoffice(
      'slow.sh',
      [
        OUTDIR,
        `if ls ${marks} | grep -q running; then echo overlap >> ${marks}/log; fi`,
        `touch ${marks}/running.$$; sleep 0.3; rm ${marks}/running.$$`,
        `echo done >> ${marks}/log`,
        'printf \'PK\\003\\004\' > "$outdir/in.xlsx"',
      ].join('\n'),
    );
    await Promise.all([1, 2, 3].map(() => convert(Buffer.from('x'), 'xls')));
    expect(fs.readFileSync(path.join(marks, 'log'), 'utf8')).toBe('done\ndone\ndone\n');
  });

  it('refuses an output that is not a zip, and one over the size limit, unread', async () => {
    process.env.SOFFICE_PATH = fakeSoffice(
      'notzip.sh',
      `${OUTDIR}\nhead -c 2000 /dev/zero > "$outdir/in.xlsx"`,
    );
    expect((await failure(convert(Buffer.from('x'), 'xls'))).message).toMatch(/not a zip/);
    expect(
      (await failure(convert(Buffer.from('x'), 'xls', { maxOutputBytes: 1000 }))).message,
    ).toMatch(/exceeds 1000/);
  });
  it('runs without network isolation where namespaces are refused, warning once', () => {
    // Inside a user namespace without a mapping (uid nobody), `unshare -rn` is not permitted.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-lo-fallback-'));
    fs.chmodSync(dir, 0o755);
    const fake = path.join(dir, 'ok.sh');
    fs.writeFileSync(fake, `#!/bin/sh\n${OUTDIR}\nprintf 'PK\\003\\004' > "$outdir/in.xlsx"\n`, {
      mode: 0o755,
    });
    const compiled = path.join(__dirname, '..', '..', 'dist/src/adapters/formats/libreoffice.js');
    const script = `
      const m = require(${JSON.stringify(compiled)});
      const logger = { warn: (fields, msg) => console.log('WARN ' + msg) };
      (async () => {
        console.log('isolation ' + m.networkIsolationAvailable());
        for (let i = 0; i < 2; i++) {
          const out = await m.convertWithLibreOffice(Buffer.from('x'), 'xls', { logger });
          console.log('converted ' + out.length);
        }
      })().catch((e) => console.log('failed ' + e.code));`;
    try {
      const out = execFileSync('unshare', ['-U', process.execPath, '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, SOFFICE_PATH: fake },
      });
      expect(out.trim().split('\n')).toEqual([
        'isolation false',
        'WARN unshare -rn is not permitted here: LibreOffice conversions run without network isolation',
        'converted 4',
        'converted 4',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('LibreOffice missing', () => {
  it('answers CONVERTER_MISSING when SOFFICE_PATH points nowhere, and has a warning for the operator', async () => {
    process.env.SOFFICE_PATH = path.join(scratch, 'no-such-soffice');
    expect(libreOfficeAvailable()).toBe(false);
    expect(converterMissingWarning()).toMatch(/LibreOffice \(soffice\) not found at SOFFICE_PATH=/);
    const err = await failure(
      convert(fixture('excel-zh__poi-19599-2-monthly-stats-report.xls'), 'xls'),
    );
    expect(err.code).toBe('CONVERTER_MISSING');
  });
});
