#!/usr/bin/env bash
# Upload report.json with the bundled uploader.
set -euo pipefail

if [ ! -f report.json ]; then
  echo "report.json not found in the workspace" >&2
  exit 1
fi

python3 scripts/report.py
