#!/usr/bin/env bash
# The README's first command (`npm run demo`): from a clean clone, installs what is missing
# (node_modules; Dovecot and Redis from Debian's packages) and plays duban's whole loop on
# embedded defaults: two weeks of March 2021 for the example programme, a private Dovecot
# mailbox, Redis, SQLite under ./data/demo, every outgoing mail written to files. See
# `npx duban demo --help`. It can be run again: each run starts from a clean ./data/demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib-phase.sh
source scripts/lib-phase.sh

ensure_node_modules
phase 'services (Redis, Dovecot)' bash scripts/ensure-services.sh
# A checkout that was built before its sources changed would run yesterday's code.
node scripts/build.js
node bin/duban.js demo "$@"
