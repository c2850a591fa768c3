#!/usr/bin/env node
// Builds dist/ (tsc -p tsconfig.build.json, incremental) and then removes compiled files whose
// source is gone. tsc never deletes outputs of removed or moved sources, and a stale
// dist/src/app/reminders.js would shadow dist/src/app/reminders/index.js: the CLI, the demo and
// the sheet reader's worker (all loaded from dist/) would run yesterday's code.
//   node scripts/build.js           (npm run build; test/global-setup.js; scripts/demo.sh)
// Type errors do not stop the emit (type checking is its own step: npm run typecheck); the exit
// code is tsc's.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Folders compiled into dist/ (tsconfig.build.json's "include"). */
const SOURCES = ['src', 'workers', 'test/helpers/faults'];
const OUTPUT = /\.(?:d\.ts|js|js\.map|d\.ts\.map)$/;

function build(stdio) {
  const tsc = require.resolve('typescript/bin/tsc');
  return spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio })
    .status;
}

/** Removes outputs under dist/<dir> with no <dir>/<name>.ts; returns how many. */
function prune(dir) {
  let removed = 0;
  const walk = (rel) => {
    const abs = path.join(DIST, rel);
    let entries;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) {
        walk(child);
        if (fs.readdirSync(path.join(DIST, child)).length === 0)
          fs.rmdirSync(path.join(DIST, child));
      } else if (OUTPUT.test(e.name)) {
        const source = path.join(ROOT, child.replace(OUTPUT, '.ts'));
        if (!fs.existsSync(source)) {
          fs.rmSync(path.join(DIST, child), { force: true });
          removed += 1;
        }
      }
    }
  };
  walk(dir);
  return removed;
}

function main() {
  const quiet = process.argv.includes('--quiet');
  const status = build(quiet ? 'ignore' : 'inherit');
  const removed = SOURCES.reduce((n, dir) => n + prune(dir), 0);
  if (removed > 0 && !quiet) console.error(`build: removed ${removed} stale file(s) from dist/`);
  return status ?? 1;
}

if (require.main === module) process.exitCode = main();
module.exports = { main };
