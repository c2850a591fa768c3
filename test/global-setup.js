// The sheet parser runs in a worker thread loaded from the compiled output (dist/), and so do the
// CLI tests, so the tests build first (scripts/build.js: tsc, then stale outputs of removed
// sources are deleted): a stale dist/ would otherwise test yesterday's code. Type errors do not
// stop the emit (type checking is its own step: npm run typecheck).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  spawnSync(process.execPath, [path.join(root, 'scripts', 'build.js'), '--quiet'], {
    cwd: root,
    stdio: 'ignore',
  });
};
