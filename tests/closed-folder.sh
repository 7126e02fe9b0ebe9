#!/usr/bin/env bash
# A clone under a 0700 folder, run as root: the embedded Postgres must start there (binaries and
# data placed where the `postgres` user can reach them), for the tests and for `npm start`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "closed-folder check: not root, nothing to check"
  exit 0
fi
closed=$(mktemp -d)
trap '[ -n "${app:-}" ] && kill -INT -- "-$app" 2>/dev/null; rm -rf "$closed"' EXIT
chmod 0700 "$closed"
git clone --quiet . "$closed/phasegate"
cp -a node_modules .tools "$closed/phasegate/"
cd "$closed/phasegate"

npx vitest run tests/integration/foundation.test.ts

port=$((20000 + RANDOM % 20000))
PORT=$port POSTGRES_PORT=$((port + 1)) TEMPORAL_PORT=$((port + 2)) TEMPORAL_UI_PORT=$((port + 3)) \
  setsid npm start >"$closed/start.log" 2>&1 &
app=$!
for _ in $(seq 1 120); do
  grep -q 'Phasegate is running' "$closed/start.log" && break
  kill -0 "$app" 2>/dev/null || break
  sleep 0.5
done
if ! curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null; then
  cat "$closed/start.log"
  echo "closed-folder check: npm start did not serve /readyz" >&2
  exit 1
fi
kill -INT -- "-$app"
wait "$app" || true
app=
echo "closed-folder check: tests and npm start ran from a clone under a 0700 folder"
