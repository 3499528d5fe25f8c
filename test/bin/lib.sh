#!/usr/bin/env bash
# Shared by run-tests.sh, start.sh and run-bench.sh: `source test/bin/lib.sh` from the repo root.
# Functions are prefixed zv_; nothing here runs on source except settings.

ZV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
# Our own npm wrappers print nothing of value for CI; keep npm quiet about funding/audit everywhere.
export npm_config_fund=false npm_config_audit=false

zv_log() { printf '[zvonok] %s\n' "$*" >&2; }
zv_die() { zv_log "ERROR: $*"; exit 1; }
zv_now() { date +%s; }

# System packages the suites need. Each line: "<check command>|<apt packages>".
ZV_APT_NEEDS=(
  # ps: the exit trap walks the process tree (minimal Debian images lack procps).
  "command -v ps|procps"
  "test -x /usr/lib/postgresql/15/bin/postgres|postgresql-15"
  "command -v redis-server|redis-server"
  "command -v sipp|sip-tester"
  "command -v debootstrap|debootstrap"
  "command -v ffmpeg|ffmpeg"
  "command -v sox|sox"
  # fonts-liberation is only a Recommends of chromium, but without it Cyrillic text renders as boxes.
  "test -x /usr/bin/chromium|chromium fonts-liberation"
  # The SIP front's media: rtpengine in userspace (no kernel module needed).
  "command -v rtpengine|rtpengine-daemon"
  # drachtio-server's build (test/sip/provision-drachtio.sh); only the four Boost libraries it links, not
  # libboost-all-dev, which is ten times the download.
  "command -v autoreconf && command -v libtoolize && command -v g++ && command -v cmake && command -v patch|autoconf automake libtool libtool-bin g++ make cmake pkg-config patch"
  "command -v curl-config && test -f /usr/include/openssl/ssl.h && test -f /usr/include/zlib.h|libcurl4-openssl-dev libssl-dev zlib1g-dev"
  "test -f /usr/include/boost/log/trivial.hpp && test -f /usr/include/boost/filesystem.hpp|libboost-dev libboost-log-dev libboost-thread-dev libboost-system-dev libboost-filesystem-dev"
)

# Installs only what is missing; `apt-get update` runs once and only if something is missing.
zv_ensure_apt() {
  local need check pkgs missing=()
  for need in "${ZV_APT_NEEDS[@]}"; do
    check="${need%%|*}"
    pkgs="${need#*|}"
    bash -c "$check" >/dev/null 2>&1 || missing+=($pkgs)
  done
  if [ ${#missing[@]} -eq 0 ]; then
    zv_log "system packages: all present"
    return 0
  fi
  zv_log "system packages: installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || zv_die "not root and no sudo; install: apt-get install ${missing[*]}"
    sudo=(sudo -n)
  fi
  # Package scripts must not start the distribution's postgres/redis services (ports 5432/6379) as a side
  # effect: a policy-rc.d that denies every start, only for the duration of the install.
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 0755 "$policy"
    added_policy=1
  fi
  local rc=0
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" >/dev/null || rc=$?
  [ -n "$added_policy" ] && "${sudo[@]}" rm -f "$policy"
  [ "$rc" -eq 0 ] || zv_die "apt-get install ${missing[*]} failed (exit $rc)"
}

# `npm ci` when node_modules is missing or older than package-lock.json; otherwise nothing (fast path).
zv_ensure_node_modules() {
  command -v node >/dev/null || zv_die "node (>= 20.19) is required"
  local marker="$ZV_ROOT/node_modules/.package-lock.json"
  if [ -f "$marker" ] && [ ! "$ZV_ROOT/package-lock.json" -nt "$marker" ]; then
    zv_log "node_modules: up to date"
    return 0
  fi
  zv_log "node_modules: npm ci"
  (cd "$ZV_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
}

# The Asterisk 22 chroot (cached outside the repo; minutes on the first run, instant afterwards).
zv_ensure_asterisk() {
  local root
  root="$(bash "$ZV_ROOT/test/pbx/provision.sh")" || zv_die "test/pbx/provision.sh failed"
  export ZVONOK_ASTERISK_ROOT="$root"
  zv_log "asterisk chroot: $root"
}

# drachtio-server, built once per machine from the vendored source (~4–8 minutes on 2 cores, then instant). Runs in
# the background during the other setup and the static checks; zv_wait_drachtio collects it before the suites.
# Without the source tarball this only logs: the global setup then fails the SIP suites with the same message.
zv_start_drachtio_build() {
  ZV_DRACHTIO_LOG="$ZVONOK_RUN_DIR/drachtio-build.log"
  bash "$ZV_ROOT/test/sip/provision-drachtio.sh" >"$ZV_DRACHTIO_LOG" 2>&1 &
  ZV_DRACHTIO_PID=$!
}

zv_wait_drachtio() {
  [ -n "${ZV_DRACHTIO_PID:-}" ] || return 0
  if wait "$ZV_DRACHTIO_PID"; then
    zv_log "drachtio-server: $(tail -1 "$ZV_DRACHTIO_LOG")"
  else
    zv_log "drachtio-server not built (the SIP suites will fail): $(cat "$ZV_DRACHTIO_LOG")"
  fi
  ZV_DRACHTIO_PID=
}

# A per-run dir for service data and pid files (see test/support/services/service-process.ts); the exit
# trap kills and deletes whatever is left in it, also when vitest crashed or the run was interrupted.
zv_run_dir_init() {
  ZVONOK_RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/zvonok-run.XXXXXX")"
  chmod 0755 "$ZVONOK_RUN_DIR"
  export ZVONOK_RUN_DIR
  trap zv_run_dir_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Children first, then their children (pids only, so nothing outside this script's tree is touched).
zv_descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    zv_descendants "$child"
  done
}

ZV_CPU_CGROUPS=/sys/fs/cgroup/cpu

# The run's background cgroup, named after its run dir (zvonok-run.XXXXXX).
zv_background_cgroup_dir() {
  echo "$ZV_CPU_CGROUPS/$(basename "${ZVONOK_RUN_DIR:-none}")"
}

# A CPU cgroup of low weight (`cpu.shares` $1 against the 1024 of everything else) for a step run beside another.
# Every process the step starts stays in it, those that start sessions of their own included (chromium, the e2e
# server): a nice would not reach them, since it counts only within its session's autogroup. Prints its path, or
# nothing where the cgroup v1 cpu controller is not writable here.
zv_background_cgroup() {
  local dir
  [ -w "$ZV_CPU_CGROUPS" ] && [ -e "$ZV_CPU_CGROUPS/cpu.shares" ] || return 0
  dir="$(zv_background_cgroup_dir)"
  if mkdir "$dir" 2>/dev/null && echo "$1" >"$dir/cpu.shares" 2>/dev/null; then
    echo "$dir"
  else
    rmdir "$dir" 2>/dev/null || true
  fi
}

zv_run_dir_cleanup() {
  local dir="${ZVONOK_RUN_DIR:-}" f pgid name i d owner pids cgroup
  # Interrupted mid-step (Ctrl-C, CI cancel): end the step's processes (npx, vitest, workers) first.
  pids="$(for p in $(zv_descendants $$); do kill -0 "$p" 2>/dev/null && echo "$p"; done)"
  if [ -n "$pids" ]; then
    kill -TERM $pids 2>/dev/null || true
    sleep 1
    kill -KILL $pids 2>/dev/null || true
  fi
  cgroup="$(zv_background_cgroup_dir)"
  if [ -d "$cgroup" ]; then
    # Whatever is still in it (a service that outlived its step) goes back to the root group first.
    while read -r p; do echo "$p" >"$ZV_CPU_CGROUPS/cgroup.procs" 2>/dev/null || true; done <"$cgroup/cgroup.procs"
    rmdir "$cgroup" 2>/dev/null || zv_log "cleanup: could not remove $cgroup"
  fi
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  for f in "$dir"/pids/*; do
    [ -e "$f" ] || continue
    pgid="$(basename "$f")"
    name="$(cat "$f" 2>/dev/null || true)"
    zv_log "cleanup: stopping leftover $name (process group $pgid)"
    if [ "$name" = asterisk ]; then
      bash "$ZV_ROOT/test/pbx/pbx.sh" stop >/dev/null 2>&1 || true
    fi
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done
  # Dirs owned by a service account (postgres data, 0700) must be emptied as that account: root here
  # lacks CAP_DAC_OVERRIDE.
  if [ "$(id -u)" -eq 0 ]; then
    while IFS= read -r d; do
      owner="$(stat -c %U "$d")"
      runuser -u "$owner" -- find "$d" -mindepth 1 -delete 2>/dev/null || true
    done < <(find "$dir" -mindepth 1 -type d ! -user root -prune 2>/dev/null)
  fi
  rm -rf "$dir" 2>/dev/null || zv_log "cleanup: could not fully remove $dir"
}
