#!/usr/bin/env bash
# `npm test`: the whole check on a fresh Debian 12 clone (CI) or a dev machine. Installs what is missing,
# then format, lint, types, unit, integration with the e2e specs that reach no PBX beside it, the PBX ones. Every step runs even after a failure, so one run shows
# everything; the exit status is non-zero if any step failed. The last line is "N passed, N failed"
# (vitest test counts; a failed step that reports no failing test — prettier, eslint, tsc, a crashed
# vitest — counts as one failure, so "0 failed" always means success).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ZV_ROOT"

started="$(zv_now)"
zv_run_dir_init
zv_ensure_apt
zv_start_drachtio_build
zv_ensure_node_modules || zv_die "npm ci failed"
zv_ensure_asterisk
zv_log "setup took $(($(zv_now) - started)) s"

results="$ZVONOK_RUN_DIR/results"
mkdir -p "$results"
steps=()

# step <name> <command...>
step() {
  local name="$1" t0 rc
  shift
  t0="$(zv_now)"
  printf '\n===== %s: %s\n' "$name" "$*"
  # In the background + wait, so a signal to this script is handled at once (bash defers traps while a
  # foreground command runs); the exit trap then ends the step's processes.
  "$@" &
  wait $!
  rc=$?
  steps+=("$name|$rc|$(($(zv_now) - t0))")
  printf '===== %s: %s (%s s)\n' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED, exit $rc")" "$(($(zv_now) - t0))"
}

# vitest_step <name> <vitest args...>: default reporter on screen, json to a file for the summary.
vitest_step() {
  local name="$1"
  shift
  step "$name" npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$results/$name.json"
}

# later <name> <command...>: a step started in the background, its output kept until `collect` prints it.
later_pids=()
later_names=()
later() {
  local name="$1" t0
  shift
  t0="$(zv_now)"
  printf '\n===== %s: %s (in the background; its output follows when it ends)\n' "$name" "$*"
  (
    "$@" >"$results/$name.log" 2>&1
    echo "$? $(($(zv_now) - t0))" >"$results/$name.status"
  ) &
  later_pids+=("$!")
  later_names+=("$name")
}

# collect: waits for the background steps, then prints each one's output whole and records it like `step`.
collect() {
  local name rc secs
  wait "${later_pids[@]}"
  for name in "${later_names[@]}"; do
    read -r rc secs <"$results/$name.status" || { rc=1 secs=0; }
    printf '\n===== %s output\n' "$name"
    cat "$results/$name.log"
    steps+=("$name|$rc|$secs")
    printf '===== %s: %s (%s s)\n' "$name" "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED, exit $rc")" "$secs"
  done
  later_pids=()
  later_names=()
}

# Each of these three is single-threaded: side by side on the machine's cores.
later format npx prettier --check .
later lint npx eslint --max-warnings 0 .
later types npx tsc --noEmit -p tsconfig.json
collect
vitest_step unit --project unit
zv_wait_drachtio
e2e_config=test/e2e/vitest.e2e.config.ts
background="$(zv_background_cgroup 256)"
if [ -n "$background" ]; then
  # The integration suites own the PBX and mostly wait on it (a call takes the seconds it takes; the machine is
  # about half idle meanwhile). The browser specs that reach no PBX run beside them, with a PostgreSQL and Redis of
  # their own (test/global-setup.ts), in a cgroup weighted a quarter of the rest, so the suites that time calls get
  # a core first whenever they want one; the specs that reach the PBX run after them.
  later e2e-web bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$background" \
    npx vitest run --config "$e2e_config" --exclude 'test/e2e/specs/pbx/**' \
    --reporter=default --reporter=json --outputFile.json="$results/e2e-web.json"
  vitest_step integration --project integration
  collect
  vitest_step e2e-pbx --config "$e2e_config" test/e2e/specs/pbx/
else
  vitest_step integration --project integration
  vitest_step e2e --config "$e2e_config"
fi

printf '\n===== summary (total %s s)\n' "$(($(zv_now) - started))"
node - "$results" "${steps[@]}" <<'JS'
const fs = require('node:fs');
const [resultsDir, ...steps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const failures = [];
const firstLine = (text) => String(text ?? '').split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
function failuresOf(step, report) {
  const out = [];
  for (const file of report?.testResults ?? []) {
    const rel = String(file.name).replace(`${process.cwd()}/`, '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) out.push(`  ✗ ${step}: ${rel} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (failedTests.length === 0 && file.status === 'failed') out.push(`  ✗ ${step}: ${rel}: ${firstLine(file.message)}`);
  }
  return out;
}
for (const entry of steps) {
  const [name, rc, secs] = entry.split('|');
  let report;
  try {
    report = JSON.parse(fs.readFileSync(`${resultsDir}/${name}.json`, 'utf8'));
  } catch {}
  const p = report?.numPassedTests ?? 0;
  let f = report?.numFailedTests ?? 0;
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
  if (rc !== '0' && f === 0) f = 1;
  passed += p;
  failed += f;
  const counts = report ? ` ${p} passed, ${f} failed${skipped ? `, ${skipped} skipped` : ''}` : '';
  console.log(`${rc === '0' ? 'ok  ' : 'FAIL'} ${name.padEnd(12)} ${String(secs).padStart(4)} s${counts}`);
  failures.push(...failuresOf(name, report));
}
// CI shows only the tail of the log, so the failures are named again here, after the long reporter output.
for (const line of failures) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
JS
