// Child process for bench/parse-bench.js: reads one file one way and reports time and peak RSS,
// so each measurement's peak memory is its own. Usage: node bench/parse-one.js <mode> <file>
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

async function run(mode, file) {
  const bytes = fs.readFileSync(file);
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
