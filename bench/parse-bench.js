// Benchmarks for reading issue sheets (issue 2). Prints figures; asserts nothing.
//   npm run build && node bench/parse-bench.js [--runs 40] [--no-baseline-bombs] [--only-convert | --no-convert]
// 1. duban's in-process read of a typical filled sheet (all four projects) against a bare exceljs
//    `xlsx.load` of the same file, interleaved in the same process: medians and the ratio.
// 2. the corpus bombs: time to refusal and peak memory (each in its own child process), with
//    exceljs alone on the same files for comparison (killed after 60 s).
// 3. legitimate 5 MB workbooks (site photos pasted in; many rows): time and peak memory.
// 4. legacy binaries (.xls, .doc) converted by LibreOffice in its sandbox: time, the node
//    process's peak RSS and LibreOffice's own, against a bare `soffice --convert-to`.
//    `--only-convert` runs this section alone, `--no-convert` skips it.
// 5. Word tables (.docx, read directly): duban's read of the notice-layout sheet against a bare
//    jszip unpack of its document.xml (interleaved, same process), and the 12 MB document.xml
//    corpus file in its own process (time, peak RSS). `--only-docx` runs this section alone.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const ExcelJS = require('exceljs');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 40;
const baselineBombs = !args.includes('--no-baseline-bombs');
const onlyConvert = args.includes('--only-convert');
const withConvert = !args.includes('--no-convert');
const onlyDocx = args.includes('--only-docx');

const { readIssueSheet } = require('../dist/src/adapters/excel/read-sheet.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n, d = 1) => (n === null || n === undefined ? 'n/a' : n.toFixed(d));

function child(mode, file, timeoutMs = 60000) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'parse-one.js'), mode, file], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 20,
  });
  if (r.error && r.error.code === 'ETIMEDOUT')
    return { ms: null, peakMb: null, outcome: `killed after ${timeoutMs / 1000} s` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return {
      ms: null,
      peakMb: null,
      outcome: `exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 120)}`,
    };
  }
}

/**
 * `child` under /usr/bin/time: also the peak RSS of the largest process of the child's tree
 * (wait4 reports the maximum over a process and its reaped descendants): for a conversion that is
 * soffice.bin (about 210 MB against the bench process's 50 MB).
 */
function timedChild(mode, file, timeoutMs) {
  if (!fs.existsSync('/usr/bin/time')) return { ...child(mode, file, timeoutMs), treeMb: null };
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'TREE_MAXRSS_KB=%M', process.execPath, path.join(__dirname, 'parse-one.js'), mode, file],
    { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20 },
  );
  const tree = /TREE_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  let result;
  try {
    result = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    result = { ms: null, peakMb: null, outcome: `exit ${r.status} ${r.signal ?? ''}` };
  }
  return { ...result, treeMb: tree ? Number(tree[1]) / 1024 : null };
}

async function typical() {
  const files = ['openpyxl_official_all4.xlsx', 'libreoffice_official_all4.xlsx'].map((f) =>
    path.join(ROOT, 'test/fixtures/sheets', f),
  );
  console.log(
    `\n## 1. Typical filled sheet (all four projects), ${RUNS} interleaved runs after 5 warm-ups`,
  );
  console.log('| file | size | exceljs load (median ms) | duban read (median ms) | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    const opts = { catalog: [], referenceDate: '2021-03-15' };
    const bare = async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(bytes);
    };
    for (let i = 0; i < 5; i++) {
      await bare();
      await readIssueSheet(bytes, opts);
    }
    const a = [];
    const b = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await bare();
      a.push(performance.now() - t);
      t = performance.now();
      await readIssueSheet(bytes, opts);
      b.push(performance.now() - t);
    }
    console.log(
      `| ${path.basename(file)} | ${(bytes.length / 1024).toFixed(0)} KB | ${fmt(median(a), 2)} | ${fmt(median(b), 2)} | ${fmt(median(b) / median(a), 2)}× |`,
    );
  }
  const one = path.join(ROOT, 'test/fixtures/sheets/openpyxl_official_all4.xlsx');
  const sand = [];
  for (let i = 0; i < 5; i++) sand.push(child('sandbox', one).ms);
  console.log(
    `\nSandboxed (fresh worker thread per file, as \`duban parse\` does): median ${fmt(median(sand))} ms over 5 runs (worker start-up and module load included).`,
  );
}

function bombs() {
  const dir = path.join(ROOT, 'test/fixtures/corpus');
  const files = [
    'bomb_200MB-single-cell.xlsx',
    'bomb_1M-rows-to-XFD.xlsx',
    'malformed__poi-xml-entity-bomb.xlsx',
    'malformed__poi-huge-shared-strings.xlsx',
  ];
  console.log('\n## 2. Bombs: time to refusal and peak RSS (each in its own process; median of 3)');
  console.log('| file | size | duban in-process | duban sandboxed | exceljs alone |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const f of files) {
    const file = path.join(dir, f);
    const size = `${(fs.statSync(file).size / 1024 / 1024).toFixed(2)} MB`;
    const runs = (mode) => [0, 1, 2].map(() => child(mode, file));
    const show = (rs) => {
      const ms = rs.map((r) => r.ms).filter((x) => x !== null);
      const mem = rs.map((r) => r.peakMb).filter((x) => x !== null);
      return `${ms.length ? fmt(median(ms), 0) : 'n/a'} ms, ${mem.length ? fmt(Math.max(...mem), 0) : 'n/a'} MB peak, ${rs[0].outcome}`;
    };
    const base = baselineBombs ? show([child('exceljs', file)]) : 'skipped';
    console.log(
      `| ${f} | ${size} | ${show(runs('inprocess'))} | ${show(runs('sandbox'))} | ${base} |`,
    );
  }
}

async function largeWorkbooks(tmp) {
  console.log('\n## 3. Legitimate large workbooks: time and peak RSS (own process; median of 3)');
  // (a) the official sheet with site photos pasted in (incompressible image bytes), as units do.
  const photos = path.join(tmp, 'photos-5MB.xlsx');
  {
    const src = new ExcelJS.Workbook();
    await src.xlsx.readFile(path.join(ROOT, 'test/fixtures/sheets/openpyxl_official_all4.xlsx'));
    const ws = src.worksheets[0];
    for (let i = 0; i < 5; i++) {
      const id = src.addImage({
        buffer: Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
          require('node:crypto').randomBytes(1024 * 1024 - 4),
        ]),
        extension: 'jpeg',
      });
      ws.addImage(id, { tl: { col: 10 + i * 3, row: 5 }, ext: { width: 200, height: 150 } });
    }
    await src.xlsx.writeFile(photos);
  }
  // (b) a long table: every project repeated, about 5 MB of cell text.
  const rows = path.join(tmp, 'rows-5MB.xlsx');
  {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('问题清单');
    ws.addRow([
      '序',
      '项目名称',
      '项目总牵头单位',
      '攻坚目标',
      '完成时限',
      '存在问题（需协调事项）',
      '问题责任部门',
      '协调推进情况',
      '下阶段工作对策建议',
    ]);
    const rnd = (n) =>
      Array.from({ length: n }, () =>
        String.fromCharCode(0x4e00 + Math.floor(Math.random() * 0x5000)),
      ).join('');
    let i = 0;
    while (i < 12000) {
      i++;
      ws.addRow([
        i,
        `项目${i}${rnd(8)}`,
        '区住建局',
        rnd(20),
        '3月25日',
        `项目审批方面：${rnd(60)}\n资金概算方面：${rnd(40)}`,
        '区财政局、区自然资源局',
        rnd(60),
        rnd(60),
      ]);
    }
    await wb.xlsx.writeFile(rows);
  }
  console.log('| workbook | size | duban in-process | duban sandboxed | exceljs alone |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const file of [photos, rows]) {
    const size = `${(fs.statSync(file).size / 1024 / 1024).toFixed(2)} MB`;
    const show = (mode) => {
      const rs = [0, 1, 2].map(() => child(mode, file));
      return `${fmt(median(rs.map((r) => r.ms)), 0)} ms, ${fmt(Math.max(...rs.map((r) => r.peakMb)), 0)} MB peak, ${rs[0].outcome}`;
    };
    console.log(
      `| ${path.basename(file)} | ${size} | ${show('inprocess')} | ${show('sandbox')} | ${show('exceljs')} |`,
    );
  }
}

function conversions() {
  const dir = path.join(ROOT, 'test/fixtures/legacy');
  const files = [
    'filled-issue-sheet.xls',
    'excel-zh__poi-19599-2-monthly-stats-report.xls',
    'word-2016-zh__poi-61490-heading-and-table.doc',
  ];
  const runs = 3;
  console.log(
    `\n## 4. Legacy binaries through LibreOffice: time and peak RSS (own process; median of ${runs}, interleaved; soffice = largest process of the tree, node = the bench process)`,
  );
  console.log(
    '| file | size | sandboxed conversion | bare soffice --convert-to | ratio | convert + read |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const f of files) {
    const file = path.join(dir, f);
    const sandboxed = [];
    const bare = [];
    const read = [];
    for (let i = 0; i < runs; i++) {
      sandboxed.push(timedChild('convert', file, 120000));
      bare.push(timedChild('soffice', file, 120000));
      if (f.startsWith('filled')) read.push(timedChild('convert-read', file, 120000));
    }
    const show = (rs) => {
      const ms = rs.map((r) => r.ms).filter((x) => x !== null);
      const lo = rs.map((r) => r.treeMb).filter((x) => x !== null && x !== undefined);
      const node = rs.map((r) => r.peakMb).filter((x) => x !== null);
      return `${ms.length ? fmt(median(ms), 0) : 'n/a'} ms, soffice ${lo.length ? fmt(Math.max(...lo), 0) : 'n/a'} MB, node ${node.length ? fmt(Math.max(...node), 0) : 'n/a'} MB, ${rs[0].outcome}`;
    };
    const ratio = median(sandboxed.map((r) => r.ms)) / median(bare.map((r) => r.ms));
    console.log(
      `| ${f} | ${(fs.statSync(file).size / 1024).toFixed(0)} KB | ${show(sandboxed)} | ${show(bare)} | ${fmt(ratio, 2)}× | ${read.length ? show(read) : '—'} |`,
    );
  }
}

async function wordTables() {
  const { readDocument } = require('../dist/src/adapters/formats/read-document.js');
  const JSZip = require('jszip');
  const dir = path.join(ROOT, 'test/fixtures/formats');
  const notice = path.join(dir, 'docx-python-docx-notice.docx');
  const bytes = fs.readFileSync(notice);
  const opts = { catalog: [], referenceDate: '2021-03-15' };
  const bare = async () => {
    const zip = await JSZip.loadAsync(bytes);
    await zip.file('word/document.xml').async('string');
  };
  for (let i = 0; i < 5; i++) {
    await bare();
    await readDocument(bytes, opts);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await bare();
    a.push(performance.now() - t);
    t = performance.now();
    await readDocument(bytes, opts);
    b.push(performance.now() - t);
  }
  console.log(
    `\n## 5. Word tables (.docx, read directly), ${RUNS} interleaved runs after 5 warm-ups`,
  );
  console.log(
    '| file | size | jszip unpack of document.xml (median ms) | duban read (median ms) | ratio |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  console.log(
    `| ${path.basename(notice)} | ${(bytes.length / 1024).toFixed(0)} KB | ${fmt(median(a), 2)} | ${fmt(median(b), 2)} | ${fmt(median(b) / median(a), 2)}× |`,
  );
  const big = path.join(dir, 'docx-corpus-word-2013-ru__poi-bug65649-large-merged-tables.docx');
  const runs = [1, 2, 3].map(() => child('document', big));
  console.log(
    `\n${path.basename(big)} (${(fs.statSync(big).size / 1024).toFixed(0)} KB, document.xml 12 MB), own process, median of 3: ${fmt(median(runs.map((r) => r.ms)), 0)} ms, peak RSS ${fmt(Math.max(...runs.map((r) => r.peakMb)), 0)} MB, ${runs[0].outcome}`,
  );
}

(async () => {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  console.log(
    `# duban parse benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}`,
  );
  if (onlyDocx) return wordTables();
  if (!onlyConvert) {
    await typical();
    bombs();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-bench-'));
    try {
      await largeWorkbooks(tmp);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (!onlyConvert) await wordTables();
  if (withConvert) conversions();
})();
