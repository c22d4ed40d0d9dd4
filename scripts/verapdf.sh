#!/usr/bin/env bash
# veraPDF, the reference PDF/A validator, for checking the documents Kense generates.
#
# Usage: scripts/verapdf.sh fetch        download it if needed; prints the jar's path on stdout
#        scripts/verapdf.sh run ARGS...  run the veraPDF command line, e.g.
#                                        scripts/verapdf.sh run --flavour 2b --format text FILE.pdf
#
# What runs: org.verapdf.apps:greenfield-apps from Maven Central, a single self-contained jar
# (9.5 MB: validator, PDF parser, the built-in PDF/A and PDF/UA profiles) whose command line is
# org.verapdf.apps.GreenfieldCliWrapper (the jar's Main-Class is the GUI). It is fetched once
# with `mvn dependency:copy` into var/tools/verapdf/ (Maven's ~/.m2 keeps a second copy); later
# runs do not touch the network. Its configuration files go to var/tools/verapdf/config/
# (-Dapp.home), not to ~/.verapdf. Needs java (>= 11) and mvn.
#
# Environment: KENSE_VERAPDF_VERSION (1.28.2). Messages go to stderr; stdout carries only the
# jar's path (fetch) or veraPDF's report (run). `run` exits with veraPDF's status: 0 when every
# file is compliant, 1 when one is not, other values for errors.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
VERSION=${KENSE_VERAPDF_VERSION:-1.28.2}
ARTIFACT=org.verapdf.apps:greenfield-apps:$VERSION
DIR=$REPO/var/tools/verapdf
JAR=$DIR/greenfield-apps-$VERSION.jar
MAIN=org.verapdf.apps.GreenfieldCliWrapper

log() { printf 'verapdf: %s\n' "$*" >&2; }

need() {
    if ! command -v "$1" >/dev/null; then
        log "error: $1 is not installed (apt-get install -y $2)"
        exit 1
    fi
}

fetch() {
    [[ -s $JAR ]] && return 0
    need mvn maven
    mkdir -p "$DIR"
    # Download into a private directory and move into place: a present jar is a complete jar.
    local tmp
    tmp=$(mktemp -d "$DIR/.fetch.XXXXXX")
    log "fetching $ARTIFACT from Maven Central (about 10 MB, once)"
    if ! (cd "$tmp" && mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" \
        -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1); then
        sed 's/\x1b\[[0-9;]*m//g' "$tmp/mvn.log" | tail -n 30 >&2 || true
        rm -rf -- "$tmp"
        log "error: mvn could not fetch $ARTIFACT (output above; is Maven Central reachable?)"
        return 1
    fi
    if [[ ! -s $tmp/greenfield-apps-$VERSION.jar ]]; then
        rm -rf -- "$tmp"
        log "error: mvn reported success but left no greenfield-apps-$VERSION.jar"
        return 1
    fi
    mv "$tmp/greenfield-apps-$VERSION.jar" "$JAR"
    rm -rf -- "$tmp"
    log "saved $JAR"
}

case ${1:-} in
    fetch)
        fetch
        printf '%s\n' "$JAR"
        ;;
    run)
        shift
        fetch
        need java openjdk-17-jre-headless
        exec java -Dapp.home="$DIR" -cp "$JAR" "$MAIN" "$@"
        ;;
    *)
        log "usage: $0 fetch | run [veraPDF options] FILE..."
        exit 2
        ;;
esac
