#!/usr/bin/env bash
# The README's first command (`npm run demo`): from a clean clone, installs what is missing and
# runs duban's main job on embedded defaults (SQLite under ./data, the example schedule, no mail
# server). For now it plays the weekly sheet cycle; see `npx duban demo --help`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib-phase.sh
source scripts/lib-phase.sh

ensure_node_modules
# A checkout that was built before its sources changed would run yesterday's code.
npx --no-install tsc -p tsconfig.build.json
node bin/duban.js demo "$@"
