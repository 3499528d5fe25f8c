#!/usr/bin/env bash
# Builds drachtio-server from the vendored source tarball, with drachtio-app-failover.patch applied, into a
# cache outside the repo, keyed by the sha256 of both, and prints the binary's path. Idempotent: a finished
# build is reused (the binary is written last, by rename), a half-built one is rebuilt. About 8 minutes on
# 2 cores, once per machine.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARBALL="${ZVONOK_DRACHTIO_TARBALL:-$HERE/../../../shared/vendor/drachtio-server-0.9.4-src.tar.gz}"
if [ ! -f "$TARBALL" ]; then
  cat >&2 <<MSG
drachtio-server source not found at $TARBALL.
The SIP suites run against a real drachtio-server built from its source tarball with pinned submodules
(drachtio-server-0.9.4-src.tar.gz, see shared/vendor/README.md). Put it at ../shared/vendor/ beside the
project checkout, or point ZVONOK_DRACHTIO_TARBALL at it.
MSG
  exit 3
fi
PATCH="$HERE/drachtio-app-failover.patch"
SHA="$(cat "$TARBALL" "$PATCH" | sha256sum | cut -d' ' -f1)"
CACHE="${ZVONOK_DRACHTIO_CACHE:-/var/cache/zvonok}/drachtio-$SHA"
BIN="$CACHE/drachtio"
[ -x "$BIN" ] && { echo "$BIN"; exit 0; }

mkdir -p "$CACHE"
# One build at a time per machine (two worktrees may start a run together).
exec 9>"$CACHE.lock"
flock 9
[ -x "$BIN" ] && { echo "$BIN"; exit 0; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/drachtio-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "[zvonok] building drachtio-server from $TARBALL (about 8 minutes on 2 cores, once per machine)" >&2
tar xzf "$TARBALL" -C "$WORK"
patch -s -d "$WORK" -p1 <"$PATCH"
cd "$WORK"/drachtio-server
{
  ./bootstrap.sh
  mkdir -p build && cd build
  ../configure CPPFLAGS='-DNDEBUG' CXXFLAGS='-O2'
  make -j"$(nproc)"
} >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; echo "[zvonok] drachtio-server build failed" >&2; exit 1; }
cp drachtio "$BIN.tmp" && mv "$BIN.tmp" "$BIN"
echo "$BIN"
