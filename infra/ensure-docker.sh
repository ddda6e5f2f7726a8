#!/usr/bin/env bash
# A Docker engine for `make test-containers`: Debian's docker.io, docker-compose (v1) and
# debootstrap (which makes the base image, since no registry can be reached from here), and a
# running dockerd.
# Quick when both are there already; safe to run again.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1 ||
  ! command -v debootstrap >/dev/null 2>&1; then
  echo "Installing Debian's docker.io, docker-compose and debootstrap packages..." >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io docker-compose debootstrap >&2
fi
if docker info >/dev/null 2>&1; then
  exit 0
fi
# No init system runs services here: start the daemon ourselves, detached, logging to a file.
echo "Starting dockerd (log: /var/log/dockerd.log)..." >&2
$SUDO sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
for _ in $(seq 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
exit 1
