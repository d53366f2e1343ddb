#!/usr/bin/env bash
# The umbrella comparison and the portfolio over 1,000 projects, cold (docs/performance.md, "Issue 15:
# the wide views"). The data: two disjoint data sets of 1,000 projects each in one database ("wide" and
# "wida": 100 cooperatives × 10 projects, a grant each from the set's own funder, one umbrella of all).
# Each round starts the silo (after its start-up steps, nothing but /health asked) and then, per view:
#   1. data set A, 10 requests: the first is PROCESS-COLD (the first real request after a start:
#      start-up cost — JIT or ReadyToRun code, first connections, the umbrella/registry grain);
#   2. data set B, 10 requests: the first is COLD DATA, WARM CODE — how a user meets "cold" on a silo
#      that has run for days: the code ran before (for A), but none of B's grains is active and
#      nothing of B's answer is cached (umbrella B's grain is activated by this call; its
#      cooperatives' snapshots and summary rows are read from the database by this call).
#   The umbrella view compares umbrella wide-u000, then wida-u000 (each reads its own 1,000 rows); the
#   portfolio is asked by a financier of wide-funder, then by one of wida-funder (each sees its own
#   1,000 projects; since the funder index the portfolio reads only its funder's rows — before it, every row).
# The silo is restarted between the two views, so each view's step 1 is process-cold.
# Usage: scripts/bench-wide-views.sh <silo-dll> <data-dir> <label> [setup|only]
#   setup: create the two data sets first (idempotent); only: create them and stop
# Env: CONFIG=Release  the load generator's build; PORT=n  HTTP port (silo n+1, gateway n+2; default 5795);
#      ROUNDS=n (default 3); PARALLEL=n setup clients (default 8); UPGRADE=1: one start/stop before measuring
#      (the first start of a new release upgrades and builds the summaries);
#      SILO_ENV="VAR=value …" environment of the silo (e.g. DOTNET_TieredPGO=0); OUT=dir (default .bench/wide).
# Prints, per round, the load average, the client's times and the silo's own phases of the two
# first calls (log category Warmte.WideViews at Debug: the read's phases, the day's rows, serialising
# the answer and the endpoint's whole time); at the end the sqlite3 floor of the queries and the
# medians over the rounds.
set -euo pipefail
DLL=$1; DATA=$2; LABEL=$3; SETUP=${4:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LG="dotnet $ROOT/tests/Warmte.LoadGen/bin/${CONFIG:-Debug}/net10.0/Warmte.LoadGen.dll"
TOKEN=wt_bench-admin-0123456789abcdefghijklmnopqrstuvwxyz
PORT=${PORT:-5795}
URL=http://127.0.0.1:$PORT
OUT=${OUT:-.bench/wide}/$LABEL; mkdir -p "$OUT"
SETS=(wide wida)
start() {
  # shellcheck disable=SC2086
  env ${SILO_ENV:-} dotnet "$DLL" --urls "$URL" --data-dir "$DATA" --Auth:BootstrapAdminToken "$TOKEN" --RateLimit:Enabled false \
    --Orleans:SiloPort $((PORT + 1)) --Orleans:GatewayPort $((PORT + 2)) --Logging:LogLevel:Default Warning \
    --Logging:LogLevel:Warmte.WideViews Debug --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics Information \
    --Logging:Console:FormatterName simple --Logging:Console:FormatterOptions:SingleLine true >"$OUT/silo-current.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 300); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  # the summaries' start-up step (the journal upgrade runs before the silo answers /health)
  for _ in $(seq 1 900); do
    n=$(sqlite3 "$DATA/warmtenet.db" "select count(*) from warmte_startup_step where name = 'project-summaries-built'" 2>/dev/null || echo 0)
    [ "$n" -ge 1 ] && break; sleep 1
  done
  # and the funder index's start-up step (rows stored before it get their funders; no such column before it)
  for _ in $(seq 1 300); do
    n=$(sqlite3 "$DATA/warmtenet.db" "select count(*) from warmte_project_summary where funders_indexed = 0 and changes = computed" 2>/dev/null || echo 0)
    [ "$n" -eq 0 ] && break; sleep 1
  done
  sleep 3
}
stop() {
  kill "$SILO"; wait "$SILO" || true; SILO=
  cat "$OUT/silo-current.log" >>"$OUT/silo.log"
}
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.txt"; }
SILO=
trap '[ -n "$SILO" ] && kill "$SILO" 2>/dev/null || true' EXIT
if [ -n "$SETUP" ]; then
  start
  for set in "${SETS[@]}"; do
    # idempotent: on a busy machine a request may time out; run it again
    for _ in 1 2 3; do
      $LG setup --url $URL --token $TOKEN --prefix "$set" --cooperatives 100 --projects 10 --members 0 --umbrella-size 100 --parallel ${PARALLEL:-8} 2>&1 | tail -3 && break
    done
  done
  stop
fi
[ "$SETUP" = "only" ] && exit 0
if [ -n "${UPGRADE:-}" ]; then start; stop; fi
# The financiers' tokens (one per data set's funder), made once in a start of their own so that no
# measured start has served a request before.
if [ ! -s "$OUT/tokens" ]; then
  start
  for set in "${SETS[@]}"; do
    curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench $set\",\"role\":\"financier:$set-funder\"}" "$URL/api/tokens" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' >>"$OUT/tokens"
  done
  stop
fi
mapfile -t FIN <"$OUT/tokens"
for i in $(seq 1 "${ROUNDS:-3}"); do
  start; load
  $LG umbrella --url $URL --token $TOKEN --umbrella wide-u000 --requests 10 --label "$LABEL" --json "$OUT/umbrella-process-$i.json" | tail -4
  $LG umbrella --url $URL --token $TOKEN --umbrella wida-u000 --requests 10 --label "$LABEL" --json "$OUT/umbrella-data-$i.json" | tail -4
  stop; cp "$OUT/silo-current.log" "$OUT/umbrella-silo-$i.log"
  start; load
  $LG portfolio --url $URL --token "${FIN[0]}" --requests 10 --label "$LABEL" --json "$OUT/portfolio-process-$i.json" | tail -4
  $LG portfolio --url $URL --token "${FIN[1]}" --requests 10 --label "$LABEL" --json "$OUT/portfolio-data-$i.json" | tail -4
  stop; cp "$OUT/silo-current.log" "$OUT/portfolio-silo-$i.log"
done
# The physical floor: the queries alone in the sqlite3 shell (3 times each), and the stored size.
if [ -f "$DATA/warmtenet.db" ]; then
  load
  echo "stored summaries: $(sqlite3 "$DATA/warmtenet.db" "select count(*) || ' rows, ' || sum(length(summary)) || ' bytes' from warmte_project_summary")"
  echo "sqlite3 floor, one umbrella's 1,000 rows (SELECT … WHERE cooperative_id IN (100 ids)):"
  ids=$(sqlite3 "$DATA/warmtenet.db" "select group_concat(quote(grain_key), ',') from warmte_snapshot where grain_type = 'cooperative' and grain_key like 'wida-%'")
  for _ in 1 2 3; do
    printf '.timer on\n.output /dev/null\nSELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary WHERE cooperative_id IN (%s);\n' "$ids" \
      | sqlite3 "$DATA/warmtenet.db"
  done
  echo "sqlite3 floor, every row (the portfolio before the funder index):"
  for _ in 1 2 3; do
    printf '.timer on\n.output /dev/null\nSELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary;\n' \
      | sqlite3 "$DATA/warmtenet.db"
  done
  if sqlite3 "$DATA/warmtenet.db" "select 1 from warmte_project_summary_funder limit 1" >/dev/null 2>&1; then
    echo "sqlite3 floor, one funder's rows by the funder index (the portfolio's query):"
    for _ in 1 2 3; do
      printf ".timer on\n.output /dev/null\nSELECT s.project_id, s.cooperative_id, s.as_of, s.changes, s.computed, s.summary FROM warmte_project_summary_funder f JOIN warmte_project_summary s ON s.project_id = f.project_id WHERE f.funder = 'wida-funder' AND NOT (s.changes <> s.computed OR s.funders_indexed = 0) UNION ALL SELECT project_id, cooperative_id, as_of, changes, computed, summary FROM warmte_project_summary WHERE (changes <> computed OR funders_indexed = 0); SELECT project_id FROM warmte_project_summary;\n" \
        | sqlite3 "$DATA/warmtenet.db"
    done
  fi
fi
# Medians over the rounds: the first call of each kind, the warm ones (p50 of the other nine), and the
# silo's phases of each first call (from its log: a request's lines end with its "… answer:" line).
python3 - "$OUT" "${ROUNDS:-3}" <<'PY'
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def med(xs): return statistics.median(xs) if xs else float("nan")
def fmt(xs): return f"{med(xs):.1f} ms ({'; '.join(f'{x:.1f}' for x in xs)})"
def first_calls(log, last_line):
    """The phase lines of each request, in order (a request's last line names its view): [(phases, total ms or None)]."""
    calls, pending = [], []
    for line in open(log, errors="replace"):
        if "Warmte.WideViews" in line:
            pending.append(line.split("]", 1)[-1].strip())
            if last_line in line:
                calls.append((pending, None)); pending = []
        m = re.search(r"Request finished HTTP/\S+ GET \S+?(/api/\S+) - (\d+) .* ([\d.]+)ms", line)
        if m and calls and calls[-1][1] is None: calls[-1] = (calls[-1][0], float(m.group(3)))
    return calls
def numbers(lines, key):
    for l in lines:
        m = re.search(key + r" ([\d.]+) ms", l)
        if m: return float(m.group(1))
    return None
for view, op, path in (("umbrella", "comparison", "Umbrella comparison answer:"), ("portfolio", "portfolio", "Portfolio answer:")):
    print(f"\n{view}:")
    phases = {"process": {}, "data": {}}
    for kind in ("process", "data"):
        cold, warm = [], []
        for i in range(1, rounds + 1):
            try: ops = {o["operation"]: o for o in json.load(open(f"{out}/{view}-{kind}-{i}.json"))["operations"]}
            except FileNotFoundError: continue
            if f"{op} (first)" in ops: cold.append(ops[f"{op} (first)"]["p50Ms"])
            if op in ops: warm.append(ops[op]["p50Ms"])
        label = "process-cold first call (start-up cost)" if kind == "process" else "cold data, warm code, first call"
        print(f"  {label}: client {fmt(cold)}; warm after it: {fmt(warm)}")
    for i in range(1, rounds + 1):
        try: calls = first_calls(f"{out}/{view}-silo-{i}.log", path)
        except FileNotFoundError: continue
        for kind, idx in (("process", 0), ("data", 10)):
            if idx >= len(calls): continue
            lines, total = calls[idx]
            for key, name in (("query", "summaries' query"), ("decode", "decode rows"), ("snapshots", "cooperatives' snapshots (parallel with the query)"),
                              ("registry", "registry grain"), ("read", "whole read"), ("rows of the day", "the day's rows"), ("recompute \\d+ in", "recomputed"),
                              ("serialised", "serialising the answer"), ("endpoint", "endpoint in all (umbrella: with its grain's activation)")):
                v = numbers(lines, key)
                if v is not None: phases[kind].setdefault(name, []).append(v)
    for kind in ("process", "data"):
        print(f"  silo phases, {'process-cold' if kind == 'process' else 'cold data / warm code'} (median; rounds):")
        for name, xs in phases[kind].items(): print(f"    {name}: {fmt(xs)}")
PY
