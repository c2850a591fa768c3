// The console's read-only pages on a large programme: p50 / p95 server time per page.
//   npm run build && node bench/console-bench.js [--requests 40] [--keep]
// Set-up: bench/digest-data.js (the digest benchmark's data: 500 projects with 4 targets each,
// 100 lead units, 52 weeks of stored sheets, reminders and digests) in a fresh SQLite database.
// Measured in this process, after 3 warm-up requests per page: the time from a request to its
// response through a bare fastify instance (`inject`, no socket) calling the board's handlers with
// an office viewer — the queries, the view model and the HTML. Pages: the week board of the last
// week, project pages (a different project each request), unit pages (a different unit each
// request), the departments of the last week. Target (issue 9): the week board and a project page
// under 300 ms p95. Prints Markdown; asserts nothing.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const args = process.argv.slice(2);
const REQUESTS = Number(args[args.indexOf('--requests') + 1]) || 40;
const keep = args.includes('--keep');
const TARGET_P95_MS = 300;

const dist = (p) => require(path.join(__dirname, '..', 'dist', 'src', p));
const data = require('./digest-data.js');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const fmt = (n) => n.toFixed(0);

(async () => {
  const Fastify = require('fastify');
  const storage = dist('adapters/storage/index.js');
  const { StorageBoardReads } = dist('adapters/storage/board-reads.js');
  const { boardRoutes } = dist('adapters/web/routes/board.js');
  console.log(
    `# duban console pages, large programme — ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-console-bench-'));
  const dbFile = path.join(tmp, 'duban.sqlite');
  try {
    let t = performance.now();
    const schedule = data.writeSchedule(path.join(tmp, 'schedule.yaml'));
    const counts = await data.populate(dbFile, schedule);
    console.log(
      `\nSet-up (bench/digest-data.js): ${schedule.projects.length} projects, ${schedule.units.length} lead units, ${data.WEEKS} weeks, ${counts.submissions} submissions, ${counts.projects} submission projects; built in ${((performance.now() - t) / 1000).toFixed(1)} s.`,
    );
    const week = data.LAST_WEEK;
    // Tuesday 08:00 after the last week's deadline, as the digest benchmark.
    const now = new Date(
      `${new Date(Date.parse(`${week}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T08:00:00+08:00`,
    );
    const db = await storage.openDatabase(`sqlite:${dbFile}`);
    const ctx = {
      viewer: { email: 'office@example.cn', name: '联合会议办公室', role: 'office' },
      csrfToken: 'bench',
      now,
    };
    const app = Fastify();
    for (const r of boardRoutes({ reads: new StorageBoardReads(db), schedule: () => schedule })) {
      app.route({
        method: r.method,
        url: r.url,
        handler: (req, reply) => r.handler(req, reply, ctx),
      });
    }
    await app.ready();

    const pages = [
      { name: `week board \`/weeks/${week}\``, url: () => `/weeks/${week}`, target: true },
      {
        name: 'project page `/projects/<id>` (12 weeks shown, 24 read)',
        url: (i) => `/projects/${schedule.projects[(i * 37) % schedule.projects.length].id}`,
        target: true,
      },
      {
        name: 'unit page `/units/<id>` (26 weeks)',
        url: (i) => `/units/${schedule.units[(i * 7) % schedule.units.length].id}`,
      },
      { name: `departments \`/departments?week=${week}\``, url: () => `/departments?week=${week}` },
    ];
    console.log(`Now ${now.toISOString()}; ${REQUESTS} requests per page after 3 warm-ups.\n`);
    console.log('| page | p50 ms | p95 ms | max ms | size (KB) | target |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const p of pages) {
      for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: p.url(i) });
      const times = [];
      let size = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        const res = await app.inject({ method: 'GET', url: p.url(i) });
        times.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`${p.url(i)}: ${res.statusCode}`);
        size = Math.max(size, res.body.length);
      }
      const p95 = quantile(times, 0.95);
      const verdict = p.target
        ? `p95 ≤ ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? 'met' : '**missed**'}`
        : '–';
      console.log(
        `| ${p.name} | ${fmt(quantile(times, 0.5))} | ${fmt(p95)} | ${fmt(Math.max(...times))} | ${fmt(size / 1024)} | ${verdict} |`,
      );
    }
    await app.close();
    await db.close();
  } finally {
    if (keep) console.log(`\nKept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
