#!/usr/bin/env bash
# Remove the site's build output, local generator state and shared cache.
# Run from the site root (the folder holding sitegen.toml).
set -euo pipefail

if [ ! -f sitegen.toml ]; then
  echo "sitegen.toml not found: run this from the site root" >&2
  exit 1
fi

du -sh build .sitegen /tmp/sitegen-cache 2>/dev/null || true

rm -rf ./build
rm -rf ./.sitegen
rm -rf /tmp/sitegen-cache

echo "clean: build/, .sitegen/ and /tmp/sitegen-cache removed"
