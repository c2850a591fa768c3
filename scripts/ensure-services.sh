#!/usr/bin/env bash
# Makes sure what the test suite needs is installed and running on this machine, and prints one
# line per service. Idempotent, and quick (well under a second) when everything is already there.
#
#   PostgreSQL      127.0.0.1:5432, logging in as $TEST_POSTGRES_URL
#                   (default postgres://postgres@127.0.0.1:5432/postgres)
#   Redis           127.0.0.1:6379
#   Dovecot         installed only (the IMAP tests start private instances); as root, also the
#                   system user duban-mailtest that runs them
#   docker-compose  for test/integration/compose.test.ts (validates docker-compose.yml; no engine)
#   chromium        with DUBAN_WITH_BROWSER=1 (scripts/test.sh sets it): Debian's chromium and a CJK
#                   font (fonts-noto-cjk) for the console's browser tests (test/helpers/browser.ts,
#                   playwright-core drives /usr/bin/chromium; no browser is ever downloaded)
#
# What is missing is installed from Debian's packages (apt-get, through sudo when not root) and
# started. A server someone else runs is used as it is, never restarted or reconfigured.
# If TEST_POSTGRES_URL names another server, that server is only checked, not managed.
set -euo pipefail

readonly PG_HOST=127.0.0.1 PG_PORT=5432
readonly REDIS_HOST=127.0.0.1 REDIS_PORT=6379
readonly DEFAULT_PG_URL="postgres://postgres@${PG_HOST}:${PG_PORT}/postgres"
PG_URL="${TEST_POSTGRES_URL:-$DEFAULT_PG_URL}"
STATE_DIR="${TMPDIR:-/tmp}/duban-test-services-$(id -u)"

report() { printf '%-15s %s\n' "$1" "$2"; }
note() { printf 'ensure-services: %s\n' "$*" >&2; }
die() {
  note "$*"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Helpers

as_root() {
  # fd 9 is main's lock: a daemon started from here must not inherit (and so hold) it.
  if [[ $(id -u) -eq 0 ]]; then
    "$@" 9>&-
  elif command -v sudo >/dev/null 2>&1; then
    sudo -- "$@" 9>&-
  else
    die "needs root (and there is no sudo) to run: $*"
  fi
}

# apt_install PKG...: installs Debian packages; refreshes the package lists only when the install
# fails (a fresh machine or container may have none yet).
apt_install() {
  command -v apt-get >/dev/null 2>&1 ||
    die "not a Debian/Ubuntu machine (no apt-get): install $* by other means, then rerun"
  mkdir -p "$STATE_DIR"
  local log="$STATE_DIR/apt.log"
  note "installing Debian packages: $* (log: $log)"
  # A UTF-8 locale for maintainer scripts: the postgresql package creates its first cluster with
  # the installing environment's locale, and SQL_ASCII would garble Chinese text.
  # Another apt-get or dpkg at work (unattended upgrades, a second test run) holds the lock:
  # wait for it rather than fail.
  local wait_lock=(-o DPkg::Lock::Timeout=600)
  local install=(env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8
    apt-get "${wait_lock[@]}" install -y --no-install-recommends "$@")
  if as_root "${install[@]}" >"$log" 2>&1; then return 0; fi
  note "apt-get install failed; running apt-get update and trying again"
  if as_root apt-get "${wait_lock[@]}" update >>"$log" 2>&1 && as_root "${install[@]}" >>"$log" 2>&1; then
    return 0
  fi
  tail -n 20 "$log" >&2
  die "could not install: $*"
}

# ensure_command CMD PKG...: installs PKGs unless CMD is already on the PATH.
ensure_command() {
  local cmd=$1
  shift
  if command -v "$cmd" >/dev/null 2>&1; then
    report "$cmd" "ok $(command -v "$cmd")"
    return 0
  fi
  apt_install "$@"
  command -v "$cmd" >/dev/null 2>&1 || die "$* installed but $cmd is still not on the PATH"
  report "$cmd" "ok $(command -v "$cmd") (installed $*)"
}

# wait_for SECONDS CHECK...: polls CHECK every 0.2 s until it succeeds or time runs out.
wait_for() {
  local tries=$(($1 * 5))
  shift
  while ((tries-- > 0)); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_accepting() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

# pg_login_ok URL: logs in and runs `select 1`; psql's complaint is left in PG_LOGIN_ERROR.
PG_LOGIN_ERROR=''
pg_login_ok() {
  PG_LOGIN_ERROR=$(PGCONNECT_TIMEOUT=3 psql "$1" -XqAt -c 'select 1' 2>&1 >/dev/null)
}

pg_clusters() {
  local dir
  for dir in /etc/postgresql/*/main; do
    [[ -d $dir ]] && basename "$(dirname "$dir")"
  done
  return 0
}

pg_server_installed() {
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Starts every local `main` cluster (creating one first if the server is installed without any).
start_local_postgres() {
  local ver
  if [[ -z $(pg_clusters) ]]; then
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
    note "creating PostgreSQL cluster $ver/main"
    as_root env LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_createcluster --port "$PG_PORT" "$ver" main >/dev/null
    PG_CONFIGURED_BY_US=1
  fi
  for ver in $(pg_clusters); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
  done
}

# Lets local TCP logins in without a password, as on the project's CI machines. Only ever done to
# a cluster this script installed or created itself.
trust_local_tcp() {
  local hba ver
  for ver in $(pg_clusters); do
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    if as_root grep -q 'duban-tests' "$hba"; then continue; fi
    note "allowing trust logins from 127.0.0.1 and ::1 in $hba"
    as_root sed -i '1i # duban-tests: trust local TCP logins (added by scripts/ensure-services.sh)\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload >/dev/null 2>&1 || true
  done
}

ensure_postgres() {
  if [[ $PG_URL != "$DEFAULT_PG_URL" ]]; then
    # Someone else's server: check it, never manage it.
    if ! command -v psql >/dev/null 2>&1; then
      report postgres "not checked (no psql): TEST_POSTGRES_URL is set, trusting it"
    elif pg_login_ok "$PG_URL"; then
      report postgres "ok TEST_POSTGRES_URL (given, not managed)"
    else
      die "cannot log in with TEST_POSTGRES_URL: ${PG_LOGIN_ERROR}"
    fi
    return 0
  fi

  local how='already running'
  PG_CONFIGURED_BY_US=0
  if ! pg_accepting; then
    how='started'
    if ! pg_server_installed; then
      apt_install postgresql
      PG_CONFIGURED_BY_US=1
      how='installed and started'
    fi
    start_local_postgres
    wait_for 30 pg_accepting ||
      die "PostgreSQL is not accepting connections on $PG_HOST:$PG_PORT (see /var/log/postgresql/)"
  fi

  if ! command -v psql >/dev/null 2>&1; then
    report postgres "ok $PG_HOST:$PG_PORT ($how; no psql, login not checked)"
    return 0
  fi
  if ! pg_login_ok "$PG_URL"; then
    if [[ $PG_CONFIGURED_BY_US == 1 ]]; then
      trust_local_tcp
      wait_for 5 pg_login_ok "$PG_URL" ||
        die "cannot log in as $PG_URL even after allowing trust: ${PG_LOGIN_ERROR}"
    else
      die "PostgreSQL on $PG_HOST:$PG_PORT refuses $PG_URL (${PG_LOGIN_ERROR})." \
        "Either set TEST_POSTGRES_URL to a" \
        "role that may create and drop tables (postgres://USER:PASSWORD@127.0.0.1:5432/DB), or" \
        "allow 'host all all 127.0.0.1/32 trust' in pg_hba.conf of that test server."
    fi
  fi
  report postgres "ok $PG_HOST:$PG_PORT ($how)"
}

# ---------------------------------------------------------------------------------------------
# Redis

redis_ping() {
  (
    exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ $reply == '+PONG'* ]]
  ) 2>/dev/null
}

start_local_redis() {
  mkdir -p "$STATE_DIR/redis"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save '' \
    --appendonly no --dir "$STATE_DIR/redis" --logfile "$STATE_DIR/redis/redis.log" \
    --pidfile "$STATE_DIR/redis/redis.pid" >/dev/null 9>&- || true
}

ensure_redis() {
  if redis_ping; then
    report redis "ok $REDIS_HOST:$REDIS_PORT (already running)"
    return 0
  fi
  if (exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT") 2>/dev/null; then
    die "something listens on $REDIS_HOST:$REDIS_PORT but does not answer PING with PONG" \
      "(a Redis that wants a password?); the tests need an open Redis there"
  fi
  local how='started'
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
    how='installed and started'
    # The package may have started its own service already.
    if wait_for 2 redis_ping; then
      report redis "ok $REDIS_HOST:$REDIS_PORT (installed; the package's service)"
      return 0
    fi
  fi
  start_local_redis
  wait_for 10 redis_ping ||
    die "Redis did not come up on $REDIS_HOST:$REDIS_PORT (log: $STATE_DIR/redis/redis.log)"
  report redis "ok $REDIS_HOST:$REDIS_PORT ($how; log in $STATE_DIR/redis)"
}

# ---------------------------------------------------------------------------------------------
# Dovecot (IMAP) for test/helpers/dovecot.ts
#
# Only installed here: every test file starts its own private instance in a temp dir on free
# loopback ports, never the system one. Dovecot's login processes refuse to run as root
# ("imap-login: Fatal: This process must not be run as root"), so when the tests run as root the
# helper runs the whole instance (master, login, auth, imap) as this unprivileged system user,
# created once here. As an ordinary user the instance simply runs as that user.
readonly DOVECOT_TEST_USER=duban-mailtest

dovecot_installed() {
  command -v dovecot >/dev/null 2>&1 && command -v doveadm >/dev/null 2>&1 &&
    [[ -x /usr/lib/dovecot/imap && -x /usr/lib/dovecot/imap-login ]]
}

ensure_dovecot() {
  local how='already installed'
  if ! dovecot_installed; then
    local system_was_running=0
    [[ -s /run/dovecot/master.pid ]] && system_was_running=1
    apt_install dovecot-imapd
    dovecot_installed || die "dovecot-imapd installed but dovecot, doveadm or the imap binaries are missing"
    how='installed'
    # Where policy-rc.d allows it, the package starts the system instance (ports 143/993). The
    # tests never use it; stop it only when this install is what started it.
    if [[ $system_was_running == 0 && -s /run/dovecot/master.pid ]]; then
      note "stopping the system Dovecot that the package started (the tests run their own)"
      as_root dovecot stop >/dev/null 2>&1 || true
    fi
  fi
  if [[ $(id -u) -eq 0 ]] && ! id -u "$DOVECOT_TEST_USER" >/dev/null 2>&1; then
    note "creating system user $DOVECOT_TEST_USER (runs the tests' private Dovecot instances)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment 'duban tests, private Dovecot instances' \
      "$DOVECOT_TEST_USER" 9>&-
    how+=", user $DOVECOT_TEST_USER created"
  fi
  report dovecot "ok $(dovecot --version 2>/dev/null | cut -d' ' -f1) ($how)"
}

# ---------------------------------------------------------------------------------------------
# Tools

ensure_tools() {
  ensure_command docker-compose docker-compose
  # The tests read generated workbooks back with LibreOffice headless (scripts/test.sh asks for
  # it; the demo does not need it).
  if [[ ${DUBAN_WITH_LIBREOFFICE:-0} == 1 ]]; then
    ensure_command soffice libreoffice-calc-nogui
    # Word documents (.doc/.wps/.odt) are converted by Writer.
    ensure_package libreoffice-writer-nogui
  fi
  # .7z and .rar attachments are opened with bsdtar (libarchive); the service needs it too.
  ensure_command bsdtar libarchive-tools
}

# ensure_package PKG: installs a Debian package that has no command of its own to look for.
ensure_package() {
  if dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; then
    report "$1" "ok (package)"
    return 0
  fi
  apt_install "$1"
  report "$1" "ok (installed)"
}

# >>> Later additions go here: Dovecot (IMAP) and Chromium. <<<
# One line each, for example:
#   ensure_command dovecot dovecot-imapd dovecot-lmtpd   # the tests start their own rootless
#                                                        # instance in a temp dir per run
#   ensure_command chromium chromium                     # /usr/bin/chromium, never a downloaded one
# Only install here; starting per-run servers belongs to the test harness.
ensure_extras() {
  ensure_dovecot
  if [[ ${DUBAN_WITH_BROWSER:-0} == 1 ]]; then
    ensure_browser
  fi
}

# The console's browser tests and scripts/screenshots.js drive Debian's chromium through
# playwright-core (never a browser Playwright downloads). The console is Chinese: without a CJK
# font every character renders as an empty box (the tests check that it does not).
ensure_browser() {
  ensure_command chromium chromium
  ensure_package fonts-noto-cjk
}

# ---------------------------------------------------------------------------------------------

main() {
  mkdir -p "$STATE_DIR"
  # Two test runs at once must not both apt-get or both start a Redis.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE_DIR/lock"
    flock -w 600 9 || die "timed out waiting for another ensure-services run"
  fi
  ensure_postgres
  ensure_redis
  ensure_tools
  ensure_extras
}

main "$@"
