// Child process for bench/parse-bench.js: reads one file one way and reports time and peak RSS,
// so each measurement's peak memory is its own. Usage: node bench/parse-one.js <mode> <file>
// Modes: exceljs, inprocess, sandbox (read an .xlsx); document (readDocument: any format read
// directly, e.g. .docx); convert (convertWithLibreOffice, the
// sandbox included), convert-read (convert, then readIssueSheet on the result), soffice (a bare
// `soffice --convert-to` with the same options, outside the sandbox): .doc files to .docx, others
// to .xlsx. LibreOffice's own peak RSS is measured by the parent (bench/parse-bench.js runs
// these modes under /usr/bin/time: the largest process of the tree, soffice.bin).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const { performance } = require('node:perf_hooks');

/**
 * soffice alone: the same LibreOffice options as the sandbox (a private profile, --headless …),
 * but none of the sandbox itself (no namespace, no memory limit, the bench's environment, no
 * import filter named, no queue).
 */
function bareSoffice(bytes, from, root) {
  const dir = fs.mkdtempSync(path.join(root, 'bare-'));
  const input = path.join(dir, from === 'doc' ? 'in.doc' : 'in.xls');
  fs.writeFileSync(input, bytes);
  const target = from === 'doc' ? 'docx:MS Word 2007 XML' : 'xlsx:Calc MS Excel 2007 XML';
  const args = [
    `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
    '--headless',
    '--norestore',
    '--nolockcheck',
    '--nodefault',
    '--nofirststartwizard',
    '--convert-to',
    target,
    '--outdir',
    dir,
    input,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('soffice', args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => {
      const out = path.join(dir, from === 'doc' ? 'in.docx' : 'in.xlsx');
      const size = fs.existsSync(out) ? fs.statSync(out).size : 0;
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(size ? `converted, ${size} bytes` : 'no output');
    });
  });
}

async function convertMode(mode, file, bytes) {
  const from = file.endsWith('.doc') ? 'doc' : 'xls';
  const { convertWithLibreOffice } = require('../dist/src/adapters/formats/libreoffice.js');
  const { readIssueSheet } = require('../dist/src/adapters/excel/read-sheet.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-bench-lo-'));
  const t0 = performance.now();
  let outcome;
  try {
    if (mode === 'soffice') outcome = await bareSoffice(bytes, from, root);
    else {
      const out = await convertWithLibreOffice(bytes, from, { tmpRoot: root });
      outcome = `converted, ${out.length} bytes`;
      if (mode === 'convert-read') {
        const r = await readIssueSheet(out, { catalog: [], referenceDate: '2021-03-15' });
        outcome = r.ok
          ? `read, ${r.projects.length} project(s)`
          : `refused ${r.issues[0] && r.issues[0].code}`;
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const ms = performance.now() - t0;
  return { ms, outcome };
}

async function run(mode, file) {
  const bytes = fs.readFileSync(file);
  if (['convert', 'convert-read', 'soffice'].includes(mode)) {
    const r = await convertMode(mode, file, bytes);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ ...r, peakMb }) + '\n');
    return;
  }
  // Modules are loaded before the clock starts: we measure reading, not start-up.
  const ExcelJS = require('exceljs');
  const { readIssueSheet } = require('../dist/src/adapters/excel/read-sheet.js');
  const { readIssueSheetSandboxed } = require('../dist/src/adapters/excel/sandbox.js');
  const t0 = performance.now();
  let outcome;
  if (mode === 'exceljs') {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes);
    outcome = `${wb.worksheets.length} sheet(s)`;
  } else if (mode === 'document') {
    const { readDocument } = require('../dist/src/adapters/formats/read-document.js');
    const r = await readDocument(bytes, { catalog: [], referenceDate: '2021-03-15' });
    outcome = r.ok
      ? `read, ${r.projects.length} project(s)`
      : `refused ${r.issues[0] && r.issues[0].code}`;
  } else {
    const read = mode === 'sandbox' ? readIssueSheetSandboxed : readIssueSheet;
    const r = await read(bytes, { catalog: [], referenceDate: '2021-03-15' });
    outcome = r.ok
      ? `read, ${r.projects.length} project(s)`
      : `refused ${r.issues[0] && r.issues[0].code}`;
  }
  const ms = performance.now() - t0;
  // maxRSS is in kilobytes; for 'sandbox' it includes the worker thread (same process).
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, peakMb, outcome }) + '\n');
}

run(process.argv[2], process.argv[3]).catch((err) => {
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({ ms: null, peakMb, outcome: `threw: ${err.message}` }) + '\n',
  );
});
