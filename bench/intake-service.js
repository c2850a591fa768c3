// Child process of bench/intake-bench.js: the service itself, as `duban serve` runs it (every
// role, one sandbox worker for sheets, INTAKE_/OUTBOUND_CONCURRENCY from the environment, i.e.
// their defaults), started with openRuntime + startService from dist/. Configured by the
// environment the parent gives it (DATABASE_URL, IMAP_*, SMTP_URL, DUBAN_QUEUE_PREFIX, …); logs
// are pino JSON lines on stderr (the parent sends them to a file).
//
// IPC: sends {type:'ready', idleRssMb} once the watcher has connected and synced; samples its
// own RSS every 100 ms; answers {type:'usage'} with its CPU time so far; on {type:'stop'} stops
// the service and the runtime and answers {type:'stopped', peakRssMb, maxRssMb}, then exits.
'use strict';
const { setInterval, clearInterval, setTimeout } = require('node:timers');
const { openRuntime } = require('../dist/src/compose/runtime.js');
const { startService, ALL_ROLES } = require('../dist/src/compose/service.js');
const { createLogger } = require('../dist/src/log.js');
const { readServiceEnv } = require('../dist/src/config/service-env.js');
const { loadExampleSchedule } = require('./intake-mails.js');

const mb = (bytes) => bytes / 1024 / 1024;

(async () => {
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const schedule = await loadExampleSchedule();
  const logger = createLogger(readServiceEnv(process.env).logLevel);
  const runtime = await openRuntime({
    schedule,
    env: process.env,
    cwd: process.cwd(),
    logger,
    // As `duban serve`: the runtime's default (the bench's --sheet-workers changes it, for
    // diagnosis only).
    sheetWorkers: Number(process.env.BENCH_SHEET_WORKERS) || undefined,
    warmSheetReaders: true,
  });
  const service = await startService(runtime, { roles: ALL_ROLES });
  while (!(service.watcher && service.watcher.health().lastSuccessAt)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  process.send({ type: 'ready', idleRssMb: mb(process.memoryUsage.rss()) });

  process.on('message', async (msg) => {
    if (msg && msg.type === 'usage') {
      const u = process.resourceUsage();
      process.send({
        type: 'usage',
        cpuUserMs: u.userCPUTime / 1000,
        cpuSystemMs: u.systemCPUTime / 1000,
        // Only with --trace (bench/intake-trace.js preloaded).
        trace: globalThis.__benchTrace ? globalThis.__benchTrace() : undefined,
      });
      return;
    }
    if (!msg || msg.type !== 'stop') return;
    await service.stop(20_000);
    await runtime.close();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    process.send(
      {
        type: 'stopped',
        peakRssMb: mb(peakRss),
        // getrusage maxRSS is in kilobytes: the whole process, the sandbox worker thread included.
        maxRssMb: process.resourceUsage().maxRSS / 1024,
      },
      // process.exit (not waiting for handles): --cpu-prof writes its profile on exit either way.
      () => process.exit(0),
    );
  });
})().catch((err) => {
  console.error(err);
  process.exit(70);
});
