import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package root (where package.json and config/ live), from src/ (ts-jest) or dist/src/. */
export const PACKAGE_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
})();

/**
 * The compiled JavaScript file for a module under src/, for worker threads: they cannot load
 * TypeScript, so under ts-jest (which runs src/*.ts) they use dist/ (tests build it first).
 */
export function compiledModule(fromDirname: string, relative: string): string {
  const fromDist = fromDirname.split(path.sep).includes('dist');
  const dir = fromDist
    ? fromDirname
    : path.join(PACKAGE_ROOT, 'dist', path.relative(PACKAGE_ROOT, fromDirname));
  return path.join(dir, `${relative}.js`);
}
