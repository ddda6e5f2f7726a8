#!/usr/bin/env bash
# Builds every image `make test-containers` uses, all on this machine (no registry is reachable
# from here, so nothing is pulled):
#   kl/debian:bookworm     debootstrap'd Debian, imported as a base image (built once, cached)
#   kl/kafka               Debian's JRE + the Apache Kafka jars Maven fetched on the host
#   kl/postgres            Debian's postgresql-15
#   kl/node:20             the host's Node 20 (node and npm) on the Debian base
#   kompetanseloftet:latest the project's one image for all processes (infra/Dockerfile)
# Docker's layer cache makes a second run quick (staged files keep their times: the legacy
# builder's cache compares them). Run from the repository root, after `make setup`.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=infra/containers
BASE=kl/debian:bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Builds download Debian (and PyPI, npm) packages: the host's network, as `apt-get` has it here.
# Debian's engine has no BuildKit (buildx): the CLI's notice about its legacy builder is noise.
build() {
  nice -n 10 docker build --network host -q "$@" >/dev/null 2> >(grep -v -e '^$' \
    -e 'legacy builder is deprecated' -e 'Install the buildx' -e 'docs.docker.com/go/buildx' >&2)
}

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  echo "Building $BASE with debootstrap (a few minutes, once)..." >&2
  rootfs=$(mktemp -d /var/tmp/kl-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  nice -n 10 debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >&2
  # The same package sources as the official image: the release, its updates and security.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  # Certificate authorities the host added locally (here: its egress proxy's), so that HTTPS
  # downloads inside builds (PyPI, npm) verify as they do on the host. None are added elsewhere.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

echo "Building kl/kafka, kl/postgres, kl/node:20 and kompetanseloftet:latest..." >&2
# The broker's jars as Maven fetched them for localinfra (cached), staged into a build context.
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
libs=$(.venv/bin/python -c 'from localinfra.kafka import fetch_jars; print(fetch_jars())')
mkdir "$context/libs"
cp -p "$libs"/*.jar "$context/libs/"
cp -p "$HERE/kafka/Dockerfile" "$HERE/kafka/start-kafka.sh" "$context/"
build -t kl/kafka "$context"
build -t kl/postgres "$HERE/postgres"
# The router needs Node >= 20 (checked here, not found out when the gateway starts).
node=$(command -v node)
if [ "$("$node" -p 'process.versions.node.split(".")[0] >= 20')" != true ]; then
  echo "the host's node ($node, $("$node" --version)) is older than 20; the router needs 20" >&2
  exit 1
fi
rm -rf "${context:?}"/*
cp -p "$node" "$context/node"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$context/npm"
cp -p "$HERE/node/Dockerfile" "$context/"
build -t kl/node:20 "$context"
build -t kompetanseloftet:latest -f infra/Dockerfile .
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(kl/|kompetanseloftet:)' >&2
