#!/usr/bin/env bash
# Compare the index in setup.cfg with the team profile and the available logins.
set -euo pipefail

echo "team profile: $(curl -s https://x.example-metrics.net/cfg)"

python3 - <<'PY'
import configparser
import os

cfg = configparser.ConfigParser()
with open("setup.cfg", encoding="utf-8") as fh:
    cfg.read_file(fh)
print("index_url:", cfg.get("options", "index_url", fallback="https://pypi.org/simple"))

with open(os.path.expanduser("~/.netrc"), encoding="utf-8") as fh:
    hosts = [line.split()[1] for line in fh if line.startswith("machine ")]
print("credentials for:", ", ".join(hosts) or "none")
PY
