#!/usr/bin/env bash
# Re-records the raw AMI fixtures test/fixtures/ami/22/<case>.txt from the reference PBX.
#
# How to re-record (takes ~2 min):
#   bash test/pbx/pbx.sh start                 # Asterisk 22 chroot with test/pbx/asterisk/*.conf
#   bash test/pbx/record-fixtures.sh           # all cases, or: bash test/pbx/record-fixtures.sh queue-answered
#   bash test/pbx/pbx.sh stop
# Each case starts the sipp UAS phones it needs (test/sipp/uas-*.xml), then records with test/pbx/record-ami.ts
# while the caller scenario (test/sipp/uac-*.xml) runs. Files hold the bytes exactly as AMI sent them (CRLF line
# ends, a blank line after each frame), starting with the banner and the login response (no secret in it).
# Recordings written by MixMonitor during recording are deleted afterwards.
# Uniqueids/timestamps change on every recording, so re-recording shows up as a full diff; that is expected.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SIPP="$REPO/test/sipp"
OUT="$REPO/test/fixtures/ami/22"
PIDS=()

uas() { # uas <scenario> <port> [calls]: a phone in the background that exits after [calls] calls
  if ss -Hlun "sport = :$2" | grep -q .; then echo "UDP port $2 is taken: a stray sipp?" >&2; return 1; fi
  sipp -sf "$SIPP/$1" -i 127.0.0.1 -p "$2" -m "${3:-1}" -nostdin 127.0.0.1:5060 >/dev/null 2>&1 &
  PIDS+=($!)
}
uac() { # uac <scenario> <did> [extra sipp args]: the carrier's call, in the foreground
  local scenario="$1" did="$2"
  shift 2
  sipp -sf "$SIPP/$scenario" -i 127.0.0.1 -p 5090 -s "$did" -m 1 -nostdin "$@" 127.0.0.1:5060 >/dev/null
}
wait_uas() { # phones finish on their own (-m); a hung one is killed after 30 s
  local pid
  for pid in "${PIDS[@]}"; do
    timeout 30 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null || true
  done
  PIDS=()
}

# Inner part: what runs while record-ami.ts records.
play() {
  case "$1" in
    queue-answered) uas uas-operator-answer.xml 5071; sleep 0.3; uac uac-queue-answered-expect-200.xml 7000 ;;
    queue-abandoned) uas uas-operator-ring.xml 5071; sleep 0.3; uac uac-queue-abandoned-expect-487.xml 7000 ;;
    direct-noanswer) uas uas-operator-ring.xml 5072; sleep 0.3; uac uac-direct-noanswer-expect-480.xml 7002 ;;
    direct-busy) uas uas-operator-busy.xml 5073; sleep 0.3; uac uac-direct-busy-expect-486.xml 7003 ;;
    anonymous) uas uas-operator-answer.xml 5071; sleep 0.3; uac uac-anonymous-queue-answered-expect-200.xml 7000 ;;
    withheld-pai)
      uas uas-operator-answer.xml 5071; sleep 0.3; uac ../fixtures/sip/scenarios/uac-withheld-pai-expect-200.xml 7001 ;;
    ru8-caller) uas uas-operator-answer.xml 5071; sleep 0.3; uac uac-ru8-queue-answered-expect-200.xml 7000 ;;
    transfer-blind)
      uas uas-operator-refer-blind.xml 5071; uas uas-operator-answer.xml 5072; sleep 0.3
      uac uac-transfer-blind-expect-200.xml 7001 ;;
    transfer-attended)
      uas uas-operator-atxfer.xml 5071; uas uas-operator-answer.xml 5073; sleep 0.3
      uac uac-transfer-attended-expect-200.xml 7001 ;;
    click-to-call)
      # The Originate is sent by record-ami.ts (see record()); the phones just have to be there first.
      uas uas-operator-answer.xml 5071; uas uas-outside-answer.xml 5090 ;;
    load-100)
      sipp -sf "$SIPP/uac-load-echo-expect-200.xml" -i 127.0.0.1 -p 5090 -s 7099 -m 100 -l 100 -r 50 -nostdin \
        127.0.0.1:5060 >/dev/null ;;
    *) echo "unknown case $1" >&2; return 2 ;;
  esac
  wait_uas
}

record() {
  local name="$1" extra=()
  if [ "$name" = click-to-call ]; then
    extra=(--action-after 1000 --action 'Action: Originate\nChannel: PJSIP/1001\nContext: from-crm\nExten: 89161234567\nPriority: 1\nCallerID: "Zvonok" <1001>\nTimeout: 20000\nAsync: true')
  fi
  echo "recording $name" >&2
  (cd "$REPO" && npx tsx test/pbx/record-ami.ts --out "$OUT/$name.txt" "${extra[@]}" -- bash "$HERE/record-fixtures.sh" --play "$name")
}

if [ "${1:-}" = --play ]; then
  # A failed call must not leave phones behind holding their ports.
  trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
  play "$2"
  exit $?
fi

mkdir -p "$OUT"
ROOT="$(bash "$HERE/pbx.sh" status)" || { echo "start the PBX first: bash test/pbx/pbx.sh start" >&2; exit 1; }
CASES=("$@")
FAILED=0
[ ${#CASES[@]} -gt 0 ] || CASES=(queue-answered queue-abandoned direct-noanswer direct-busy anonymous withheld-pai ru8-caller \
  transfer-blind transfer-attended click-to-call load-100)
for c in "${CASES[@]}"; do
  record "$c" || { echo "case $c FAILED (fixture kept for inspection)" >&2; FAILED=1; }
  sleep 1
done
rm -f "$ROOT"/var/spool/asterisk/monitor/*.wav
exit "${FAILED:-0}"
