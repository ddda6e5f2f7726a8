#!/usr/bin/env bash
# A real browser for the GraphiQL test (tests/test_graphiql_browser.py): Debian's chromium,
# driven headless by Playwright. Quick when it is already installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "Installing Debian's chromium package (the browser of the GraphiQL test)..." >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
