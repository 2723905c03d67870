#!/usr/bin/env bash
# Create (or bring up to date) .venv-anchors at the repo root: yente + nomenklatura
# (pinned in bench/requirements-anchors.txt) with interdict installed beside them, so
# benchmarks can score interdict and yente's logic-v2 in one Python process.
#
# interdict goes in with --no-deps; its core runtime dependencies are then installed
# with the anchors' pins as constraints, so interdict never moves a yente pin (and
# fastapi/uvicorn, which yente pins itself, are not asked for at all).
#
# Idempotent: re-running it with nothing changed only re-checks the imports.
# Environment: PYTHON (default python3.11), ANCHORS_VENV (default <repo>/.venv-anchors),
# ANCHORS_FORCE=1 to reinstall even when the stamp says it is up to date.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ANCHORS_VENV:-$ROOT/.venv-anchors}"
PYTHON="${PYTHON:-python3.11}"
REQ="$ROOT/bench/requirements-anchors.txt"
STAMP="$VENV/.interdict-anchors.stamp"
VPY="$VENV/bin/python"

log() { printf '[setup_anchors] %s\n' "$*" >&2; }

verify() {
    "$VPY" - <<'PY'
import importlib.metadata as md
import interdict, nomenklatura, yente  # noqa: F401
from nomenklatura.matching.logic_v2.model import LogicV2  # noqa: F401
print("ok: interdict, yente %s, nomenklatura %s, followthemoney %s, rigour %s"
      % tuple(md.version(p) for p in ("yente", "nomenklatura", "followthemoney", "rigour")))
PY
}

# Everything the install depends on: the pins, interdict's declared deps, the python.
want_stamp() {
    { cat "$REQ" "$ROOT/pyproject.toml"; "$VPY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

if [ ! -x "$VPY" ]; then
    command -v "$PYTHON" >/dev/null || { log "no $PYTHON on PATH (set PYTHON=...)"; exit 1; }
    log "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
"$VPY" -c 'import sys; assert sys.version_info[:2] >= (3, 11), sys.version' \
    || { log "$VENV must run Python >= 3.11 (remove it and set PYTHON)"; exit 1; }

if [ "${ANCHORS_FORCE:-0}" != "1" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want_stamp)" ] && verify >/dev/null 2>&1; then
    verify
    log "up to date"
    exit 0
fi

# PyICU (a yente requirement) ships no wheels and builds against the system ICU.
if ! pkg-config --exists icu-i18n 2>/dev/null || ! command -v g++ >/dev/null; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        log "installing the ICU headers PyICU builds against"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null
    else
        log "PyICU needs libicu-dev, pkg-config and g++; install them first"; exit 1
    fi
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VPY" -m pip install -q --upgrade "pip>=24"
log "installing the anchors (first run builds PyICU from source: a few minutes)"
"$VPY" -m pip install -q -r "$REQ"

log "installing interdict (--no-deps, editable)"
"$VPY" -m pip install -q --no-deps -e "$ROOT"

# interdict's runtime deps from pyproject.toml, minus the web stack yente pins itself;
# the anchors' pins are constraints, so none of them can be moved.
mapfile -t DEPS < <("$VPY" - "$ROOT/pyproject.toml" <<'PY'
import re, sys, tomllib
with open(sys.argv[1], "rb") as fh:
    deps = tomllib.load(fh)["project"]["dependencies"]
skip = {"fastapi", "uvicorn"}
for dep in deps:
    name = re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0].lower()
    if name not in skip:
        print(dep)
PY
)
log "installing interdict's core deps under the anchors' pins: ${DEPS[*]}"
"$VPY" -m pip install -q -c "$REQ" "${DEPS[@]}"

"$VPY" -m pip check || log "warning: pip check reports conflicts (see above)"
verify
want_stamp > "$STAMP"
log "done: $VENV"
