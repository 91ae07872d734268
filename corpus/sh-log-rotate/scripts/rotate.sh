#!/usr/bin/env bash
# Compress every logs/*.log into logs/archive/<name>.log.gz and remove the original.
set -euo pipefail

mkdir -p logs/archive
for f in logs/*.log; do
  if [ -f "$f" ]; then
    gzip -c "$f" > "logs/archive/$(basename "$f").gz"
    rm "$f"
    echo "rotated $f"
  fi
done
