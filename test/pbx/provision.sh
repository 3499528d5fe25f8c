#!/usr/bin/env bash
# Provisions Asterisk 22 from Debian sid into a cached chroot outside the repo.
# Idempotent: a finished chroot is reused (marker file), a half-built one is rebuilt.
set -euo pipefail
ROOT="${ZVONOK_ASTERISK_ROOT:-/var/cache/zvonok/asterisk-sid}"
MARK="$ROOT/.zvonok-provisioned"
[ -f "$MARK" ] && { echo "$ROOT"; exit 0; }

command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
rm -rf "$ROOT"; mkdir -p "$(dirname "$ROOT")"
debootstrap --variant=minbase sid "$ROOT" >&2
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq >&2
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  asterisk asterisk-modules >&2
touch "$MARK"
echo "$ROOT"
