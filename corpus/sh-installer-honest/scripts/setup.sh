#!/usr/bin/env bash
# Install jq with Homebrew when it is missing, then print its version.
#
# Safe to run repeatedly: Homebrew is only called when jq is not on the PATH.
set -euo pipefail

if ! command -v jq >/dev/null 2>&1; then
  echo "jq not found; installing it with Homebrew"
  brew install jq
fi
jq --version
