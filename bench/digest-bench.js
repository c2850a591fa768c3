// Digest and week status on a large programme. Prints figures (Markdown); asserts nothing.
//   npm run build && node bench/digest-bench.js [--runs 3] [--cpu-prof] [--keep]
// Set-up (bench/digest-data.js): 500 projects (4 targets each), 100 lead units (5 projects each),
// 52 reporting weeks of stored sheets in a fresh SQLite database under a temp dir, written with
// storeRawMessage + recordSubmission (one transaction per week).
// Measured, each run in its own child process (median of --runs, and the highest peak RSS):
// 1. buildDigest of the last week (html, text, xlsx and the attached full HTML), in-process
//    (bench/digest-one.js), with the mail body's size against its 150 KB bound;
// 2. `node bin/duban.js status --week <last week> --json` (the real CLI, DATABASE_URL and
//    DUBAN_CONFIG pointing at the benchmark's database and schedule), wall time of the process;
// 3. the same status work in-process (queries + weekStatus + JSON), without Node's start-up.
// Then one run of the digest step by step, and the bare-library baseline (exceljs writing the
// same cells unstyled) in that run, with the ratio. --cpu-prof: one more digest run under --cpu-prof,
// summarised by self time (files kept in bench/out/); --keep: keep the temp dir.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;
const cpuProf = args.includes('--cpu-prof');
const keep = args.includes('--keep');

const data = require('./digest-data.js');

const TARGET_MS = 2000;
const TARGET_MB = 400;
const TARGET_BODY_KB = 150;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n, d = 0) => (n === null || n === undefined ? 'n/a' : n.toFixed(d));

function lastJsonLine(stdout) {
  return JSON.parse(stdout.trim().split('\n').pop());
}

function inProcess(mode, ctx, nodeArgs = []) {
  const r = spawnSync(
    process.execPath,
    [
      ...nodeArgs,
      path.join(__dirname, 'digest-one.js'),
      mode,
      ctx.db,
      ctx.config,
      ctx.week,
      ctx.now,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24, cwd: ROOT },
  );
  if (r.status !== 0) throw new Error(`digest-one ${mode} failed: ${r.stderr}`);
  return lastJsonLine(r.stdout);
}

function cli(ctx) {
  const rssFile = path.join(ctx.tmp, 'rss.json');
  fs.rmSync(rssFile, { force: true });
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      path.join(__dirname, 'digest-rss.js'),
      path.join(ROOT, 'bin', 'duban.js'),
      'status',
      '--week',
      ctx.week,
      '--json',
      '--now',
      ctx.now,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      cwd: ctx.tmp,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${ctx.db}`,
        DUBAN_CONFIG: ctx.config,
        DUBAN_BENCH_RSS_FILE: rssFile,
      },
    },
  );
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`duban status failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  return {
    ms,
    peakMb: JSON.parse(fs.readFileSync(rssFile, 'utf8')).peakMb,
    units: report.units.length,
    states: report.units.reduce((m, u) => ({ ...m, [u.state]: (m[u.state] || 0) + 1 }), {}),
  };
}

function row(name, runs, target) {
  const ms = median(runs.map((r) => r.ms));
  const mb = Math.max(...runs.map((r) => r.peakMb));
  const verdict = target
    ? ms <= target.ms && mb <= target.mb
      ? `≤ ${target.ms / 1000} s, ≤ ${target.mb} MB: met`
      : `≤ ${target.ms / 1000} s, ≤ ${target.mb} MB: **missed**`
    : '–';
  console.log(
    `| ${name} | ${fmt(ms)} | ${runs.map((r) => fmt(r.ms)).join(', ')} | ${fmt(mb)} | ${verdict} |`,
  );
  return { ms, mb };
}

// A .cpuprofile by self time: the top functions, and totals per package / duban directory.
function summariseProfile(file, top = 15) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] || 0) / 1000;
    total += dt;
    self.set(id, (self.get(id) || 0) + dt);
  });
  const where = (url) => {
    if (!url) return '(native)';
    const nm = url.lastIndexOf('/node_modules/');
    if (nm >= 0) return url.slice(nm + 14).split('/')[0];
    const d = url.indexOf('/dist/');
    if (d >= 0) return `duban ${path.dirname(url.slice(d + 6))}`;
    return url.startsWith('node:') ? 'node core' : url;
  };
  const cats = new Map();
  const fns = new Map();
  for (const [id, ms] of self) {
    const f = byId.get(id).callFrame;
    const special = f.functionName.startsWith('(');
    const cat = special ? f.functionName : where(f.url);
    cats.set(cat, (cats.get(cat) || 0) + ms);
    if (!special) {
      const key = `${f.functionName || '(anonymous)'} (${cat}, ${path.basename(f.url || 'native')}:${f.lineNumber + 1})`;
      fns.set(key, (fns.get(key) || 0) + ms);
    }
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  console.log(
    `\nProfile of one digest run, whole process (module load and schedule loading included), \`${path.relative(ROOT, file)}\`: ${fmt(total)} ms sampled.\n`,
  );
  console.log('| where (self time) | ms | share |');
  console.log('| --- | --- | --- |');
  for (const [k, ms] of sorted(cats).slice(0, 10))
    console.log(`| ${k} | ${fmt(ms)} | ${fmt((100 * ms) / total, 1)}% |`);
  console.log('\n| function (self time) | ms | share |');
  console.log('| --- | --- | --- |');
  for (const [k, ms] of sorted(fns).slice(0, top))
    console.log(`| \`${k}\` | ${fmt(ms)} | ${fmt((100 * ms) / total, 1)}% |`);
}

(async () => {
  console.log(
    `# duban digest and status, large programme — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-digest-bench-'));
  const ctx = {
    tmp,
    db: path.join(tmp, 'duban.sqlite'),
    config: path.join(tmp, 'schedule.yaml'),
    week: data.LAST_WEEK,
    // The digest's own time: Tuesday 08:00 after the last week's Monday deadline.
    now: `${new Date(Date.parse(`${data.LAST_WEEK}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T08:00:00+08:00`,
  };
  try {
    let t = performance.now();
    const schedule = data.writeSchedule(ctx.config);
    const counts = await data.populate(ctx.db, schedule);
    const setupS = (performance.now() - t) / 1000;
    const dbMb = fs.statSync(ctx.db).size / 1024 / 1024;
    console.log(
      `\nSet-up: ${schedule.projects.length} projects, ${schedule.projects.reduce((s, p) => s + p.targets.length, 0)} targets, ${schedule.units.length} lead units, ${data.WEEKS} weeks (${data.WEEK_LIST[0]} … ${ctx.week}); ` +
        `${counts.submissions} submissions (${counts.submissions - schedule.units.length * data.WEEKS} of them superseded corrections), ${counts.projects} submission projects, ${counts.targets} submission targets, ${counts.rawMessages} raw messages (~12.6 KB each), ${counts.mails} sent reminders and digests; ` +
        `SQLite ${fmt(dbMb)} MB, built in ${fmt(setupS, 1)} s (storeRawMessage + recordSubmission + setRawMessageOutcome per sheet, one transaction per week).`,
    );
    console.log(
      `Digest week ${ctx.week}, now ${ctx.now}; ${RUNS} runs per case, each in its own process.\n`,
    );

    console.log('| case | median ms | runs (ms) | peak RSS (MB) | target |');
    console.log('| --- | --- | --- | --- | --- |');
    const digest = [];
    for (let i = 0; i < RUNS; i++) digest.push(inProcess('digest', ctx));
    const d = row(
      'digest of the last week: `buildDigest` (html + text + xlsx), in-process',
      digest,
      {
        ms: TARGET_MS,
        mb: TARGET_MB,
      },
    );
    const statusCli = [];
    for (let i = 0; i < RUNS; i++) statusCli.push(cli(ctx));
    row('`node bin/duban.js status --week … --json` (whole CLI process, wall time)', statusCli);
    const statusIn = [];
    for (let i = 0; i < RUNS; i++) statusIn.push(inProcess('status', ctx));
    row('status, in-process (queries + `weekStatus` + JSON)', statusIn);

    const s = digest[0].sizes;
    const bodyOk = s.html <= TARGET_BODY_KB * 1024;
    console.log(
      `\nDigest output: mail body (${digest[0].compact ? 'compact' : 'full'}) html ${fmt(s.html / 1024)} KB (≤ ${TARGET_BODY_KB} KB: ${bodyOk ? 'met' : '**missed**'}), text ${fmt(s.text / 1024)} KB; attachments: xlsx ${fmt(s.xlsx / 1024)} KB, full HTML ${fmt((s.fullHtml || 0) / 1024)} KB; ${digest[0].projects} project sections. ` +
        `Status: ${statusCli[0].units} units (${Object.entries(statusCli[0].states)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}).`,
    );

    console.log(
      `Loading and validating the schedule YAML (${fmt(fs.statSync(ctx.config).size / 1024)} KB, not in the figures above except the CLI's): median ${fmt(median([...digest, ...statusIn].map((r) => r.loadScheduleMs)))} ms.`,
    );

    const stepRun = inProcess('digest-parts', ctx);
    const parts = stepRun.parts;
    console.log('\nThe digest step by step (one run, own process):\n');
    console.log('| step | ms |');
    console.log('| --- | --- |');
    for (const [k, ms] of Object.entries(parts)) console.log(`| ${k} | ${fmt(ms)} |`);
    const workbookMs = parts['writeDigestWorkbook (xlsx)'];
    console.log(
      `\nBare-library baseline in the same process: exceljs writing the workbook's cells (same values, no styles, merges, validations or heights, default zip) ${fmt(stepRun.baselineMs)} ms; the digest workbook takes ${fmt(workbookMs / stepRun.baselineMs, 2)} × that.`,
    );
    console.log(
      `Load while measuring (1, 5, 15 min): ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}.`,
    );

    if (cpuProf || d.ms > TARGET_MS || d.mb > TARGET_MB) {
      const dir = path.join(__dirname, 'out', `digest-prof-${Date.now()}`);
      fs.mkdirSync(dir, { recursive: true });
      inProcess('digest', ctx, ['--cpu-prof', '--cpu-prof-dir', dir]);
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')))
        summariseProfile(path.join(dir, f));
    }
  } finally {
    if (keep) console.log(`\nKept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
})().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exitCode = 1;
});
