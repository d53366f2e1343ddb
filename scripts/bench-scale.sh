#!/usr/bin/env bash
# Issue 15: one embedded (SQLite) silo of this work tree with 0, 10,000 and 100,000 projects:
# start-up time to /health/ready, memory after start (idle), memory per activated project, what
# deactivation gives back, and the database size. Run as `scripts/bench-startup.sh scale [SIZE ...]`.
# See docs/performance.md, "Issue 15: 100,000 projects in one silo".
#
# The data sets are kept and reused (SCALE_DIR, default /tmp/scale/data; 100,000 projects ≈ 2.4 GB):
#   template/  one block written by the service through its HTTP API (load generator `setup`):
#              one umbrella, 10 cooperatives × 10 projects, 10 members each, one grant (100 tranches)
#              and 3 spending bookings per project
#   pN/        the block copied to N projects by `scale-out` (renumbered ids; checked with `scale-check`:
#              copies read through the service answer exactly as the block does, renumbered)
# Every measurement runs on a fresh copy in SCALE_DIR/../run, so the kept sets stay as made.
#
# Environment: STARTS (3 per size)  ACTIVATE ("1000 10000 100000": projects read on the largest size)
#   FULL (10000: projects read through GET /api/projects/{id}/alerts, all their grains; 0 = skip)
#   DEACTIVATE (10000: projects activated, then left idle past a 2-minute collection age; 0 = skip)
#   NO_BUILD (set: reuse the builds)  SCALE_DIR (/tmp/scale/data)  PORT (6701)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
data=${SCALE_DIR:-/tmp/scale/data}; base=$(dirname "$data"); port=${PORT:-6701}; starts=${STARTS:-3}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(0 10000 100000)
activate=${ACTIVATE:-1000 10000 100000}; deactivate=${DEACTIVATE:-10000}; full=${FULL:-10000}
token=wt_scale-admin-0123456789abcdefghijklmnopqrstuvwxyz
url=http://127.0.0.1:$port
bin=$base/bin; run=$base/run; out=$base/results-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$data" "$out"; chmod 700 "$data"
echo "data sets in $data, results in $out" >&2

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build -c Release -v q -nologo "$repo/src/Warmte.Silo" -o "$bin/silo" >&2
  dotnet build -c Release -v q -nologo "$repo/tests/Warmte.LoadGen" -o "$bin/loadgen" >&2
fi
loadgen() { dotnet "$bin/loadgen/Warmte.LoadGen.dll" "$@"; }
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

pid=""
# silo DATADIR LOG [ARGS…]: starts a silo in the background (pid in $pid, launch time in $t0).
silo() {
  local dir=$1 log=$2; shift 2
  # Another process answering on the port would be measured instead (and take the data set's writes).
  ! curl -s -o /dev/null "$url/health" || { echo "port $port answers already: stop that process or set PORT" >&2; exit 1; }
  t0=$(now)
  dotnet "$bin/silo/Warmte.Silo.dll" --data-dir "$dir" --urls "$url" --Auth:BootstrapAdminToken "$token" --RateLimit:Enabled false \
    --Logging:LogLevel:Default Warning --Logging:LogLevel:Warmte.Startup Information "$@" >"$log" 2>&1 &
  pid=$!
}
stop() { [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }; }
trap stop EXIT
# wait_for PATH: seconds from launch until PATH answers 2xx.
wait_for() {
  until curl -fs -o /dev/null "$url$1"; do
    kill -0 "$pid" 2>/dev/null || { echo "silo exited; see its log" >&2; exit 1; }
    sleep 0.05
  done
  since "$t0"
}
memory() { curl -fs -H "Authorization: Bearer $token" "$url/api/diagnostics/memory"; }

# 1. The block the service writes itself.
if [ ! -f "$data/template/warmtenet.db" ]; then
  rm -rf "$data/template.tmp"
  silo "$data/template.tmp" "$out/template.log"; wait_for /health/ready >/dev/null
  loadgen setup --url "$url" --token "$token" --prefix scale --cooperatives 10 --projects 10 --members 10 --bookings 3 --parallel 10 >&2
  stop; mv "$data/template.tmp" "$data/template"
fi

# 2. The sizes, copied from the block and checked through the service once.
for n in "${sizes[@]}"; do
  [ "$n" -gt 0 ] || { mkdir -p "$data/p0"; continue; }
  [ $((n % 100)) -eq 0 ] || { echo "SIZE must be a multiple of 100 (blocks of 10 cooperatives × 10 projects)" >&2; exit 2; }
  [ -f "$data/p$n/warmtenet.db" ] && continue
  # The file with its WAL: a silo stopped with SIGTERM may leave the last writes in warmtenet.db-wal.
  rm -rf "$data/p$n.tmp"; mkdir -m 700 "$data/p$n.tmp"; cp "$data/template/"warmtenet.db* "$data/p$n.tmp/"
  loadgen scale-out --db "$data/p$n.tmp/warmtenet.db" --prefix scale --cooperatives $((n / 10)) --projects 10 --members 10 --bookings 3 >&2
  rm -rf "$run"; mkdir -m 700 -p "$run"; cp "$data/p$n.tmp/"warmtenet.db* "$run/"
  silo "$run" "$out/check-$n.log"; wait_for /health/ready >/dev/null
  loadgen scale-check --url "$url" --token "$token" --prefix scale --cooperatives $((n / 10)) --projects 10 >&2
  stop; mv "$data/p$n.tmp" "$data/p$n"
done

# 3. Start-ups: per start, seconds to /health, to /health/ready and to the end of the start-up steps
#    (the alert-watch step's log line), then memory once the silo is idle.
echo "size start health_s ready_s steps_s rss_mb heap_mb activations load1 load5 load15" >"$out/starts.txt"
for n in "${sizes[@]}"; do
  rm -rf "$run"; mkdir -m 700 -p "$run"; cp -r "$data/p$n/." "$run/"
  for i in $(seq "$starts"); do
    log="$out/start-$n-$i.log"
    silo "$run" "$log"
    th=$(wait_for /health); tr=$(wait_for /health/ready)
    until grep -Eq "Alert watches registered for|start-up pass skipped|Registering the alert watches failed|Alert sweeps started|Starting the alert sweeps failed" "$log"; do sleep 0.05; done
    td=$(since "$t0")
    sleep 10
    m=$(memory)
    echo "$n $i $th $tr $td $(jq -r '[.workingSetBytes/1048576, .managedHeapBytes/1048576, ([.activations[].count]|add // 0)] | map(floor) | join(" ")' <<<"$m") $(load)" >>"$out/starts.txt"
    tail -1 "$out/starts.txt" >&2
    stop
  done
  du -b "$run/warmtenet.db" | cut -f1 >"$out/db-bytes-$n.txt"
  [ "$n" -eq 0 ] || sqlite3 "$run/warmtenet.db" "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC" >"$out/db-tables-$n.txt"
done

# 4. Memory per activated project, on the largest size: read each project's page (GET /api/projects/{id}),
#    growing sets of projects, with deactivation pushed past the run; slope between the steps.
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
if [ "$largest" -gt 0 ] && [ -n "$activate" ]; then
  rm -rf "$run"; mkdir -m 700 -p "$run"; cp -r "$data/p$largest/." "$run/"
  silo "$run" "$out/activate.log" --Orleans:GrainCollection:CollectionAge 04:00:00; wait_for /health/ready >/dev/null
  for a in $activate; do
    [ "$a" -le "$largest" ] || continue
    echo "load before activate $a: $(load)" >>"$out/load.txt"
    loadgen activate --url "$url" --token "$token" --prefix scale --cooperatives $((a / 10)) --projects 10 --clients 32 --settle 30 \
      --label "$a of $largest projects" --json "$out/activate-$a.json" >"$out/activate-$a.md"
    echo "load after activate $a: $(load)" >>"$out/load.txt"
  done
  stop
fi

# 4b. The same with all of a project's grains: GET /api/projects/{id}/alerts reads project, grants, cash plan and
#     business case (as the daily alert evaluation does), on FULL projects (default 10000) of the largest size.
if [ "$largest" -gt 0 ] && [ "$full" -gt 0 ]; then
  rm -rf "$run"; mkdir -m 700 -p "$run"; cp -r "$data/p$largest/." "$run/"
  silo "$run" "$out/full.log" --Orleans:GrainCollection:CollectionAge 04:00:00; wait_for /health/ready >/dev/null
  echo "load before full $full: $(load)" >>"$out/load.txt"
  loadgen activate --url "$url" --token "$token" --prefix scale --cooperatives $((full / 10)) --projects 10 --clients 32 --settle 30 --view alerts \
    --label "$full of $largest projects, all grains" --json "$out/full-$full.json" >"$out/full-$full.md"
  echo "load after full $full: $(load)" >>"$out/load.txt"
  stop
fi

# 5. Deactivation: activate DEACTIVATE projects with a 2-minute collection age, then leave the silo idle.
if [ "$largest" -gt 0 ] && [ "$deactivate" -gt 0 ]; then
  rm -rf "$run"; mkdir -m 700 -p "$run"; cp -r "$data/p$largest/." "$run/"
  silo "$run" "$out/deactivate.log" --Orleans:GrainCollection:CollectionAge 00:02:00 --Orleans:GrainCollection:CollectionQuantum 00:00:30
  wait_for /health/ready >/dev/null
  loadgen activate --url "$url" --token "$token" --prefix scale --cooperatives $((deactivate / 10)) --projects 10 --clients 32 --settle 30 \
    --label "deactivation" --json "$out/deactivate.json" >"$out/deactivate.md"
  for t in 0 60 120 180 240; do
    [ "$t" -eq 0 ] || sleep 60
    echo "$t $(memory | jq -r '[.workingSetBytes/1048576, .managedHeapBytes/1048576, ([.activations[].count]|add // 0)] | map(floor) | join(" ")') $(load)" >>"$out/deactivate.txt"
  done
  stop
fi

# 6. Summary.
{
  echo "## starts (seconds from launch; memory after a forced full GC, 10 s after the start-up steps)"
  echo; echo '| projects | to /health | to /health/ready | start-up steps done | RSS MB | managed heap MB | activations | load average (1, 5, 15 min) |'
  echo '|---:|---|---|---|---|---|---|---|'
  for n in "${sizes[@]}"; do
    awk -v n="$n" '$1 == n { h = h sep $3; r = r sep $4; d = d sep $5; m = m sep $6; g = g sep $7; a = a sep $8; l = l sep $9 "/" $10 "/" $11; sep = "; " }
      END { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", n, h, r, d, m, g, a, l }' "$out/starts.txt"
  done
  echo; echo "## database"; for n in "${sizes[@]}"; do echo "- $n projects: $(cat "$out/db-bytes-$n.txt") bytes"; done
  for a in $activate; do [ -f "$out/activate-$a.json" ] || continue
    echo; echo "## activate $a"; jq -r '.figures | to_entries[] | "- \(.key): \(.value)"' "$out/activate-$a.json"; done
  [ ! -f "$out/full-$full.json" ] || { echo; echo "## activate $full, all grains"; jq -r '.figures | to_entries[] | "- \(.key): \(.value)"' "$out/full-$full.json"; }
  [ ! -f "$out/deactivate.txt" ] || { echo; echo "## deactivation (seconds idle, RSS MB, heap MB, activations, load)"; cat "$out/deactivate.txt"; }
  echo; cat "$out/load.txt" 2>/dev/null || true
} | tee "$out/summary.md"
