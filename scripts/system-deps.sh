#!/usr/bin/env bash
# Installs the Debian packages Kense's tests and development need, and only those missing.
#
#   postgresql, postgresql-client  the throw-away test/dev cluster (scripts/postgres.sh)
#   chromium                       end-to-end tests (Playwright with executable_path=/usr/bin/chromium;
#                                  never `playwright install`); pulls libnss3 and friends
#   fonts-dejavu-core              Cyrillic/Kazakh glyphs for Chromium pages (and documents)
#   libreoffice-writer-nogui       DOCX -> PDF/A conversion (templates/convert.py)
#   python3-uno                    LibreOffice's Python bridge, for unoserver on Debian's python3
#   python3-venv                   the venv (with system site packages) unoserver runs in
#   fonts-liberation2              Times New Roman / Arial metric-compatible faces with Kazakh letters
#   poppler-utils                  pdftotext/pdffonts in the document tests, pdfsig (signatures)
#   xmlsec1                        the independent XML signature implementation the interop
#                                  tests check ours against (both ways)
#
# Idempotent and fast: when everything is present it only asks dpkg and exits, without
# `apt-get update`. Otherwise it runs `apt-get update` once and installs what is missing,
# non-interactively and without recommended extras. Needs root (or password-less sudo) only
# when something is missing. All messages go to stderr.
set -euo pipefail

# package  file that must exist once it is installed ('' = dpkg status alone)
REQUIRED=(
    "postgresql        /usr/lib/postgresql"
    "postgresql-client /usr/bin/psql"
    "chromium          /usr/bin/chromium"
    "fonts-dejavu-core /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    "libreoffice-writer-nogui /usr/lib/libreoffice/program/soffice"
    "python3-uno       /usr/lib/python3/dist-packages/uno.py"
    "python3-venv"
    "fonts-liberation2 /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
    "poppler-utils     /usr/bin/pdftotext"
    "xmlsec1           /usr/bin/xmlsec1"
)

log() { printf 'system-deps: %s\n' "$*" >&2; }

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for entry in "${REQUIRED[@]}"; do
    read -r pkg file <<<"$entry"
    if ! installed "$pkg" || { [[ -n ${file:-} ]] && [[ ! -e $file ]]; }; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    log "all present (${REQUIRED[*]%% *})"
    exit 0
fi

SUDO=()
if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        log "error: missing Debian packages: ${missing[*]}"
        log "install them as root: apt-get update && apt-get install -y ${missing[*]}"
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)

log "missing: ${missing[*]}"
log "running: apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q update >&2
log "running: apt-get install -y --no-install-recommends ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -q -y \
    --no-install-recommends install "${missing[@]}" >&2

# Check again: a package manager that said yes but left something missing is an error here.
still=()
for entry in "${REQUIRED[@]}"; do
    read -r pkg file <<<"$entry"
    if ! installed "$pkg" || { [[ -n ${file:-} ]] && [[ ! -e $file ]]; }; then
        still+=("$pkg")
    fi
done
if ((${#still[@]} > 0)); then
    log "error: still missing after apt-get install: ${still[*]}"
    exit 1
fi
log "installed: ${missing[*]}"
