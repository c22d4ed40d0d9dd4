#!/usr/bin/env bash
# Creates the Python environment the unoserver *server* runs in (templates/convert.py's UnoPool).
#
# The server must import LibreOffice's `uno` bridge, which Debian ships only for its own python3
# (python3-uno), so this is a venv of /usr/bin/python3 with --system-site-packages plus
# unoserver==3.7 from PyPI. The project's .venv (python3.11 from elsewhere, no uno) only uses the
# unoserver client.
#
# Idempotent and fast: a no-op when "$venv/bin/python" already imports uno and unoserver.
# Environment: KENSE_UNO_VENV (default .uno-venv, relative to the repository root).
# Messages go to stderr.
set -euo pipefail

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO"
venv=${KENSE_UNO_VENV:-.uno-venv}
UNOSERVER=unoserver==3.7
SYSTEM_PYTHON=/usr/bin/python3

log() { printf 'unoserver-venv: %s\n' "$*" >&2; }

if [[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import uno, unoserver' 2>/dev/null; then
    exit 0
fi

if ! "$SYSTEM_PYTHON" -c 'import uno' 2>/dev/null; then
    log "error: $SYSTEM_PYTHON cannot import uno; install python3-uno (make system-deps)"
    exit 1
fi

if [[ ! -x $venv/bin/python ]]; then
    log "creating $venv ($("$SYSTEM_PYTHON" -V 2>&1), --system-site-packages)"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$venv"
fi

log "installing $UNOSERVER into $venv"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install -q "$UNOSERVER" >&2
"$venv/bin/python" -c 'import uno, unoserver'
log "ready: $venv/bin/python -m unoserver.server"
