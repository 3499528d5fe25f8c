#!/usr/bin/env bash
# `npm start`: quick start on a fresh clone, no external services (embedded PGlite, in-process bus, demo data).
# Installs node deps if missing, builds the client if stale, then runs the server in the foreground.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ZV_ROOT"

zv_ensure_node_modules

# Rebuild when dist/client is missing or any client input is newer than the last build.
if [ -f vite.config.ts ]; then
  stamp=dist/client/index.html
  if [ ! -f "$stamp" ] ||
    [ -n "$(find client server/src/contracts vite.config.ts package-lock.json -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
    zv_log "building the client (vite build)"
    npx vite build --logLevel warn
  else
    zv_log "client build is up to date"
  fi
else
  zv_log "no vite.config.ts yet: serving the API only"
fi

export SEED_DEMO="${SEED_DEMO:-true}"
# No PBX on the embedded quick start: recorded calls are replayed to the demo operators. Any TELEPHONY_PROVIDER
# (or a DATABASE_URL, i.e. a real installation) turns this off.
if [ -z "${TELEPHONY_PROVIDER:-}" ] && [ -z "${DATABASE_URL:-}" ]; then
  export TELEPHONY_PROVIDER=demo
fi
# tsx directly rather than through npx, so Ctrl-C and SIGTERM reach the server itself.
exec "$ZV_ROOT/node_modules/.bin/tsx" server/src/main.ts
