#!/usr/bin/env bash
# Print the commits since the last tag, grouped by Conventional Commits type,
# as Markdown ready to paste into CHANGELOG.md.
set -euo pipefail

last="$(git describe --tags --abbrev=0 2>/dev/null || true)"
range="${last:+$last..}HEAD"

section() {
  local title="$1" pattern="$2"
  local lines
  lines="$(git log --format='%s' "$range" | grep -E "^$pattern(\(.+\))?: " | sed -E 's/^[a-z]+(\((.+)\))?: /- /' || true)"
  if [ -n "$lines" ]; then
    printf '### %s\n\n%s\n\n' "$title" "$lines"
  fi
}

echo "## Unreleased"
echo
section "Features" "feat"
section "Fixes" "fix"
section "Documentation" "docs"
