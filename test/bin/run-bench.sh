#!/usr/bin/env bash
# `npm bench`: same prerequisites as `npm test`, then test/bench/run-all.ts, which starts the services it
# needs through test/support/services and writes its results to the file given by --out
# (also in $ZVONOK_BENCH_OUT): bench-results/<UTC timestamp>.json.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ZV_ROOT"

zv_run_dir_init
zv_ensure_apt
zv_ensure_node_modules || zv_die "npm ci failed"
zv_ensure_asterisk

if [ ! -f test/bench/run-all.ts ]; then
  zv_log "no test/bench/run-all.ts yet: nothing to benchmark"
  exit 0
fi
mkdir -p bench-results
ZVONOK_BENCH_OUT="$ZV_ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ).json"
export ZVONOK_BENCH_OUT
# --expose-gc: memory figures are taken after a collection, not with whatever garbage happens to be around.
node --expose-gc --import tsx test/bench/run-all.ts --out "$ZVONOK_BENCH_OUT" "$@"
rc=$?
[ -f "$ZVONOK_BENCH_OUT" ] && zv_log "results: $ZVONOK_BENCH_OUT"
exit "$rc"
