#!/usr/bin/env bash
# The project's whole check; `npm test` runs it. From a clean clone, this one command is enough:
#
#   npm test                       (or: bash scripts/test.sh)
#   npm test -- test/unit/foo      (extra arguments go to jest)
#
# 1. installs node_modules with `npm ci` when missing or older than package-lock.json;
# 2. makes sure PostgreSQL, Redis and tools (LibreOffice, chromium) are there
#    (scripts/ensure-services.sh);
# 3. typecheck, eslint (with the import direction), import cycles, prettier --check, then jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib-phase.sh
source scripts/lib-phase.sh

# Tests must not depend on the machine's time zone.
export TZ=UTC
# Storage tests run against SQLite and this PostgreSQL in the same jest run.
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"

ensure_node_modules

DUBAN_WITH_LIBREOFFICE=1 DUBAN_WITH_BROWSER=1 phase 'services' bash scripts/ensure-services.sh
phase 'typecheck' npx --no-install tsc --noEmit -p .
phase 'eslint' npx --no-install eslint .
phase 'import cycles' node scripts/check-imports.js
phase 'prettier' npx --no-install prettier --check .
phase 'jest' npx --no-install jest --ci "$@"
