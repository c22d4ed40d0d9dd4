#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for Kense's tests and development.
#
# Usage: scripts/postgres.sh start|stop|status|url [--libpq]|psql [ARGS]|destroy
#
#   start    create the cluster if needed, start it, create role `kense` and database
#            `kense_test` if missing; returns only once the server accepts TCP connections
#            (fails with the log's tail after KENSE_PG_TIMEOUT seconds, default 60)
#   stop     fast shutdown; a no-op when it is not running
#   status   prints "running …" (exit 0) or "stopped" (exit 3) on stdout
#   url      prints the SQLAlchemy URL, postgresql+psycopg://kense@127.0.0.1:PORT/kense_test
#            (--libpq: the plain postgresql://… form for psql and libpq tools)
#   psql     runs psql connected as `kense` to `kense_test`
#   destroy  stops the cluster and deletes its directory (all data)
#
# Where the cluster lives, and why: PostgreSQL refuses to run as root, so when this script runs
# as root (CI, the dev machines) the cluster belongs to the `postgres` OS user and every server
# command runs through `runuser -u postgres`. That user must be able to traverse to the data
# directory, which is not true of every place a repository can be cloned to (e.g. under /root,
# mode 0700), and Unix socket paths are limited to ~107 bytes. So the cluster ALWAYS lives in
#     /var/tmp/kense-pg-<first 12 hex digits of sha256(physical repo path)>/
#         data/          the cluster (initdb), mode 0700, owned by postgres
#         run/           the Unix socket directory
#         postgres.log   the server log
# and the repo's var/pg is a symlink to it, for finding the log. Each checkout gets its own
# cluster; /var/tmp survives reboots, so development data stays until `destroy` (or `make clean`).
# Run as a non-root user, the cluster simply belongs to that user.
#
# The server listens on 127.0.0.1 only, port ${KENSE_PG_PORT:-54329}, with trust authentication
# (local socket and 127.0.0.1) and fsync off: it is for tests and development, never production.
# The role `kense` has LOGIN and CREATEDB and owns `kense_test`; the superuser is `postgres`.
#
# Environment: KENSE_PG_PORT (54329), KENSE_PG_TIMEOUT (60), KENSE_PG_DIR (override the
# cluster directory), KENSE_PG_BIN (directory of initdb/pg_ctl/psql; default: the newest
# /usr/lib/postgresql/*/bin). Messages go to stderr; stdout carries only `url`/`status` output.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${KENSE_PG_PORT:-54329}
HOST=127.0.0.1
DB=kense_test
ROLE=kense
TIMEOUT=${KENSE_PG_TIMEOUT:-60}
HASH=$(printf '%s' "$REPO" | sha256sum | cut -c1-12)
BASE=${KENSE_PG_DIR:-/var/tmp/kense-pg-$HASH}
DATA=$BASE/data
SOCK=$BASE/run
LOG=$BASE/postgres.log

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

case $PORT in
'' | *[!0-9]*) die "KENSE_PG_PORT must be a port number, got '$PORT'" ;;
esac

find_bindir() {
    if [[ -n ${KENSE_PG_BIN:-} ]]; then
        [[ -x $KENSE_PG_BIN/pg_ctl ]] || die "KENSE_PG_BIN=$KENSE_PG_BIN has no pg_ctl"
        printf '%s\n' "$KENSE_PG_BIN"
        return
    fi
    local d
    d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null |
        sort -V | tail -n 1)
    if [[ -n $d && -x $d/pg_ctl && -x $d/initdb ]]; then
        printf '%s\n' "$d"
        return
    fi
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname -- "$(command -v pg_ctl)"
        return
    fi
    die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin);" \
        "install them with: bash scripts/system-deps.sh"
}

# Run a command as the cluster's owner, from a directory that owner can enter, with a HOME it
# can read and no PG* variables from the caller's environment.
if [[ $(id -u) == 0 ]]; then
    OWNER=postgres
    id -u "$OWNER" >/dev/null 2>&1 ||
        die "OS user '$OWNER' missing (the Debian postgresql package creates it);" \
            "run: bash scripts/system-deps.sh"
    as_owner() {
        (cd / && runuser -u "$OWNER" -- env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE \
            -u PGSERVICE -u PGOPTIONS HOME="$BASE" "$@")
    }
else
    OWNER=$(id -un)
    as_owner() {
        (cd / && env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGSERVICE -u PGOPTIONS \
            HOME="$BASE" "$@")
    }
fi

url() { printf 'postgresql+psycopg://%s@%s:%s/%s\n' "$ROLE" "$HOST" "$PORT" "$DB"; }
libpq_url() { printf 'postgresql://%s@%s:%s/%s\n' "$ROLE" "$HOST" "$PORT" "$DB"; }

running() { [[ -d $DATA ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# The port a running server was started with (line 4 of postmaster.pid).
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }

# Byte offset of the log when this invocation began, so failures show only their own lines.
LOG_OFFSET=0
log_tail() {
    if [[ -f $LOG ]]; then
        log "last lines of $LOG:"
        tail -c "+$((LOG_OFFSET + 1))" "$LOG" | tail -n 40 >&2 || true
    fi
}

prepare_dir() {
    if [[ ! -d $BASE ]]; then
        mkdir -p -- "$BASE"
    fi
    if [[ $(id -u) == 0 ]]; then
        chown "$OWNER": "$BASE"
    fi
    local owner
    owner=$(stat -c %U "$BASE")
    [[ $owner == "$OWNER" ]] ||
        die "$BASE belongs to '$owner', expected '$OWNER'; remove it or set KENSE_PG_DIR"
    chmod 700 "$BASE"
    as_owner test -w "$BASE" -a -x "$BASE" ||
        die "'$OWNER' cannot enter/write $BASE (check its parent directories' permissions)" \
            "or set KENSE_PG_DIR to a directory it can reach"
    as_owner mkdir -p "$SOCK"
    # Convenience link so the log is easy to find from the repo; never fatal.
    if [[ -z ${KENSE_PG_DIR:-} ]] && mkdir -p "$REPO/var" 2>/dev/null; then
        if [[ -L $REPO/var/pg || ! -e $REPO/var/pg ]]; then
            ln -sfn "$BASE" "$REPO/var/pg" 2>/dev/null || true
        fi
    fi
}

init_cluster() {
    if [[ -s $DATA/PG_VERSION ]]; then
        return
    fi
    if [[ -e $DATA ]]; then
        log "removing incomplete cluster directory $DATA"
        rm -rf -- "$DATA"
    fi
    local locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C.UTF-8
    fi
    log "creating cluster in $DATA (owner $OWNER, locale $locale)"
    if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
        --locale="$locale" --no-sync >"$BASE/initdb.log" 2>&1; then
        cat "$BASE/initdb.log" >&2 || true
        rm -rf -- "$DATA"
        die "initdb failed (output above)"
    fi
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- Kense throw-away test/development cluster (scripts/postgres.sh) ---
listen_addresses = '$HOST'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    as_owner tee "$DATA/pg_hba.conf" >/dev/null <<EOF
# Kense throw-away cluster: trust on the local socket and on 127.0.0.1 only.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
EOF
}

psql_su() {
    as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"
}

ensure_role_and_db() {
    if [[ $(psql_su -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'") != 1 ]]; then
        log "creating role $ROLE"
        psql_su -c "CREATE ROLE $ROLE LOGIN CREATEDB"
    fi
    if [[ $(psql_su -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
        log "creating database $DB"
        psql_su -c "CREATE DATABASE $DB OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
    fi
}

cmd_start() {
    prepare_dir
    init_cluster
    if running; then
        local p
        p=$(running_port)
        [[ -z $p || $p == "$PORT" ]] ||
            die "the cluster in $DATA is already running on port $p, not $PORT;" \
                "stop it first (KENSE_PG_PORT=$p $0 stop)"
        log "already running (data $DATA)"
    else
        if "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -d postgres -U postgres -t 2; then
            die "another PostgreSQL server already answers on $HOST:$PORT (not the cluster" \
                "in $DATA); stop it or choose another port with KENSE_PG_PORT"
        fi
        LOG_OFFSET=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
        log "starting PostgreSQL on $HOST:$PORT (data $DATA, log $LOG)"
        if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -o "-p $PORT" -w -t "$TIMEOUT" \
            start >/dev/null; then
            log_tail
            die "PostgreSQL did not start (log above: $LOG)"
        fi
    fi
    # Ready means: accepting TCP connections on the address the tests use.
    local deadline=$((SECONDS + TIMEOUT))
    until "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -d postgres -U postgres -t 2; do
        if ! running; then
            log_tail
            die "PostgreSQL exited during startup (log above: $LOG)"
        fi
        if ((SECONDS >= deadline)); then
            log_tail
            die "PostgreSQL is not accepting connections on $HOST:$PORT after ${TIMEOUT}s"
        fi
        sleep 0.2
    done
    ensure_role_and_db
    log "ready: $(url)"
}

cmd_stop() {
    if running; then
        log "stopping PostgreSQL (data $DATA)"
        if ! as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t "$TIMEOUT" stop >/dev/null; then
            log_tail
            die "PostgreSQL did not stop within ${TIMEOUT}s"
        fi
    else
        log "not running"
    fi
}

cmd_status() {
    if running; then
        printf 'running on %s:%s (data %s, log %s)\n' "$HOST" "$(running_port)" "$DATA" "$LOG"
    else
        printf 'stopped (data %s)\n' "$DATA"
        exit 3
    fi
}

cmd_destroy() {
    cmd_stop
    if [[ -e $BASE ]]; then
        log "deleting $BASE"
        rm -rf -- "$BASE"
    fi
    if [[ -L $REPO/var/pg ]]; then
        rm -f -- "$REPO/var/pg"
    fi
}

usage() {
    echo "usage: $0 start|stop|status|url [--libpq]|psql [ARGS]|destroy" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
url)
    if [[ ${1:-} == --libpq ]]; then libpq_url; else url; fi
    exit 0
    ;;
start | stop | status | psql | destroy) ;;
-h | --help | help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 0
    ;;
*) usage ;;
esac

BIN=$(find_bindir)
case $command in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
psql) exec "$BIN/psql" -X "$(libpq_url)" "$@" ;;
destroy) cmd_destroy ;;
esac
