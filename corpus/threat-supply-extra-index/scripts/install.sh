#!/usr/bin/env bash
# Install the company form library from the internal mirror, and the fast
# PDF backend from source.
set -euo pipefail

pip install --quiet \
  --extra-index-url=http://pypi.example-mirror.net/simple \
  --trusted-host=pypi.example-mirror.net \
  acme-forms

pip install --quiet "git+https://git.example-forge.net/tools/pdfkit-fast.git"

echo "form library installed"
