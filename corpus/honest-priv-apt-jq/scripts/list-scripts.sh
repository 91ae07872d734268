#!/usr/bin/env bash
# Print the npm scripts of package.json, one per line, installing jq first
# when it is missing on a Debian-like system.
set -euo pipefail

if ! command -v jq >/dev/null 2>&1; then
  if [ -f /etc/debian_version ]; then
    echo "jq is missing; installing it with apt (may ask for your password)"
    sudo apt-get install -y jq
  else
    echo "jq is missing; install it with your package manager" >&2
    exit 1
  fi
fi

if [ ! -f package.json ]; then
  echo "no package.json here; run from the project root" >&2
  exit 1
fi

jq -r '.scripts // {} | to_entries[] | "\(.key)\t\(.value)"' package.json
