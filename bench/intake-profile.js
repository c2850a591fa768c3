// Helper of bench/intake-bench.js (--cpu-prof): summarises V8 .cpuprofile files (one per thread
// of the profiled service: the main thread and the sheet sandbox's worker) by self time, per
// package or duban directory and per function.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function categoryOf(frame) {
  const { functionName, url } = frame;
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + '/dist/'.length).split('/');
    return `duban ${parts.slice(0, Math.min(parts.length - 1, 3)).join('/')}`;
  }
  if (url.startsWith('node:')) return 'node: (core)';
  return url;
}

function summarise(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] || 0) / 1000;
    total += dt;
    self.set(profile.samples[i], (self.get(profile.samples[i]) || 0) + dt);
  }
  const categories = new Map();
  const functions = new Map();
  // Native and Node-core time charged to the nearest caller in a package or duban file (e.g. a
  // socket write to ioredis, a statement's execution to kysely), so the table says who asked.
  const owners = new Map();
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  let isWorker = false;
  for (const [id, ms] of self) {
    const frame = byId.get(id).callFrame;
    if (frame.url && frame.url.includes('parse-worker')) isWorker = true;
    const cat = categoryOf(frame);
    categories.set(cat, (categories.get(cat) || 0) + ms);
    if (cat !== '(idle)') {
      let owner = cat;
      for (let at = id; at !== undefined && (owner === '(native)' || owner === 'node: (core)');) {
        at = parent.get(at);
        owner =
          at === undefined ? '(native / core, no caller)' : categoryOf(byId.get(at).callFrame);
      }
      if (owner === '(root)') owner = '(native / core, no caller)';
      owners.set(owner, (owners.get(owner) || 0) + ms);
    }
    if (!SPECIAL.has(frame.functionName)) {
      const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : 'native';
      const key = `${frame.functionName || '(anonymous)'} (${cat}, ${where})`;
      functions.set(key, (functions.get(key) || 0) + ms);
    }
  }
  // The worker's own frames may all be idle-time library code; recognise it by its script too.
  for (const n of profile.nodes) {
    if (n.callFrame.url && n.callFrame.url.includes('parse-worker')) isWorker = true;
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    file: path.basename(file),
    thread: isWorker ? 'sandbox worker' : 'main thread',
    totalMs: total,
    idleMs: categories.get('(idle)') || 0,
    categories: sorted(categories),
    owners: sorted(owners),
    functions: sorted(functions),
  };
}

function summariseDir(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarise(path.join(dir, f)))
    .filter((s) => s.totalMs > 0);
}

module.exports = { summarise, summariseDir };
