#!/usr/bin/env bash
# Cold umbrella comparison and portfolio over 1,000 projects (docs/performance.md, "Issue 15: the
# wide views"). Each measurement starts the silo, waits for its start-up steps, sends 10 requests
# (the first is the cold one: nothing of the projects is in memory) and stops it; 3 rounds.
# Usage: scripts/bench-wide-views.sh <silo-dll> <data-dir> <label> [setup|only]
#   setup: create the data set first (100 cooperatives × 10 projects with a grant each, one umbrella)
#   only:  create the data set and stop
# Env: STEPS=n  start-up steps to wait for (1 before issue 15's summaries, 2 after); UPGRADE=1: one
#      start/stop before measuring (the first start of a new release upgrades and builds the summaries).
#      CONFIG=Release  the load generator's build; PORT=n  HTTP port (silo n+1, gateway n+2; default 5795);
#      ROUNDS=n (default 3); PARALLEL=n setup clients (default 8; fewer on a busy machine); SILO_ENV="VAR=value …" environment of the silo (e.g. DOTNET_TieredPGO=0).
# Each round also logs the load average and the silo's own timings of the call (category
# Warmte.WideViews at Debug: query, deserialisation, recomputation, the day's rows; ASP.NET Core's
# "Request finished" with serialisation); at the end the query's floor: the same SELECT in the sqlite3 shell.
set -euo pipefail
DLL=$1; DATA=$2; LABEL=$3; SETUP=${4:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LG="dotnet $ROOT/tests/Warmte.LoadGen/bin/${CONFIG:-Debug}/net10.0/Warmte.LoadGen.dll"
TOKEN=wt_bench-admin-0123456789abcdefghijklmnopqrstuvwxyz
PORT=${PORT:-5795}
URL=http://127.0.0.1:$PORT
OUT=${OUT:-.bench/wide}/$LABEL; mkdir -p "$OUT"
start() {
  # shellcheck disable=SC2086
  env ${SILO_ENV:-} dotnet "$DLL" --urls "$URL" --data-dir "$DATA" --Auth:BootstrapAdminToken "$TOKEN" --RateLimit:Enabled false \
    --Orleans:SiloPort $((PORT + 1)) --Orleans:GatewayPort $((PORT + 2)) --Logging:LogLevel:Default Warning \
    --Logging:LogLevel:Warmte.WideViews Debug --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics Information \
    --Logging:Console:FormatterName simple >"$OUT/silo-current.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 300); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  for _ in $(seq 1 600); do
    n=$(sqlite3 "$DATA/warmtenet.db" "select count(*) from warmte_startup_step" 2>/dev/null || echo 0)
    [ "$n" -ge "${STEPS:-1}" ] && break; sleep 1
  done
  sleep 3
}
stop() {
  kill "$SILO"; wait "$SILO" || true
  cat "$OUT/silo-current.log" >>"$OUT/silo.log"
  # the silo's own account of the first request after the health checks (the cold call)
  grep -E "Summaries read|Umbrella comparison:|Portfolio:|Request finished HTTP/1.1 GET $URL/api/(umbrellas|portfolio)" "$OUT/silo-current.log" \
    | sed -e 's/^.*\(Summaries read\|Umbrella comparison\|Portfolio:\|Request finished\)/  \1/' | head -${SERVER_LINES:-6} || true
}
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
SILO=
trap '[ -n "$SILO" ] && kill "$SILO" 2>/dev/null || true' EXIT
if [ -n "$SETUP" ]; then
  start
  # idempotent: on a busy machine a request may time out; run it again
  for _ in 1 2 3; do
    $LG setup --url $URL --token $TOKEN --prefix wide --cooperatives 100 --projects 10 --members 0 --umbrella-size 100 --parallel ${PARALLEL:-8} 2>&1 | tail -3 && break
  done
  stop
fi
[ "$SETUP" = "only" ] && exit 0
if [ -n "${UPGRADE:-}" ]; then start; stop; fi
# WARM=1: one start with one read of each view first (computes the rows after the table was emptied)
if [ -n "${WARM:-}" ]; then start; curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/api/portfolio"; stop; fi
for i in $(seq 1 "${ROUNDS:-3}"); do
  start; load; $LG umbrella --url $URL --token $TOKEN --umbrella wide-u000 --requests 10 --label "$LABEL" --json "$OUT/umbrella-$i.json" | tail -8; stop
  start; load; $LG portfolio --url $URL --token $TOKEN --requests 10 --label "$LABEL" --json "$OUT/portfolio-$i.json" | tail -8; stop
done
# The physical floor: the summaries' query alone in the sqlite3 shell (3 times), and the stored size.
if [ -f "$DATA/warmtenet.db" ]; then
  load
  echo "stored summaries: $(sqlite3 "$DATA/warmtenet.db" "select count(*) || ' rows, ' || sum(length(summary)) || ' chars' from warmte_project_summary")"
  for _ in 1 2 3; do
    printf '.timer on\n.output /dev/null\nSELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary;\n' \
      | sqlite3 "$DATA/warmtenet.db"
  done
fi
# Medians over the rounds: the cold (first) call and the warm ones (p50 of the other nine).
python3 - "$OUT" <<'PY'
import glob, json, statistics, sys
out = sys.argv[1]
for view, op in (("umbrella", "comparison"), ("portfolio", "portfolio")):
    cold, warm = [], []
    for path in sorted(glob.glob(f"{out}/{view}-*.json")):
        ops = {o["operation"]: o for o in json.load(open(path))["operations"]}
        if f"{op} (first)" in ops: cold.append(ops[f"{op} (first)"]["p50Ms"])
        if op in ops: warm.append(ops[op]["p50Ms"])
    if cold:
        print(f"{view}: cold median {statistics.median(cold):.0f} ms ({'; '.join(f'{c:.0f}' for c in cold)}), "
              f"warm median {statistics.median(warm):.0f} ms ({'; '.join(f'{w:.0f}' for w in warm)})")
PY
