# shellcheck shell=bash
# Sourced by scripts/test.sh, scripts/demo.sh and .ci/run.
#
#   phase NAME COMMAND [ARGS...]
#
# Runs COMMAND with a header, then prints how it ended and how long it took; returns its status,
# so under `set -e` the first failing phase ends the run.

_phase_now() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    printf '%s\n' "${EPOCHREALTIME/,/.}" # bash 5; the separator follows the locale
  else
    date +%s
  fi
}

phase() {
  local name=$1 start status=0 verdict
  shift
  start=$(_phase_now)
  printf '\n==> %s\n' "$name"
  "$@" || status=$?
  if ((status == 0)); then verdict='ok'; else verdict="FAILED (exit $status)"; fi
  printf '<== %s: %s in %ss\n' "$name" "$verdict" \
    "$(awk -v a="$start" -v b="$(_phase_now)" 'BEGIN { printf "%.1f", b - a }')"
  return "$status"
}

# Installs node_modules with `npm ci` when missing or older than package-lock.json (npm writes
# node_modules/.package-lock.json at the end of every install). `npm ci` also builds dist/.
ensure_node_modules() {
  if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
    phase 'npm ci (node_modules missing or older than package-lock.json)' npm ci --no-audit --no-fund
  fi
}
