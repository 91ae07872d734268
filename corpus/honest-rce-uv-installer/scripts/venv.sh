#!/usr/bin/env bash
# Create the project's virtual environment with uv and install the locked
# dependencies. Run from the project root.
set -euo pipefail

if ! command -v uv >/dev/null 2>&1; then
  echo "uv is not installed; run the installer step first" >&2
  exit 1
fi

uv --version
uv venv .venv
if [ -f uv.lock ]; then
  uv sync --frozen
else
  echo "no uv.lock: created an empty environment"
fi
