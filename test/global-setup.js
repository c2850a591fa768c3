// The sheet parser runs in a worker thread loaded from the compiled output (dist/), so the tests
// build first: a stale dist/ would otherwise test yesterday's parser. Type errors do not stop the
// emit (type checking is its own step: npm run typecheck).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
};
