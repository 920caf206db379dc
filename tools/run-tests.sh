#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine, then runs the whole suite.
# Usage: bash tools/run-tests.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: Xvfb and the libraries Qt's xcb platform needs (see docs/ARCHITECTURE.md, "Testing").
SYSTEM_PACKAGES="libgl1 libegl1 libx11-6 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3 xvfb xauth
 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
 libxkbcommon-x11-0"
if ! dpkg -s $SYSTEM_PACKAGES >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $SYSTEM_PACKAGES
fi

# Python packages, in a project-local virtual environment (Debian's system Python refuses global pip installs).
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-test.txt

mkdir -p "${XDG_RUNTIME_DIR:=/tmp/gradscape-runtime-$(id -u)}"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_RUNTIME_DIR
exec .venv/bin/python -m pytest "$@"
