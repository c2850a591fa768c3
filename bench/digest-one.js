// One measurement of bench/digest-bench.js, in its own process; prints one JSON line.
//   node bench/digest-one.js <digest|digest-parts|status> <db file> <schedule.yaml> <week> <now ISO>
// digest: buildDigest (html, text and xlsx), timed from after opening the database and loading
//   the schedule to the returned build.
// digest-parts: the same work, step by step (the queries, the model, each renderer), then the
//   bare-library baseline: exceljs writing the workbook's cells (same values, same sheets, no
//   styles, merges, validations or row heights) with its default options.
// status: what `duban status --json` does, in-process (the three queries, weekStatus, JSON).
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const dist = (p) => require(path.join(__dirname, '..', 'dist', 'src', p));
const [mode, dbFile, configFile, week, nowIso] = process.argv.slice(2);

/** The digest workbook's cells written by exceljs alone: no styles, merges or validations. */
async function bareWorkbook(model) {
  const ExcelJS = require('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('问题清单汇总');
  ws.addRow(['附件']);
  ws.addRow(['重点项目问题清单']);
  ws.addRow(['填报单位：']);
  ws.addRow(['填报时间：']);
  ws.addRow([
    '序号',
    '项目名称',
    '项目总牵头单位',
    '攻坚目标',
    '完成时限',
    '完成情况',
    '存在问题',
    '问题责任部门',
    '协调推进情况',
    '下阶段工作对策建议',
  ]);
  for (const p of model.projects) {
    const problems = p.problems.map((q) => `${q.label}：${q.text}`).join('\n');
    p.targets.forEach((t, i) => {
      ws.addRow(
        i === 0
          ? [
              p.seq,
              p.name,
              p.leadUnitLabels.join('\n'),
              t.text,
              t.dueLabel,
              t.status ?? '',
              problems,
              p.departments.join('、'),
              p.progress ?? '',
              p.nextSteps ?? '',
            ]
          : [null, null, null, t.text, t.dueLabel, t.status ?? ''],
      );
    });
  }
  const wd = wb.addWorksheet('按责任部门');
  model.departments.forEach((d, index) => {
    for (const item of d.items)
      wd.addRow([index + 1, d.name, item.projectName, item.label, item.text, item.mark, '']);
  });
  return wb.xlsx.writeBuffer();
}

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
        fullHtml: built.fullHtml === null ? 0 : Buffer.byteLength(built.fullHtml),
      };
      out.compact = built.model.compact;
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
      if (model.compact) {
        domain.renderFullDigestHtml(model);
        lap('renderFullDigestHtml (the attached full HTML)');
      }
      await excelDigestWorkbookWriter.write(model, now);
      lap('writeDigestWorkbook (xlsx)');
      out.ms = performance.now() - t0;
      out.parts = parts;
      const tb = performance.now();
      await bareWorkbook(model);
      out.baselineMs = performance.now() - tb;
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
