#!/usr/bin/env bash
# A throw-away single-node Elasticsearch for Kense's tests and development.
#
# Usage: scripts/elasticsearch.sh start|stop|status|url|destroy
#
#   start    fetch and unpack Elasticsearch if needed, write its configuration, start it in the
#            background; returns only once the cluster health is green or yellow (fails with the
#            log's tail after KENSE_ES_TIMEOUT seconds, default 120). A no-op when it runs.
#   stop     SIGTERM and wait until the JVM is gone (SIGKILL after KENSE_ES_TIMEOUT seconds);
#            a no-op when it is not running
#   status   prints "running …" (exit 0) or "stopped" (exit 3) on stdout
#   url      prints the HTTP URL, http://127.0.0.1:PORT (no authentication, no TLS)
#   destroy  stops the node and deletes its directory (unpacked distribution and all data);
#            the downloaded zip stays in the cache
#
# What runs: the "integ-test" zip of Elasticsearch from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:VERSION:zip). It is the server core
# plus the modules transport-netty4, apm, x-pack-core (basic license) and x-pack-security (switched
# off below); no plugins. Checked on 8.19.21, what that means for Kense:
#   - analysis: analyzers standard, simple, whitespace, stop, keyword; tokenizer standard; token
#     filters lowercase, stop (custom analyzers of these and keyword normalizers with lowercase
#     work). NO analysis-common: no language analyzers (russian, english, ...), no stemmer,
#     snowball, synonym, asciifolding, ngram/edge_ngram, word_delimiter, pattern, whitespace/
#     keyword tokenizers; no ICU. The standard analyzer tokenizes and lowercases Kazakh/Russian.
#   - mappings: text, keyword, date, numbers, nested, flattened, dense_vector, completion work;
#     NO mapper-extras (search_as_you_type, match_only_text, scaled_float, rank_feature,
#     token_count), no join, percolator, wildcard, constant_keyword, version, unsigned_long.
#   - NO lang-painless (no script queries/sorts/updates; partial `doc` updates work), NO reindex
#     module (no _reindex, _update_by_query, _delete_by_query), no ingest processors. Bulk,
#     aliases, index templates, highlighting, aggregations, point-in-time, search_after work.
#   - NO rest-root module: GET / and HEAD / answer 405, so the Python client's info() raises
#     ApiError(405) and ping() returns False; check readiness with cluster.health() instead.
# No JDK is bundled: the node runs on the lowest Java >= 17 in /usr/lib/jvm (OpenJDK 17 here).
#
# Fetching: `mvn dependency:copy` downloads the zip (107 MB; seconds to minutes) into
# ${KENSE_CACHE:-/var/tmp/kense-cache} once (Maven's ~/.m2 keeps a second copy); later starts do
# not touch the network. Missing tools (unzip, maven, OpenJDK 17) are installed with apt-get
# (one `apt-get update` first, only then) when running as root. A warm start takes 10-15 s.
#
# Where it lives, and why: Elasticsearch refuses to run as root, so when this script runs as root
# (CI, the dev machines) the node runs as the system user `kense-es` (created on first use, no
# login shell, no home) through `runuser`. That user must be able to reach the node's files,
# which is not true of every place a repository can be cloned to (e.g. under /root, mode 0700).
# So the node ALWAYS lives in
#     /var/tmp/kense-es-<first 12 hex digits of sha256(physical repo path)>/
#         elasticsearch-VERSION/   the unpacked distribution (config/ is rewritten at each start)
#         data/                    path.data
#         logs/                    path.logs: kense-dev.log (the server log), gc.log, launcher.log
#         run/                     es.pid, http.port
#         tmp/                     ES_TMPDIR
# all owned by kense-es, and the repo's var/es is a symlink to it, for finding the log. Each
# checkout gets its own node directory; /var/tmp survives reboots, so the index data stays until
# `destroy` (or `make clean`). Run as a non-root user, the node simply belongs to that user.
#
# Configuration: cluster.name kense-dev, node.name kense, single-node discovery, HTTP on
# 127.0.0.1:${KENSE_ES_PORT:-9200} only, transport on 127.0.0.1:9300-9399 (first free), heap
# ${KENSE_ES_HEAP:-512m}, disk watermarks off (a nearly full disk does not block writes),
# security off. When vm.max_map_count is below 262144 (typical in containers, where it cannot
# be raised) the node is told not to mmap its index files (node.store.allow_mmap: false) rather
# than changing the host's kernel settings. For tests and development, never production.
#
# Environment: KENSE_ES_PORT (9200), KENSE_ES_TIMEOUT (120), KENSE_ES_VERSION (8.19.21; Central's
# maven-metadata.xml lists no 9.x, but 9.0.0 can be fetched: it needs Java 21-24, and fails its
# entitlement self-test on Temurin 25), KENSE_ES_HEAP (512m), KENSE_CACHE (/var/tmp/kense-cache),
# KENSE_ES_DIR (override the node directory), KENSE_ES_JAVA_HOME (the JDK to run on).
# Messages go to stderr; stdout carries only `url`/`status` output.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${KENSE_ES_PORT:-9200}
TRANSPORT_PORTS=9300-9399
HOST=127.0.0.1
CLUSTER=kense-dev
NODE=kense
VERSION=${KENSE_ES_VERSION:-8.19.21}
HEAP=${KENSE_ES_HEAP:-512m}
TIMEOUT=${KENSE_ES_TIMEOUT:-120}
CACHE=${KENSE_CACHE:-/var/tmp/kense-cache}
HASH=$(printf '%s' "$REPO" | sha256sum | cut -c1-12)
BASE=${KENSE_ES_DIR:-/var/tmp/kense-es-$HASH}
ESHOME=$BASE/elasticsearch-$VERSION
DATA=$BASE/data
LOGS=$BASE/logs
RUN=$BASE/run
TMP=$BASE/tmp
PIDFILE=$RUN/es.pid
PORTFILE=$RUN/http.port
LOG=$LOGS/$CLUSTER.log
LAUNCHER_LOG=$LOGS/launcher.log
ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip
ZIP=$CACHE/elasticsearch-$VERSION.zip

log() { printf 'elasticsearch.sh: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

case $PORT in
'' | *[!0-9]*) die "KENSE_ES_PORT must be a port number, got '$PORT'" ;;
esac
case $TIMEOUT in
'' | *[!0-9]*) die "KENSE_ES_TIMEOUT must be a number of seconds, got '$TIMEOUT'" ;;
esac
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    die "KENSE_ES_VERSION must look like 8.19.21, got '$VERSION'"
[[ $HEAP =~ ^[0-9]+[mMgG]$ ]] || die "KENSE_ES_HEAP must look like 512m or 1g, got '$HEAP'"

url() { printf 'http://%s:%s\n' "$HOST" "$PORT"; }

# --- the OS user the node runs as ------------------------------------------------------------

if [[ $(id -u) == 0 ]]; then
    OWNER=kense-es
    ensure_owner() {
        id -u "$OWNER" >/dev/null 2>&1 && return
        log "creating system user $OWNER"
        # A concurrent start may create it first; only its absence afterwards is an error.
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
            --comment "Kense throw-away Elasticsearch (scripts/elasticsearch.sh)" "$OWNER" ||
            id -u "$OWNER" >/dev/null 2>&1 || die "useradd $OWNER failed"
    }
    # Run a command as the owner, from a directory it can enter, with a HOME it can read.
    as_owner() { (cd "${RUN_IN:-/}" && runuser -u "$OWNER" -- "$@"); }
else
    OWNER=$(id -un)
    ensure_owner() { :; }
    as_owner() { (cd "${RUN_IN:-/}" && "$@"); }
fi

# --- tools: Java >= 17, mvn, unzip -------------------------------------------------------------

java_major() { # JDK directory -> major version ("17"), empty when unknown
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true)
    if [[ -z $v && -x $1/bin/java ]]; then
        v=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p' || true)
    fi
    printf '%s\n' "$v"
}

# The JDK to run on: KENSE_ES_JAVA_HOME, else the lowest Java >= MIN_JAVA in /usr/lib/jvm (17 is
# the oldest the 8.x server supports; 9.x needs 21).
MIN_JAVA=17
if ((${VERSION%%.*} >= 9)); then MIN_JAVA=21; fi
find_java() {
    if [[ -n ${KENSE_ES_JAVA_HOME:-} ]]; then
        [[ -x $KENSE_ES_JAVA_HOME/bin/java ]] || die "KENSE_ES_JAVA_HOME=$KENSE_ES_JAVA_HOME has no bin/java"
        printf '%s\n' "$KENSE_ES_JAVA_HOME"
        return
    fi
    local d m best='' best_m=999
    for d in /usr/lib/jvm/*/; do
        d=${d%/}
        [[ -x $d/bin/java && ! -L $d ]] || continue
        m=$(java_major "$d")
        if [[ ! $m =~ ^[0-9]+$ ]] || ((m < MIN_JAVA || m >= best_m)); then
            continue
        fi
        best=$d
        best_m=$m
    done
    printf '%s\n' "$best"
}

apt_install() {
    [[ $(id -u) == 0 ]] ||
        die "missing: $*; install them as root: apt-get update && apt-get install -y $*"
    local apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
    log "running: apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q update >&2
    log "running: apt-get install -y --no-install-recommends $*"
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q -y --no-install-recommends \
        install "$@" >&2
}

# Installs (one `apt-get update`, and only then) whatever of Java 17/unzip/mvn is missing and
# needed: mvn only when the zip still has to be downloaded, unzip only when it must be unpacked.
ensure_tools() {
    local need_fetch=$1 need_unzip=$2 missing=()
    if [[ -z $(find_java) && $MIN_JAVA == 17 ]]; then missing+=(openjdk-17-jre-headless); fi
    if [[ $need_unzip == 1 ]] && ! command -v unzip >/dev/null; then missing+=(unzip); fi
    if [[ $need_fetch == 1 ]] && ! command -v mvn >/dev/null; then missing+=(maven); fi
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
    fi
    JAVA=$(find_java)
    [[ -n $JAVA ]] || die "no Java >= $MIN_JAVA found in /usr/lib/jvm; set KENSE_ES_JAVA_HOME"
}

# --- fetch and unpack ------------------------------------------------------------------------

installed() { [[ -f $ESHOME/lib/elasticsearch-$VERSION.jar && -x $ESHOME/bin/elasticsearch ]]; }

fetch() {
    [[ -s $ZIP ]] && return
    mkdir -p -- "$CACHE" || die "cannot create the cache directory $CACHE; set KENSE_CACHE"
    # Download into a private directory and move into place: a present zip is a complete zip.
    local tmp
    tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX")
    log "downloading $ARTIFACT with mvn into $CACHE (about 107 MB, once)"
    local started=$SECONDS
    if ! (cd "$tmp" && mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" \
        -Dmdep.overWriteReleases=true -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1); then
        sed 's/\x1b\[[0-9;]*m//g' "$tmp/mvn.log" | tail -n 30 >&2 || true
        rm -rf -- "$tmp"
        die "mvn could not fetch $ARTIFACT (output above; Maven Central has 8.x versions only)"
    fi
    [[ -s $tmp/elasticsearch-$VERSION.zip ]] || {
        rm -rf -- "$tmp"
        die "mvn reported success but left no elasticsearch-$VERSION.zip"
    }
    if ! unzip -tq "$tmp/elasticsearch-$VERSION.zip" >/dev/null; then
        rm -rf -- "$tmp"
        die "the downloaded elasticsearch-$VERSION.zip is corrupt (remove it from ~/.m2 too)"
    fi
    mv -f -- "$tmp/elasticsearch-$VERSION.zip" "$ZIP"
    rm -rf -- "$tmp"
    log "downloaded in $((SECONDS - started))s: $ZIP"
}

unpack() {
    installed && return
    local tmp
    tmp=$(mktemp -d "$BASE/.unpack.XXXXXX")
    log "unpacking $ZIP into $ESHOME"
    if ! unzip -q "$ZIP" -d "$tmp" || [[ ! -d $tmp/elasticsearch-$VERSION ]]; then
        rm -rf -- "$tmp"
        die "cannot unpack $ZIP (remove it to download it again)"
    fi
    rm -rf -- "$ESHOME"
    mv -- "$tmp/elasticsearch-$VERSION" "$ESHOME"
    rm -rf -- "$tmp"
    if [[ $(id -u) == 0 ]]; then
        chown -R "$OWNER": "$ESHOME"
    fi
}

# --- the node directory ----------------------------------------------------------------------

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
        die "$BASE belongs to '$owner', expected '$OWNER'; remove it or set KENSE_ES_DIR"
    chmod 700 "$BASE"
    as_owner test -w "$BASE" -a -x "$BASE" ||
        die "'$OWNER' cannot enter/write $BASE (check its parent directories' permissions)" \
            "or set KENSE_ES_DIR to a directory it can reach"
    as_owner mkdir -p "$DATA" "$LOGS" "$RUN" "$TMP"
    # Convenience link so the log is easy to find from the repo; never fatal.
    if [[ -z ${KENSE_ES_DIR:-} ]] && mkdir -p "$REPO/var" 2>/dev/null; then
        if [[ -L $REPO/var/es || ! -e $REPO/var/es ]]; then
            ln -sfn "$BASE" "$REPO/var/es" 2>/dev/null || true
        fi
    fi
}

write_config() {
    local mmap=''
    local max_map
    max_map=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 0)
    if ((max_map < 262144)); then
        mmap="# vm.max_map_count is $max_map (< 262144): no mmap of index files
node.store.allow_mmap: false"
    fi
    as_owner tee "$ESHOME/config/elasticsearch.yml" >/dev/null <<EOF
# --- Kense throw-away test/development node (scripts/elasticsearch.sh); rewritten at each start ---
cluster.name: $CLUSTER
node.name: $NODE
path.data: $DATA
path.logs: $LOGS
network.host: $HOST
http.port: $PORT
transport.port: $TRANSPORT_PORTS
discovery.type: single-node
# Never refuse writes or shard allocation because the disk is nearly full.
cluster.routing.allocation.disk.threshold_enabled: false
# The integ-test build ships x-pack-security; without this it wants TLS certificates and passwords.
xpack.security.enabled: false
$mmap
EOF
}

# --- process state ---------------------------------------------------------------------------

# The PID of this directory's node, if it runs (the pid file alone can be stale).
node_pid() {
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "-Des.path.home=$BASE/" || return 1
    printf '%s\n' "$pid"
}

running() { node_pid >/dev/null; }

running_port() { cat "$PORTFILE" 2>/dev/null || true; }

# Something (anything) accepts TCP connections on $HOST:$1.
port_taken() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Prints the cluster health JSON when this node answers green or yellow.
healthy() {
    local body
    body=$(curl -sS -m 5 "http://$HOST:$PORT/_cluster/health?wait_for_status=yellow&timeout=1s" \
        2>/dev/null) || return 1
    [[ $body == *'"cluster_name":"'$CLUSTER'"'* ]] || return 1
    [[ $body == *'"status":"green"'* || $body == *'"status":"yellow"'* ]]
}

# Byte offset of the log when this invocation began, so failures show only their own lines.
LOG_OFFSET=0
log_tail() {
    if [[ -s $LAUNCHER_LOG ]]; then
        log "output of bin/elasticsearch ($LAUNCHER_LOG):"
        tail -n 20 "$LAUNCHER_LOG" >&2 || true
    fi
    if [[ -f $LOG ]]; then
        log "last lines of $LOG:"
        tail -c "+$((LOG_OFFSET + 1))" "$LOG" | tail -n 40 >&2 || true
    fi
}

# --- commands --------------------------------------------------------------------------------

# One start/stop/destroy at a time per node directory (e.g. `make test` and `make es` at once).
LOCKED=0
lock() {
    ((LOCKED)) && return
    exec 9>"$BASE.lock" || die "cannot open the lock file $BASE.lock"
    flock -w "$((TIMEOUT + 60))" 9 || die "another scripts/elasticsearch.sh holds $BASE.lock"
    LOCKED=1
}

cmd_start() {
    ensure_owner
    lock
    local need_fetch=0 need_unzip=0
    if ! installed; then
        need_unzip=1
        [[ -s $ZIP ]] || need_fetch=1
    fi
    ensure_tools "$need_fetch" "$need_unzip"
    prepare_dir
    if running; then
        local p
        p=$(running_port)
        [[ -z $p || $p == "$PORT" ]] ||
            die "the node in $BASE is already running on port $p, not $PORT;" \
                "stop it first (KENSE_ES_PORT=$p $0 stop)"
        log "already running (pid $(node_pid), $BASE)"
    else
        if port_taken "$PORT"; then
            local who home
            who=$(curl -sS -m 3 "http://$HOST:$PORT/_cluster/health" 2>/dev/null |
                sed -n 's/.*"cluster_name":"\([^"]*\)".*/\1/p' || true)
            home=$(curl -sS -m 3 "http://$HOST:$PORT/_nodes/_local/settings?filter_path=**.path.home" \
                2>/dev/null | sed -n 's/.*"home":"\([^"]*\)".*/\1/p' || true)
            local what="something"
            if [[ -n $who ]]; then
                what="Elasticsearch (cluster \"$who\"${home:+, in ${home%/*}})"
            fi
            die "$what already listens on $HOST:$PORT, not the node in $BASE;" \
                "stop it or choose another port with KENSE_ES_PORT"
        fi
        fetch
        unpack
        write_config
        rm -f -- "$PIDFILE"
        printf '%s\n' "$PORT" | as_owner tee "$PORTFILE" >/dev/null
        LOG_OFFSET=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
        : >"$LAUNCHER_LOG"
        log "starting Elasticsearch $VERSION on $HOST:$PORT (Java $(java_major "$JAVA") at $JAVA," \
            "heap $HEAP, dir $BASE)"
        # -d: the launcher returns once the node has started (or failed). It runs from logs/,
        # where the JVM writes gc.log and any hs_err/heap dump files (relative paths in
        # jvm.options), with an environment of our own making.
        local rc=0
        RUN_IN=$LOGS as_owner env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$BASE" LANG=C.UTF-8 \
            ES_JAVA_HOME="$JAVA" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" ES_PATH_CONF="$ESHOME/config" \
            ES_TMPDIR="$TMP" timeout "$TIMEOUT" "$ESHOME/bin/elasticsearch" -d -p "$PIDFILE" \
            >>"$LAUNCHER_LOG" 2>&1 || rc=$?
        if ((rc != 0)); then
            log_tail
            if running; then cmd_stop; fi
            if ((rc == 124)); then
                die "Elasticsearch did not start within ${TIMEOUT}s (KENSE_ES_TIMEOUT; logs in $LOGS)"
            fi
            die "Elasticsearch did not start (output above; logs in $LOGS)"
        fi
    fi
    # Ready means: the cluster health answers green or yellow on the address the tests use.
    local deadline=$((SECONDS + TIMEOUT))
    until healthy; do
        if ! running; then
            log_tail
            die "Elasticsearch exited during startup (log above: $LOG)"
        fi
        if ((SECONDS >= deadline)); then
            log_tail
            die "Elasticsearch is not healthy on $HOST:$PORT after ${TIMEOUT}s"
        fi
        sleep 0.5
    done
    log "ready: $(url)"
}

cmd_stop() {
    local pid
    if [[ -e $BASE ]]; then
        lock
    fi
    if ! pid=$(node_pid); then
        log "not running"
        return
    fi
    log "stopping Elasticsearch (pid $pid, $BASE)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            log_tail
            log "still running after ${TIMEOUT}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            die "Elasticsearch (pid $pid) did not stop within ${TIMEOUT}s and was killed"
        fi
        sleep 0.2
    done
    rm -f -- "$PIDFILE"
}

cmd_status() {
    local pid
    if pid=$(node_pid); then
        printf 'running on %s:%s (pid %s, dir %s, log %s)\n' "$HOST" "$(running_port)" "$pid" \
            "$BASE" "$LOG"
    else
        printf 'stopped (dir %s)\n' "$BASE"
        exit 3
    fi
}

cmd_destroy() {
    if [[ -e $BASE ]]; then
        lock
    fi
    cmd_stop
    if [[ -e $BASE ]]; then
        log "deleting $BASE"
        rm -rf -- "$BASE"
    fi
    rm -f -- "$BASE.lock"
    if [[ -L $REPO/var/es ]]; then
        rm -f -- "$REPO/var/es"
    fi
}

usage() {
    echo "usage: $0 start|stop|status|url|destroy" >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
url)
    url
    exit 0
    ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
destroy) cmd_destroy ;;
-h | --help | help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 0
    ;;
*) usage ;;
esac
