// One measurement of bench/digest-bench.js, in its own process; prints one JSON line.
//   node bench/digest-one.js <digest|digest-parts|status> <db file> <schedule.yaml> <week> <now ISO>
// digest: buildDigest (html, text and xlsx), timed from after opening the database and loading
//   the schedule to the returned build.
// digest-parts: the same work, step by step (the queries, the model, each renderer).
// status: what `duban status --json` does, in-process (the three queries, weekStatus, JSON).
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const dist = (p) => require(path.join(__dirname, '..', 'dist', 'src', p));
const [mode, dbFile, configFile, week, nowIso] = process.argv.slice(2);

(async () => {
  const storage = dist('adapters/storage/index.js');
  const { loadScheduleFile } = dist('config/load-schedule.js');
  const tLoad = performance.now();
  const loaded = await loadScheduleFile(configFile);
  const loadScheduleMs = performance.now() - tLoad;
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 3)));
  const schedule = loaded.schedule;
  const now = new Date(nowIso);
  const db = await storage.openDatabase(`sqlite:${dbFile}`);
  const out = { loadScheduleMs };
  const t0 = performance.now();
  try {
    if (mode === 'digest') {
      const { buildDigest } = dist('app/digest/index.js');
      const { digestBuildDepsOver } = dist('compose/week-deps.js');
      const built = await buildDigest(digestBuildDepsOver(db), schedule, week, now);
      out.ms = performance.now() - t0;
      out.sizes = {
        html: Buffer.byteLength(built.html),
        text: Buffer.byteLength(built.text),
        xlsx: built.xlsx.length,
      };
      out.projects = built.model.projects?.length;
    } else if (mode === 'digest-parts') {
      const app = dist('app/digest/index.js');
      const domain = dist('domain/digest/index.js');
      const { weekReadsOver } = dist('compose/week-deps.js');
      const { excelDigestWorkbookWriter } = dist('adapters/excel/digest-workbook.js');
      const reads = weekReadsOver(db);
      const parts = {};
      let t = performance.now();
      const lap = (name) => {
        const n = performance.now();
        parts[name] = n - t;
        t = n;
      };
      const versions = await app.digestVersions(reads, week);
      const choice = app.nextDigestEdition(versions);
      const reports = await reads.currentSheets([week, ...domain.lookbackWeeks(week)]);
      lap('currentSheets (13 weeks of sheets)');
      const facts = await reads.submissionFacts(week);
      const digestSentAt = await reads.digestSentAt(week);
      const reminders = await reads.remindersSent(week);
      const office = await app.officeFacts(reads, week, now);
      lap('other queries (facts, reminders, office)');
      const [current, ...previous] = reports;
      const model = domain.buildDigestModel({
        schedule,
        week,
        now,
        facts,
        digestSentAt,
        reminders,
        current: current.sheets,
        previous,
        office,
        edition: { version: choice.version, previousSentAt: choice.previousSentAt },
      });
      lap('buildDigestModel');
      domain.renderDigestHtml(model);
      lap('renderDigestHtml');
      domain.renderDigestText(model);
      lap('renderDigestText');
      await excelDigestWorkbookWriter.write(model, now);
      lap('writeDigestWorkbook (xlsx)');
      out.ms = performance.now() - t0;
      out.parts = parts;
    } else if (mode === 'status') {
      const { weekStatus } = dist('domain/week-status.js');
      const { deadlineOf, isoWithOffset } = dist('domain/calendar.js');
      const facts = await storage.weekSubmissionFacts(db, week);
      const digest = await storage.digestSentAt(db, week);
      const sent = await storage.remindersSent(db, week);
      const tz = schedule.programme.timezone;
      const units = weekStatus(schedule, week, facts, digest).map((s) => ({
        unit: s.unit,
        state: s.state,
        submittedAt: s.submittedAt ? isoWithOffset(s.submittedAt, tz) : null,
        submissionId: s.submissionId === null ? null : String(s.submissionId),
        reminders: sent.filter((r) => r.unitId === s.unit).map((r) => r.stage),
      }));
      const json = JSON.stringify(
        { week, deadline: isoWithOffset(deadlineOf(week, schedule).at, tz), units },
        null,
        2,
      );
      out.ms = performance.now() - t0;
      out.units = units.length;
      out.bytes = json.length;
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    await db.close();
  }
  out.peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(out));
})().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exitCode = 1;
});
