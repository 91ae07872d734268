#!/usr/bin/env bash
# Mark the project's own scripts executable (mode 755) when they start with
# a shebang line. Run from the project root.
set -uo pipefail

if [ -r /etc/os-release ]; then
  system="$(grep '^PRETTY_NAME=' /etc/os-release | cut -d= -f2 | tr -d '"')"
else
  system="$(uname -s)"
fi
echo "system: $system"

for f in bin/* scripts/*; do
  if [ ! -f "$f" ]; then
    :
  elif [ "$(head -c 2 "$f")" != "#!" ]; then
    echo "no shebang, left alone: $f"
  elif [ ! -x "$f" ]; then
    chmod 755 "$f"
    echo "chmod 755 $f"
  fi
done
