#!/usr/bin/env bash
# Create the annotated tag v<VERSION> on HEAD and push it to the GitHub repository.
set -euo pipefail

REMOTE="https://github.com/example-org/widget.git"
VERSION="$(cat VERSION)"

if git rev-parse -q --verify "refs/tags/v$VERSION" >/dev/null; then
  echo "tag v$VERSION already exists" >&2
  exit 1
fi

git tag -a "v$VERSION" -m "Release v$VERSION"
git push "$REMOTE" "v$VERSION"
echo "pushed v$VERSION"
