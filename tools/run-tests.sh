#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine (see tools/install.sh), then runs the whole
# suite under a virtual screen (pytest-xvfb starts Xvfb).
# Usage: bash tools/run-tests.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh --test
mkdir -p "${XDG_RUNTIME_DIR:=/tmp/gradscape-runtime-$(id -u)}"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
exec .venv/bin/python -m pytest "$@"
