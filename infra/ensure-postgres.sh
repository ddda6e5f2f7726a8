#!/usr/bin/env bash
# PostgreSQL's server programs (initdb, pg_ctl) for the throwaway test clusters: Debian's package.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
echo "Installing Debian's postgresql package (server programs for test clusters)..." >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
