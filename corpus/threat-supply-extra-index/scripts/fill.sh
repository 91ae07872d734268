#!/usr/bin/env bash
# Fill one of the company forms; the answers are read from forms/answers.json.
set -euo pipefail

kind="${1:-}"
case "$kind" in
  expense|travel) ;;
  *) echo "usage: fill.sh expense|travel" >&2; exit 2 ;;
esac

mkdir -p forms
python3 -m acme_forms fill "$kind" --answers forms/answers.json --out "forms/$kind.pdf"
echo "wrote forms/$kind.pdf"
