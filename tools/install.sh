#!/usr/bin/env bash
# Installs what Gradscape needs on a fresh Debian 12 machine: the system libraries Qt's xcb platform needs (and, with
# --test, Xvfb), a project-local virtual environment .venv, and the Python packages.
# Usage: bash tools/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

QT_PACKAGES="libgl1 libegl1 libx11-6 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3 libxcb-cursor0
 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
TEST_PACKAGES="xvfb xauth"
PACKAGES="$QT_PACKAGES"
REQUIREMENTS="-r requirements.txt"
if [ "${1:-}" = "--test" ]; then
  PACKAGES="$QT_PACKAGES $TEST_PACKAGES"
  REQUIREMENTS="-r requirements.txt -r requirements-test.txt"
fi

apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if command -v dpkg >/dev/null && ! dpkg -s $PACKAGES >/dev/null 2>&1; then
  apt_install $PACKAGES
fi

# Debian's own Python refuses global pip installs, and lacks venv until python3-venv is installed.
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    python3 -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check $REQUIREMENTS
