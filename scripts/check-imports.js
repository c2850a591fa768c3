#!/usr/bin/env node
// Fails when the modules of src/ and workers/ import each other in a cycle, printing each cycle.
// Type-only imports count: a cycle of types still ties two modules together, and is how the
// runtime cycles start. Run by `npm run lint`; the direction rules (domain imports no adapter,
// app imports no library adapter) are eslint's no-restricted-imports in eslint.config.mjs.
//
// Uses the TypeScript compiler API (already a devDependency): preProcessFile lists every import,
// export … from, require() and import() of a file without type checking, and resolveModuleName
// resolves them with tsconfig.json's options, as tsc does.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

// DUBAN_ROOT: check another checkout (used to test this script).
const ROOT = path.resolve(process.env.DUBAN_ROOT || path.join(__dirname, '..'));
const DIRS = ['src', 'workers'];

function compilerOptions() {
  const file = path.join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** file → the files of src/ and workers/ it imports (sorted, for stable output). */
function importGraph() {
  const options = compilerOptions();
  const files = DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d)));
  const inScope = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of info.importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (target && inScope.has(target) && target !== file) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan, iterative). */
function cyclicComponents(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node);
      if (frame.next < edges.length) {
        const target = edges[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components;
}

/** One concrete cycle inside a component: the shortest way back to its first module. */
function cycleIn(component, graph) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const cycle = [];
        for (let at = node; at !== null; at = cameFrom.get(at)) cycle.unshift(at);
        return cycle;
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return component;
}

function main() {
  const graph = importGraph();
  const components = cyclicComponents(graph);
  const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');
  if (components.length === 0) {
    console.log(`check-imports: ${graph.size} modules in ${DIRS.join(', ')}, no import cycle`);
    return 0;
  }
  for (const component of components) {
    const cycle = cycleIn(component, graph).map(rel);
    console.error(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
    if (component.length > cycle.length) {
      console.error(
        `  (${component.length} modules are tied together: ${component.map(rel).sort().join(', ')})`,
      );
    }
  }
  console.error(
    `check-imports: ${components.length} import cycle(s); break each (move shared types to a module both can import).`,
  );
  return 1;
}

process.exitCode = main();
