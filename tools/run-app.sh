#!/usr/bin/env bash
# Installs what the app needs (see tools/install.sh), then launches it. Arguments go to main.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
exec .venv/bin/python main.py "$@"
