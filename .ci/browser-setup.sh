#!/usr/bin/env bash
# Browser tests need a real headless Chromium (Debian's package) and Playwright (pinned in
# pyproject's dev extras), which drives that binary via executable_path: no browser download.
# Idempotent: installs chromium only when /usr/bin/chromium is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
/usr/bin/chromium --version 2>/dev/null || echo "warning: chromium installed but --version failed" >&2

# Playwright comes with the dev extras; this covers a venv created before the pin was added.
if [ -x .venv/bin/python ] && ! .venv/bin/python -c "import playwright" 2>/dev/null; then
  .venv/bin/python -m pip install -q "playwright==1.65.2"
fi
