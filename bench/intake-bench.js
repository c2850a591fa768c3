// Benchmark of the mail intake. Prints figures; asserts nothing.
//   npm run build && node bench/intake-bench.js [--mails 500] [--latency-mails 50]
//                                               [--spacing-ms 200] [--cpu-prof]
//                                               [--no-greeting-delay] [--set NAME=VALUE]
//                                               [--sheet-workers N]
//
// A private Dovecot (dist/src/dev/dovecot.js), an SMTP server in this process (smtp-server)
// capturing the receipts, and the service in a child process (bench/intake-service.js:
// openRuntime + startService from dist/, every role, default worker settings, SQLite in a temp
// dir, its own DUBAN_QUEUE_PREFIX). Then:
// 1. throughput: --mails submission mails (bench/intake-mails.js) APPENDed back-to-back over one
//    IMAP connection; from the first APPEND until every one of them has been answered (its
//    receipt, matched by In-Reply-To, received by the SMTP server). Against a bare sequential
//    baseline in the same run, in its own child process once the service has stopped
//    (bench/intake-baseline.js: UID FETCH + simpleParser + exceljs load of the same messages).
// 2. latency: --latency-mails more, one APPEND every --spacing-ms with the service idle in IDLE;
//    from the start of each APPEND to the moment the SMTP server has received its receipt.
// 3. peak RSS of the service process (sampled every 100 ms, and its maxRSS).
// --cpu-prof runs the service under --cpu-prof and summarises the profiles (kept in bench/out/);
// the figures of such a run are slower than without it. --no-greeting-delay (diagnostic) takes
// out smtp-server's fixed 100 ms pause before it greets each SMTP connection; --set NAME=VALUE
// (e.g. INTAKE_CONCURRENCY=4) and --sheet-workers N (default: the runtime's, as `duban serve`) change the
// service's settings, also for diagnosis only.
'use strict';
const { setTimeout, clearTimeout } = require('node:timers');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const MAILS = opt('--mails', 500);
const LATENCY_MAILS = opt('--latency-mails', 50);
const SPACING_MS = opt('--spacing-ms', 200);
const CPU_PROF = args.includes('--cpu-prof');
/** Diagnostic: count SQLite statements and Redis commands per mail (bench/intake-trace.js). */
const TRACE = args.includes('--trace');
const NO_GREETING_DELAY = args.includes('--no-greeting-delay');
/** Diagnostics: --set NAME=VALUE (repeatable) for the service's environment; --sheet-workers N. */
const OVERRIDES = args.flatMap((a, i) => (a === '--set' && args[i + 1] ? [args[i + 1]] : []));
const SHEET_WORKERS = opt('--sheet-workers', 0);
const DIAGNOSTIC = [
  ...(NO_GREETING_DELAY ? ['SMTP server greeting at once'] : []),
  ...OVERRIDES,
  ...(SHEET_WORKERS ? [`${SHEET_WORKERS} sandbox workers`] : []),
  ...(TRACE ? ['SQLite and Redis traced'] : []),
];
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
/** Give up on a run when no receipt arrived for this long. */
const STALL_MS = 5 * 60_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n, d = 1) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
const s = (ms) => fmt(ms / 1000, 2);
function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
let interrupted = false;
const log = (...xs) => process.stderr.write(`[intake-bench] ${xs.join(' ')}\n`);

// ---------------------------------------------------------------------------------------------
// The SMTP server capturing receipts

async function startCapture() {
  const { SMTPServer } = require('smtp-server');
  if (NO_GREETING_DELAY) {
    // Diagnostic only: smtp-server waits a fixed 100 ms before its 220 greeting on every
    // connection (to catch clients that talk too early), and duban opens one SMTP connection per
    // mail. This greets at once instead, to show how much of the outbound time that pause is.
    const { SMTPConnection } = require('smtp-server/lib/smtp-connection.js');
    SMTPConnection.prototype.init = function init() {
      this._setListeners(() => this.connectionReady());
    };
  }
  const received = []; // { at, inReplyTo, rcptTo, subject }
  const waiters = new Set();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    // No DNS: the client is this machine.
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const at = now();
        const raw = Buffer.concat(chunks).toString('latin1');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        const field = (name) => {
          const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
          return m ? m[1].trim() : null;
        };
        received.push({
          at,
          inReplyTo: field('In-Reply-To'),
          autoSubmitted: field('Auto-Submitted'),
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        });
        callback(null, 'Queued');
        for (const wake of waiters) wake();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.server.address().port,
    received,
    /** Resolves when `done()` holds; rejects when no mail arrived for STALL_MS. */
    async waitUntil(done, what) {
      let seen = received.length;
      let lastProgress = now();
      while (!done()) {
        await new Promise((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, 1000);
          waiters.add(wake);
        });
        if (received.length !== seen) {
          seen = received.length;
          lastProgress = now();
        } else if (now() - lastProgress > STALL_MS) {
          throw new Error(`no mail for ${STALL_MS / 1000} s while waiting for ${what}`);
        }
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------
// The service in a child process

function startServiceChild({ env, cwd, logFile, profDir }) {
  const fd = fs.openSync(logFile, 'a');
  const execArgv = [
    ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
    ...(TRACE ? ['--require', path.join(__dirname, 'intake-trace.js')] : []),
  ];
  const child = spawn(process.execPath, [...execArgv, path.join(__dirname, 'intake-service.js')], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', fd, 'ipc'],
  });
  fs.closeSync(fd);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, sig })),
  );
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMsg = (m) => {
        if (m && m.type === type) {
          child.off('message', onMsg);
          resolve(m);
        }
      };
      child.on('message', onMsg);
      exited.then(({ code, sig }) =>
        reject(new Error(`the service exited (${code ?? sig}) before '${type}'; see ${logFile}`)),
      );
    });
  return {
    child,
    exited,
    ready: next('ready'),
    async usage() {
      const reply = next('usage');
      child.send({ type: 'usage' });
      return reply;
    },
    async stop() {
      const reply = next('stopped');
      child.send({ type: 'stop' });
      const r = await reply;
      await exited;
      return r;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function serviceEnv({ dovecot, smtpPort, dbFile, prefix }) {
  const env = {};
  // Only the basics of our environment: no duban setting of the caller leaks in, so every
  // worker setting (INTAKE_CONCURRENCY, OUTBOUND_CONCURRENCY, LOG_LEVEL …) is its default.
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return {
    ...env,
    DATABASE_URL: `sqlite:${dbFile}`,
    REDIS_URL,
    DUBAN_QUEUE_PREFIX: prefix,
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    // Not a worker setting: the guard against mail loops (default 10 automatic replies per
    // address a day) would hold back all but 10 of each unit's ~100 receipts.
    MAIL_DAILY_CAP: '10000',
    BENCH_SHEET_WORKERS: String(SHEET_WORKERS),
    ...Object.fromEntries(
      OVERRIDES.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// The service's log and database afterwards

function readLog(file) {
  const lines = [];
  for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    try {
      lines.push(JSON.parse(text));
    } catch {
      lines.push({ level: 50, msg: `(not JSON) ${text.slice(0, 200)}`, time: 0 });
    }
  }
  return lines;
}

function dbStats(dbFile) {
  const Database = require('better-sqlite3');
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return {
      outcomes: db
        .prepare(
          "SELECT coalesce(outcome, '(none)') AS outcome, coalesce(outcome_reason, '') AS reason, count(*) AS n FROM raw_messages GROUP BY 1, 2 ORDER BY 3 DESC",
        )
        .all(),
      submissions: db
        .prepare('SELECT status, count(*) AS n FROM submissions GROUP BY 1 ORDER BY 2 DESC')
        .all(),
      current: db.prepare('SELECT count(*) AS n FROM submissions WHERE is_current = 1').get().n,
      mails: db
        .prepare(
          'SELECT kind, status, count(*) AS n, sum(attempts) AS attempts FROM outgoing_mails GROUP BY 1, 2 ORDER BY 3 DESC',
        )
        .all(),
      dbMb: fs.statSync(dbFile).size / 1024 / 1024,
    };
  } finally {
    db.close();
  }
}

/** Per mail, from the service's log: when the watcher stored it and the intake processed it. */
function stages(mails, lines) {
  const storedByUid = new Map();
  const processedByRaw = new Map();
  for (const l of lines) {
    if (l.msg === 'message stored and handed on') {
      storedByUid.set(l.uid, { at: l.time, rawMessageId: l.rawMessageId });
    } else if (l.msg === 'message processed' && !processedByRaw.has(l.rawMessageId)) {
      processedByRaw.set(l.rawMessageId, l.time);
    }
  }
  for (const m of mails) {
    const stored = storedByUid.get(m.uid);
    if (!stored) continue;
    m.storedAt = stored.at;
    m.processedAt = processedByRaw.get(stored.rawMessageId);
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

async function appendAll(client, mails, spacingMs) {
  const t0 = now();
  for (const [i, m] of mails.entries()) {
    if (spacingMs) {
      const due = t0 + i * spacingMs;
      if (due > now()) await sleep(due - now());
    }
    m.appendAt = now();
    const r = await client.append('INBOX', m.raw, [], m.internalDate);
    m.appendedAt = now();
    m.uid = r.uid;
  }
}

function matchReceipts(mails, received) {
  const byId = new Map(mails.map((m) => [m.messageId, m]));
  let count = 0;
  for (const r of received) {
    const m = byId.get(r.inReplyTo);
    if (!m) continue;
    m.receipts = (m.receipts || 0) + 1;
    if (m.receiptAt === undefined) {
      m.receiptAt = r.at;
      count += 1;
    }
  }
  return count;
}

/** A condition for waitUntil: every one of `mails` has its receipt (matched afresh each time). */
function answered(mails, received) {
  return () => {
    for (const m of mails) m.receipts = m.receiptAt = undefined;
    return matchReceipts(mails, received) === mails.length;
  };
}

function stageRows(mails) {
  const d = (a, b) =>
    mails.filter((m) => m[a] !== undefined && m[b] !== undefined).map((m) => m[b] - m[a]);
  return [
    ['APPEND → receipt received (SMTP)', d('appendAt', 'receiptAt')],
    ['APPEND (the command itself)', d('appendAt', 'appendedAt')],
    ['APPEND done → stored by the watcher', d('appendedAt', 'storedAt')],
    ['stored → processed (intake queue + intake)', d('storedAt', 'processedAt')],
    ['processed → receipt received (outbound queue + send)', d('processedAt', 'receiptAt')],
  ];
}

function printStageTable(rows) {
  console.log('| from → to | n | p50 ms | p95 ms | max ms | mean ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [label, xs] of rows) {
    console.log(
      `| ${label} | ${xs.length} | ${fmt(pct(xs, 50), 0)} | ${fmt(pct(xs, 95), 0)} | ${fmt(Math.max(...xs), 0)} | ${fmt(mean(xs), 0)} |`,
    );
  }
}

async function scanKeys(redis, pattern) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/**
 * Obliterates every BullMQ queue under the prefix (intake, outbound, and any other the service
 * has, found by its keys), then deletes whatever is left under the prefix; returns those keys.
 */
async function obliterate(prefix) {
  const { Queue } = require('bullmq');
  const { default: Redis } = require('ioredis');
  const { connectionOf, QUEUE } = require('../dist/src/adapters/queue/index.js');
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const names = new Set(Object.values(QUEUE));
    for (const key of await scanKeys(redis, `${prefix}:*`)) {
      names.add(key.slice(prefix.length + 1).split(':')[0]);
    }
    for (const name of names) {
      const q = new Queue(name, { connection: connectionOf(REDIS_URL, false), prefix });
      try {
        await q.obliterate({ force: true });
      } finally {
        await q.close();
      }
    }
    const left = await scanKeys(redis, `${prefix}:*`);
    if (left.length) await redis.del(...left);
    return left;
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { startDovecot } = require('../dist/src/dev/dovecot.js');
  const { buildMails, loadExampleSchedule } = require('./intake-mails.js');

  const cleanups = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`cleanup: ${err.message}`);
      }
    }
  };
  const onSignal = (sig) => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-intake-bench-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const prefix = `duban-bench-${process.pid}-${Date.now().toString(36)}`;
  const dbFile = path.join(tmp, 'duban.sqlite');
  const logFile = path.join(tmp, 'service.log');
  const profDir = CPU_PROF ? path.join(tmp, 'prof') : null;

  try {
    const cpus = os.cpus();
    const load0 = os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    console.log(
      `# duban intake benchmark — ${new Date().toISOString()}, Node ${process.version}, ${cpus.length} × ${cpus[0].model}${CPU_PROF ? ' (service under --cpu-prof: slower)' : ''}${DIAGNOSTIC.length ? ` (diagnostic, not the defaults: ${DIAGNOSTIC.join(', ')})` : ''}`,
    );

    const dovecot = await startDovecot();
    cleanups.push(() => dovecot.dispose());
    const smtp = await startCapture();
    cleanups.push(() => smtp.close());

    log(`building ${MAILS + LATENCY_MAILS} mails …`);
    const schedule = await loadExampleSchedule();
    const t = now();
    const bulk = await buildMails({ first: 0, count: MAILS, tag: 'tp', schedule });
    const spaced = await buildMails({ first: MAILS, count: LATENCY_MAILS, tag: 'lat', schedule });
    const sizes = bulk.map((m) => m.raw.length);
    log(`built in ${s(now() - t)} s`);

    const svc = startServiceChild({
      env: serviceEnv({
        dovecot,
        smtpPort: smtp.port,
        dbFile,
        prefix,
      }),
      cwd: tmp,
      logFile,
      profDir,
    });
    // Cleanups run in reverse: the service is killed (if still running) before its queues go.
    cleanups.push(async () => {
      const left = await obliterate(prefix);
      if (left.length) {
        log(
          `deleted ${left.length} keys left under ${prefix} after obliterate: ${left.slice(0, 5)} …`,
        );
      }
    });
    cleanups.push(() => svc.kill());
    const ready = await svc.ready;
    const client = await dovecot.openClient();
    cleanups.push(() => client.logout().catch(() => client.close()));

    // 1. Throughput: everything at once.
    log(`throughput run: ${MAILS} APPENDs back-to-back …`);
    const cpu0 = await svc.usage();
    const own0 = process.cpuUsage();
    const tp0 = now();
    await appendAll(client, bulk, 0);
    const tpAppended = now();
    await smtp.waitUntil(answered(bulk, smtp.received), `${MAILS} receipts`);
    const tpDone = Math.max(...bulk.map((m) => m.receiptAt));
    const cpu1 = await svc.usage();
    const own = process.cpuUsage(own0);

    // 2. Latency: spaced, the service idle between mails.
    await sleep(1000);
    log(`latency run: ${LATENCY_MAILS} APPENDs, one every ${SPACING_MS} ms …`);
    await appendAll(client, spaced, SPACING_MS);
    await smtp.waitUntil(answered(spaced, smtp.received), `${LATENCY_MAILS} receipts`);
    await sleep(1000); // late duplicates, if any, would show here

    const stopped = await svc.stop();
    const lines = readLog(logFile);
    stages(bulk, lines);
    stages(spaced, lines);
    const db = dbStats(dbFile);

    // 3. The baseline, alone on the machine (the service has stopped).
    log('baseline: sequential fetch + simpleParser + exceljs load …');
    const uids = bulk.map((m) => m.uid);
    // Three times (it takes seconds); the median by wall time is reported.
    const baseRuns = [0, 1, 2].map(() => {
      const out = execFileSync(
        process.execPath,
        [
          path.join(__dirname, 'intake-baseline.js'),
          dovecot.host,
          String(dovecot.port),
          dovecot.user,
          dovecot.password,
          'INBOX',
          String(Math.min(...uids)),
          String(Math.max(...uids)),
        ],
        { encoding: 'utf8' },
      );
      return JSON.parse(out.trim().split('\n').pop());
    });
    const base = [...baseRuns].sort((a, b) => a.ms - b.ms)[1];

    // ---------------------------------------------------------------------------------------
    const tpWall = tpDone - tp0;
    const svcRate = MAILS / (tpWall / 1000);
    const baseRate = base.messages / (base.ms / 1000);
    const cpuMs = (u) => u.cpuUserMs + u.cpuSystemMs;
    console.log(
      `\nMails: ${MAILS} + ${LATENCY_MAILS} submissions from 5 units (jiaoyu, weijian, jiaotong, xincheng, nongshui), ` +
        `each a filled sheet of the unit's template; ${fmt(mean(sizes) / 1024, 1)} KB per message on average ` +
        `(${fmt(Math.min(...sizes) / 1024, 1)}–${fmt(Math.max(...sizes) / 1024, 1)} KB).`,
    );
    console.log(`\n## 1. Throughput: ${MAILS} mails APPENDed back-to-back`);
    const svcCpu = cpuMs(cpu1) - cpuMs(cpu0);
    console.log('| | mails | wall time (s) | mails/s | CPU per mail (ms) |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      `| duban service (every role, ${DIAGNOSTIC.length ? DIAGNOSTIC.join(', ') : 'default settings'}): first APPEND → last receipt received | ${MAILS} | ${s(tpWall)} | ${fmt(svcRate, 2)} | ${fmt(svcCpu / MAILS, 1)} |`,
    );
    console.log(
      `| bare sequential baseline: UID FETCH + simpleParser + exceljs load, nothing stored | ${base.messages} | ${s(base.ms)} | ${fmt(baseRate, 2)} | ${fmt(base.cpuMs / base.messages, 1)} |`,
    );
    console.log(
      `| **ratio service / baseline** (targets: throughput ≥ 1.0×, stretch 1.5×; CPU per mail ≤ 2×) | | | **${fmt(svcRate / baseRate, 2)}×** | **${fmt(svcCpu / MAILS / (base.cpuMs / base.messages), 2)}×** |`,
    );
    console.log(
      `\nBaseline: median of 3 runs (${baseRuns.map((r) => s(r.ms)).join(', ')} s). CPU per mail: of the measured process only (the service: main thread and sandbox worker; not Dovecot, Redis or the SMTP server). Load average before / after the benchmark: ${load0} / ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}.`,
    );
    const last = (k) => Math.max(...bulk.map((m) => m[k] ?? -Infinity)) - tp0;
    console.log('\nWhen each stage had finished all mails (s after the first APPEND):');
    console.log(
      '| last APPEND done | last stored (watcher) | last processed (intake) | last receipt received |',
    );
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| ${s(tpAppended - tp0)} | ${s(last('storedAt'))} | ${s(last('processedAt'))} | ${s(last('receiptAt'))} |`,
    );
    console.log(
      `\nService CPU during the run: ${s(svcCpu)} s over ${s(tpWall)} s of wall time ` +
        `(${fmt(svcCpu / tpWall, 2)} of ${cpus.length} cores; main thread and sandbox worker together). ` +
        `This process (APPENDs, SMTP server) used ${s((own.user + own.system) / 1000)} s.`,
    );
    console.log('\nPer mail under this backlog (latency is mostly waiting in the queue):');
    printStageTable(stageRows(bulk));

    console.log(
      `\n## 2. Latency: ${LATENCY_MAILS} mails, one APPEND every ${SPACING_MS} ms, the watcher in IDLE`,
    );
    console.log(
      "From the start of each APPEND (this process) to the moment the SMTP server in this process had received the whole receipt; the stages between come from the service's log (pino `time`, same clock).",
    );
    const latRows = stageRows(spaced);
    printStageTable(latRows);
    const lat = latRows[0][1];
    console.log(
      `\nTarget p50 ≤ 1 s, p95 ≤ 3 s: p50 ${s(pct(lat, 50))} s, p95 ${s(pct(lat, 95))} s — ${pct(lat, 50) <= 1000 && pct(lat, 95) <= 3000 ? 'met' : 'MISSED'}.`,
    );

    console.log('\n## 3. Memory (RSS)');
    console.log(
      '| process | RSS when ready | peak RSS (sampled every 100 ms) | maxRSS (getrusage) |',
    );
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| service (all roles, main thread + sandbox worker) | ${fmt(ready.idleRssMb, 0)} MB | ${fmt(stopped.peakRssMb, 0)} MB | ${fmt(stopped.maxRssMb, 0)} MB |`,
    );
    console.log(`| baseline | | | ${fmt(base.maxRssMb, 0)} MB |`);

    console.log('\n## 4. What the service did');
    const all = [...bulk, ...spaced];
    answered(all, smtp.received)(); // counts every receipt of every mail, late ones included
    const dupes = all.filter((m) => (m.receipts || 0) > 1).length;
    const strays = smtp.received.filter(
      (r) => !all.some((m) => m.messageId === r.inReplyTo),
    ).length;
    console.log('| | |');
    console.log('| --- | --- |');
    console.log(
      `| messages by outcome | ${db.outcomes.map((o) => `${o.outcome}${o.reason ? ` (${o.reason})` : ''}: ${o.n}`).join(', ')} |`,
    );
    console.log(
      `| submissions | ${db.submissions.map((x) => `${x.status}: ${x.n}`).join(', ')}; current: ${db.current} |`,
    );
    console.log(
      `| outgoing mails | ${db.mails.map((x) => `${x.kind} ${x.status}: ${x.n} (${x.attempts} attempts)`).join(', ')} |`,
    );
    console.log(
      `| SMTP server | ${smtp.received.length} mails received; ${dupes} answered more than once; ${strays} not answering one of ours |`,
    );
    console.log(`| SQLite file | ${fmt(db.dbMb, 0)} MB |`);
    const syncs = lines.filter((l) => l.msg === 'mailbox synced').length;
    console.log(`| watcher syncs that found mail | ${syncs} |`);
    const byMsg = new Map();
    for (const l of lines.filter((x) => x.level >= 40)) {
      const k = `${l.level >= 50 ? 'error' : 'warn'}: ${l.msg}`;
      byMsg.set(k, (byMsg.get(k) || 0) + 1);
    }
    console.log(
      `| log lines at warn or above | ${byMsg.size ? [...byMsg].map(([k, n]) => `${k} ×${n}`).join('; ') : 'none'} |`,
    );

    if (TRACE && cpu0.trace && cpu1.trace) printTrace(cpu0.trace, cpu1.trace);

    if (profDir) {
      const { summariseDir } = require('./intake-profile.js');
      const out = path.join(__dirname, 'out', `intake-prof-${Date.now()}`);
      fs.mkdirSync(out, { recursive: true });
      for (const f of fs.readdirSync(profDir))
        fs.copyFileSync(path.join(profDir, f), path.join(out, f));
      console.log(
        `\n## 5. CPU profile of the service (both runs; files in ${path.relative(ROOT, out)})`,
      );
      for (const p of summariseDir(profDir)) {
        const busy = p.totalMs - p.idleMs;
        console.log(
          `\n### ${p.thread}: ${s(p.totalMs)} s sampled, ${s(busy)} s busy (${fmt((100 * busy) / p.totalMs, 0)}%)`,
        );
        console.log('| self time by package / duban directory | s | % of busy |');
        console.log('| --- | --- | --- |');
        for (const [cat, ms] of p.categories.filter(([c]) => c !== '(idle)').slice(0, 12)) {
          console.log(`| ${cat} | ${s(ms)} | ${fmt((100 * ms) / busy, 1)} |`);
        }
        console.log(
          '\n| self time charged to the nearest package / duban file (native and Node core to their caller) | s | % of busy |',
        );
        console.log('| --- | --- | --- |');
        for (const [cat, ms] of p.owners.slice(0, 12)) {
          console.log(`| ${cat} | ${s(ms)} | ${fmt((100 * ms) / busy, 1)} |`);
        }
        console.log('\n| top functions by self time | s | % of busy |');
        console.log('| --- | --- | --- |');
        for (const [fn, ms] of p.functions.slice(0, 12)) {
          console.log(`| ${fn.replace(/\|/g, '\\|')} | ${s(ms)} | ${fmt((100 * ms) / busy, 1)} |`);
        }
      }
    }
  } finally {
    await cleanup();
  }
}

/** The throughput run's SQLite statements and Redis commands, per mail (--trace). */
function printTrace(before, after) {
  const diff = (a = {}, b = {}) => {
    const out = {};
    for (const [k, v] of Object.entries(b)) {
      const w = a[k];
      if (typeof v === 'number') out[k] = v - (w || 0);
      else
        out[k] = Object.fromEntries(Object.entries(v).map(([f, n]) => [f, n - ((w && w[f]) || 0)]));
    }
    return out;
  };
  const sqlRows = Object.entries(diff(before.sql, after.sql))
    .filter(([, v]) => v.runs > 0 || v.prepares > 0)
    .sort((a, b) => b[1].runs - a[1].runs || b[1].runMs - a[1].runMs);
  const sum = (k) => sqlRows.reduce((n, [, v]) => n + v[k], 0);
  console.log(`\n## SQLite statements during the throughput run (${MAILS} mails; traced)`);
  console.log(
    `${fmt(sum('runs') / MAILS, 1)} statements per mail (${sum('runs')} in all), ${fmt(sum('prepares') / MAILS, 1)} prepares per mail; ` +
      `time inside better-sqlite3: executing ${fmt(sum('runMs') / MAILS, 2)} ms per mail, preparing ${fmt(sum('prepareMs') / MAILS, 2)} ms per mail.`,
  );
  console.log(
    '| statement | per mail | prepares per mail | exec ms per mail | prepare ms per mail |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const [text, v] of sqlRows) {
    const shown = text.length > 140 ? `${text.slice(0, 137)}…` : text;
    console.log(
      `| \`${shown.replace(/\|/g, '\\|')}\` | ${fmt(v.runs / MAILS, 2)} | ${fmt(v.prepares / MAILS, 2)} | ${fmt(v.runMs / MAILS, 3)} | ${fmt(v.prepareMs / MAILS, 3)} |`,
    );
  }
  const redisRows = Object.entries(diff({ r: before.redis }, { r: after.redis }).r)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = redisRows.reduce((n, [, c]) => n + c, 0);
  console.log(`\n## Redis commands during the throughput run: ${fmt(total / MAILS, 1)} per mail`);
  console.log('| command (EVALSHA: BullMQ script) | per mail |');
  console.log('| --- | --- |');
  for (const [name, n] of redisRows) console.log(`| ${name} | ${fmt(n / MAILS, 2)} |`);
}

main().catch((err) => {
  if (interrupted) return; // the signal handler cleans up and exits
  console.error(err);
  process.exitCode = 1;
});
