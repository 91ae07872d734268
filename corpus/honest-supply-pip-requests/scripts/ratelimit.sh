#!/usr/bin/env bash
# Print the GitHub API rate limits of $GITHUB_TOKEN, installing requests first
# if it is missing.
set -euo pipefail

here="$(dirname "$0")"

if ! python3 -c 'import requests' 2>/dev/null; then
  echo "installing requests"
  pip install --quiet requests
fi

python3 "$here/ratelimit.py"
