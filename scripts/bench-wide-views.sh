#!/usr/bin/env bash
# Cold umbrella comparison and portfolio over 1,000 projects (docs/performance.md, "Issue 15: the
# wide views"). Each measurement starts the silo, waits for its start-up steps, sends 10 requests
# (the first is the cold one: nothing of the projects is in memory) and stops it; 3 rounds.
# Usage: scripts/bench-wide-views.sh <silo-dll> <data-dir> <label> [setup|only]
#   setup: create the data set first (100 cooperatives × 10 projects with a grant each, one umbrella)
#   only:  create the data set and stop
# Env: STEPS=n  start-up steps to wait for (1 before issue 15's summaries, 2 after); UPGRADE=1: one
#      start/stop before measuring (the first start of a new release upgrades and builds the summaries).
set -euo pipefail
DLL=$1; DATA=$2; LABEL=$3; SETUP=${4:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LG="dotnet $ROOT/tests/Warmte.LoadGen/bin/${CONFIG:-Debug}/net10.0/Warmte.LoadGen.dll"
TOKEN=wt_bench-admin-0123456789abcdefghijklmnopqrstuvwxyz
URL=http://127.0.0.1:5795
OUT=${OUT:-.bench/wide}/$LABEL; mkdir -p "$OUT"
start() {
  dotnet "$DLL" --urls "$URL" --data-dir "$DATA" --Auth:BootstrapAdminToken "$TOKEN" --RateLimit:Enabled false \
    --Orleans:SiloPort 11795 --Orleans:GatewayPort 30795 --Logging:LogLevel:Default Warning >>"$OUT/silo.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 300); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  for _ in $(seq 1 600); do
    n=$(sqlite3 "$DATA/warmtenet.db" "select count(*) from warmte_startup_step" 2>/dev/null || echo 0)
    [ "$n" -ge "${STEPS:-1}" ] && break; sleep 1
  done
  sleep 3
}
stop() { kill "$SILO"; wait "$SILO" || true; }
if [ -n "$SETUP" ]; then
  start
  $LG setup --url $URL --token $TOKEN --prefix wide --cooperatives 100 --projects 10 --members 0 --umbrella-size 100 --parallel 8 | tail -3
  stop
fi
[ "$SETUP" = "only" ] && exit 0
if [ -n "${UPGRADE:-}" ]; then start; stop; fi
for i in 1 2 3; do
  start; $LG umbrella --url $URL --token $TOKEN --umbrella wide-u000 --requests 10 --label "$LABEL" --json "$OUT/umbrella-$i.json" | tail -8; stop
  start; $LG portfolio --url $URL --token $TOKEN --requests 10 --label "$LABEL" --json "$OUT/portfolio-$i.json" | tail -8; stop
done
