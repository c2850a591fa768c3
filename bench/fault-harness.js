// The longer fault run: N mails (default 300) APPENDed to a private Dovecot while four real
// service processes (two intake+outbound, two full-role `duban serve`) on a fresh PostgreSQL
// database and a private Redis are hit by a seeded random sequence of faults (SIGKILL of any
// service process or of the watcher's lease holder, Redis and Dovecot restarts, SMTP 451 windows) on top of
// the failpoint kills mid-intake and mid-send. Prints the counts of test/integration/faults.test.ts
// and exits 1 when an invariant is violated (2 when the run itself could not be made).
//
//   npm run build && node bench/fault-harness.js [--mails 300] [--seed 1] [--spacing-ms 150]
//                                                [--quiesce-s 300] [--failpoint-kills N] [--keep]
//
// The harness is test/helpers/faults/ (compiled into dist/test/helpers/faults/ by the build).
'use strict';
const { runFaultScenario } = require('../dist/test/helpers/faults/scenario.js');
const { INVARIANTS } = require('../dist/test/helpers/faults/invariants.js');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) return true;
  return value;
}

async function main() {
  const mails = Number(option('mails', 300));
  const seed = Number(option('seed', 1));
  const spacingMs = Number(option('spacing-ms', 150));
  const quiesceS = Number(option('quiesce-s', 300));
  const failpointKills = Number(option('failpoint-kills', Math.max(2, Math.ceil(mails / 100))));
  const keep = option('keep', false) === true;
  if (![mails, seed, spacingMs, quiesceS, failpointKills].every(Number.isFinite) || mails < 1) {
    console.error(
      'usage: node bench/fault-harness.js [--mails N] [--seed N] [--spacing-ms N] [--quiesce-s N] [--failpoint-kills N] [--keep]',
    );
    return 2;
  }
  console.log(
    `# Fault harness: ${mails} mails, seed ${seed}, one APPEND every ${spacingMs} ms, ` +
      `${failpointKills} failpoint kills of each kind\n`,
  );
  const run = await runFaultScenario({
    mails,
    mailPhaseMs: mails * spacingMs,
    quiesceTimeoutMs: quiesceS * 1000,
    faults: 'random',
    seed,
    failpointKills,
    postgresUrl: process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    keepDir: keep,
    onNote: (line) => console.log(line),
  });
  const { counts, tally, violations } = run.report;
  const l = counts.leases;
  const rows = [
    ['mails appended', counts.mails],
    ['stored (raw messages found)', counts.stored],
    ['lost (appended, not stored)', counts.lost],
    ['stored twice', counts.storedTwice],
    ['not processed', counts.unprocessed],
    ['answers (receipts and correction requests)', counts.answers],
    ['mails without an answer', counts.unanswered],
    ['answered twice, same Message-ID', counts.duplicatesSameMessageId],
    ['answered twice, another Message-ID', counts.duplicatesOtherMessageId],
    ["'mail.possible_duplicate' audit events", counts.possibleDuplicateAudits],
    ['other mails sent (not answers)', counts.otherMails],
    ['submissions', counts.submissions],
    ['messages without exactly one submission', counts.wrongSubmissionCount],
    ['(unit, week) pairs', counts.unitWeeks],
    ['wrong current sheet', counts.wrongCurrent],
    ['outgoing mails not sent', counts.unsentOutgoing],
    [
      'lease acquisitions (watcher / scheduler)',
      `${l.acquisitions.watcher} / ${l.acquisitions.scheduler}`,
    ],
    ['lease overlaps', l.overlaps],
    ['fence violations', l.fenceViolations],
    [
      'live holders at the end (watcher / scheduler)',
      `${l.finalHolders.watcher} / ${l.finalHolders.scheduler}`,
    ],
    ['longest takeover after a holder died', `${(l.longestTakeoverMs / 1000).toFixed(1)} s`],
    ['watcher stored mail without the lease', l.watcherActsWithoutLease],
    ['log lines that are not JSON', counts.brokenLogLines],
    ['mails refused with 451', counts.retries.refusedMails],
    [
      'median wait from a 451 to the next attempt',
      counts.retries.medianRetryMs === null
        ? '–'
        : `${(counts.retries.medianRetryMs / 1000).toFixed(1)} s`,
    ],
  ];
  const faults = [
    ['killed at after-submission', tally.afterSubmissionKills],
    ['killed at after-delivery', tally.afterDeliveryKills],
    ['watcher lease holder SIGKILLed', tally.leaseHolderKills],
    ['random SIGKILLs', tally.randomKills],
    ['Redis restarts', tally.redisRestarts],
    ['Dovecot restarts', tally.dovecotRestarts],
    ['SMTP 451 windows', tally.smtpWindows],
  ];
  console.log(`\n## Faults\n\n| fault | count |\n| --- | --- |`);
  for (const [k, v] of faults) console.log(`| ${k} | ${v} |`);
  console.log(`\n## Counts\n\n| count | value |\n| --- | --- |`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  console.log(
    `\nRun: ${(run.durationMs / 1000).toFixed(0)} s, quiescent: ${run.quiescent ? 'yes' : 'NO'}` +
      (keep ? `, logs kept in ${run.dir}` : ''),
  );
  let broken = !run.quiescent;
  console.log('\n## Invariants\n');
  for (const [key, name] of Object.entries(INVARIANTS)) {
    const found = violations[key];
    console.log(`- ${found.length === 0 ? 'ok' : 'VIOLATED'}: ${name}`);
    for (const detail of found.slice(0, 10)) console.log(`    - ${detail}`);
    if (found.length > 10) console.log(`    - … ${found.length - 10} more`);
    if (found.length > 0) broken = true;
  }
  return broken ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 2;
  },
);
