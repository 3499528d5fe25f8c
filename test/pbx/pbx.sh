#!/usr/bin/env bash
# Reference Asterisk 22 for tests: bash test/pbx/pbx.sh start|stop|status|restart
# start  provisions the Debian sid chroot (test/pbx/provision.sh, cached), installs the profile
#        test/pbx/asterisk/*.conf into ROOT/etc/asterisk, runs `chroot ROOT /usr/sbin/asterisk -f` in the
#        background and returns once AMI 127.0.0.1:5038 accepts the zvonok login. Prints ROOT.
# stop   graceful `core stop now`, then SIGTERM/SIGKILL of the pid it started. Prints ROOT.
# Idempotent: start on a running PBX only reloads the profile; stop on a stopped one does nothing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AMI_PORT=5038
log() { echo "pbx: $*" >&2; }

root() { ZVONOK_ASTERISK_ROOT="${ZVONOK_ASTERISK_ROOT:-/var/cache/zvonok/asterisk-sid}" bash "$HERE/provision.sh"; }

pid_of() { # pid of our asterisk, empty when not running
  local pidfile="$1/var/run/zvonok-asterisk.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q asterisk "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

ami_ready() { # a full login round trip, not just an open port
  node -e '
    const s = require("net").connect(+process.argv[1], "127.0.0.1");
    let buf = "";
    const done = (ok) => { s.destroy(); process.exit(ok ? 0 : 1); };
    s.setTimeout(2000, () => done(false));
    s.on("error", () => done(false));
    s.on("data", (d) => {
      buf += d;
      if (/^Asterisk Call Manager/.test(buf) && !s.sent) {
        s.sent = true;
        s.write("Action: Login\r\nUsername: zvonok\r\nSecret: zvonok-secret\r\nEvents: off\r\n\r\n");
      }
      if (/Response: Success/.test(buf)) done(/Authentication accepted/.test(buf));
      if (/Response: Error/.test(buf)) done(false);
    });' "$AMI_PORT" 2>/dev/null
}

install_profile() {
  local R="$1"
  mkdir -p "$R/etc/asterisk" "$R/var/run/asterisk" "$R/var/log/asterisk" "$R/var/spool/asterisk/monitor" \
    "$R/var/lib/asterisk/moh"
  # Our files replace the distribution's; its other samples stay (indications, codecs...); what we do not
  # want is kept out by modules.conf rather than by deleting files.
  cp "$HERE"/asterisk/*.conf "$R/etc/asterisk/"
  # Hold music so held legs and recordings carry audio: 1 s of 440 Hz beeps, 8 kHz mono 16-bit.
  if [ ! -s "$R/var/lib/asterisk/moh/zvonok-beep.wav" ]; then
    sox -n -r 8000 -c 1 -b 16 "$R/var/lib/asterisk/moh/zvonok-beep.wav" synth 0.5 sine 440 pad 0 0.5 vol 0.3
  fi
  # The chroot's asterisk uid is foreign to the host and root has no DAC override: make it all root-owned.
  chown -R root:root "$R/etc/asterisk" "$R/var/lib/asterisk" "$R/var/spool/asterisk" "$R/var/log/asterisk" \
    "$R/var/run/asterisk" "$R/var/cache/asterisk" 2>/dev/null || true
  chmod 0755 "$R/var/spool/asterisk/monitor"
}

start() {
  local R pid i
  R="$(root)"
  install_profile "$R"
  pid="$(pid_of "$R")"
  if [ -n "$pid" ]; then
    if ami_ready; then
      chroot "$R" /usr/sbin/asterisk -rx 'core reload' >/dev/null 2>&1 || true
      log "already running (pid $pid), profile reloaded"
      echo "$R"
      return 0
    fi
  elif ami_ready; then
    log "AMI on :$AMI_PORT answers but is not ours; refusing to start a second Asterisk"
    echo "$R"
    return 0
  else
    rm -f "$R/var/run/asterisk/asterisk.ctl" "$R/var/run/asterisk/asterisk.pid"
    # setsid: the PBX outlives the shell that started it (vitest global-setup, CI step). Descriptors above 2 are
    # closed so it cannot inherit a caller's lock (a `flock` around a test run would otherwise be held forever).
    (
      for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
      done
      exec setsid chroot "$R" /usr/sbin/asterisk -f -n >"$R/var/log/asterisk/console.log" 2>&1 </dev/null
    ) &
    pid=$!
    echo "$pid" >"$R/var/run/zvonok-asterisk.pid"
  fi
  for i in $(seq 1 60); do
    if ami_ready; then
      log "up (pid $pid) after ~$((i / 2)) s"
      echo "$R"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "asterisk exited; tail of $R/var/log/asterisk/console.log:"
      tail -n 30 "$R/var/log/asterisk/console.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  log "AMI did not accept a login within 30 s; see $R/var/log/asterisk/messages.log"
  return 1
}

stop() {
  local R pid i
  R="$(root)"
  pid="$(pid_of "$R")"
  if [ -z "$pid" ]; then
    log "not running"
    echo "$R"
    return 0
  fi
  timeout 5 chroot "$R" /usr/sbin/asterisk -rx 'core stop now' >/dev/null 2>&1 || true
  for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$R/var/run/zvonok-asterisk.pid"
  log "stopped"
  echo "$R"
}

status() {
  local R pid
  R="$(root)"
  pid="$(pid_of "$R")"
  if [ -n "$pid" ] && ami_ready; then
    log "running (pid $pid), AMI ready on 127.0.0.1:$AMI_PORT"
    echo "$R"
  else
    log "stopped"
    echo "$R"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop >/dev/null; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
