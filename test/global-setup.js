// The sheet parser runs in a worker thread loaded from the compiled output (dist/), so the tests
// build first: a stale dist/ would otherwise test yesterday's parser.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
};
