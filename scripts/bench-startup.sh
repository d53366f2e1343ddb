#!/usr/bin/env bash
# Start-up time of one embedded (SQLite) silo with N projects, before and after the one-time
# alert-watch pass: a revision (default main) against this work tree, on copies of one data set.
# Seeds the data with the "before" build, then starts each build several times and reports, per
# start, seconds from launch to /health and to the end of the start-up work (the log line
# "Alert watches registered for N projects" or "... start-up pass skipped"). See docs/performance.md.
#
#   scripts/bench-startup.sh                     2,000 projects (200 cooperatives × 10), 5 starts each
# Environment: NO_BUILD (set: reuse the builds in WORK)  BEFORE_REV (main)  COOPS (200)  PER (10)  STARTS (5)  WORK (a new /tmp directory)  PORT (5181)
#
#   scripts/bench-startup.sh scale [SIZE ...]    issue 15: start-up and memory of this work tree with SIZE projects
#                                                (default 0 10000 100000); see scripts/bench-scale.sh and docs/performance.md
#   ENGINE=postgresql scripts/bench-startup.sh scale   the same on a PostgreSQL server the script starts itself
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "${1:-}" != scale ] || exec "$repo/scripts/bench-scale.sh" "${@:2}"
before_rev=${BEFORE_REV:-main}; coops=${COOPS:-200}; per=${PER:-10}; starts=${STARTS:-5}; port=${PORT:-5181}
work=${WORK:-$(mktemp -d /tmp/warmte-bench-startup.XXXX)}
token=wt_bench-admin-0123456789abcdefghijklmnopqrstuvwxyz
mkdir -p "$work/before-src"
echo "work dir $work" >&2

git -C "$repo" archive "$before_rev" | tar -x -C "$work/before-src"
[ -n "${NO_BUILD:-}" ] || dotnet build -c Release -v q -nologo "$work/before-src/src/Warmte.Silo" -o "$work/before-bin" >&2
[ -n "${NO_BUILD:-}" ] || dotnet build -c Release -v q -nologo "$repo/src/Warmte.Silo" -o "$work/after-bin" >&2
[ -n "${NO_BUILD:-}" ] || dotnet build -c Release -v q -nologo "$repo/tests/Warmte.LoadGen" -o "$work/loadgen" >&2

now() { date +%s.%N; }

# start BIN DATADIR LOG: starts a silo, waits for the end of the start-up work, prints "health done", stops it.
start() {
  local bin=$1 data=$2 log=$3 t0 th="" td="" pid
  t0=$(now)
  dotnet "$bin/Warmte.Silo.dll" --data-dir "$data" --urls "http://127.0.0.1:$port" --Auth:BootstrapAdminToken "$token" \
    --Logging:LogLevel:Default Warning --Logging:LogLevel:Warmte.Startup Information >"$log" 2>&1 &
  pid=$!
  while [ -z "$td" ]; do
    if [ -z "$th" ] && curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then th=$(now); fi
    if grep -Eq "Alert watches registered for|start-up pass skipped|Registering the alert watches failed|Alert sweeps started|Starting the alert sweeps failed" "$log"; then
      td=$(now); [ -n "$th" ] || th=$td
    fi
    kill -0 "$pid" 2>/dev/null || { echo "silo exited; see $log" >&2; exit 1; }
    sleep 0.05
  done
  kill -TERM "$pid"; wait "$pid" || true
  printf '%.2f %.2f\n' "$(echo "$th - $t0" | bc)" "$(echo "$td - $t0" | bc)"
}

# Seed with the before build (a database as the current release leaves it).
dotnet "$work/before-bin/Warmte.Silo.dll" --data-dir "$work/seed" --urls "http://127.0.0.1:$port" --Auth:BootstrapAdminToken "$token" \
  --Logging:LogLevel:Default Warning --RateLimit:Enabled false >"$work/seed.log" 2>&1 &
seed=$!
until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.2; done
dotnet "$work/loadgen/Warmte.LoadGen.dll" setup --url "http://127.0.0.1:$port" --token "$token" --prefix bench \
  --cooperatives "$coops" --projects "$per" --members 0 --no-grants >&2
kill -TERM "$seed"; wait "$seed" || true
cp -r "$work/seed" "$work/before-data"; cp -r "$work/seed" "$work/after-data"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
report() {
  local name=$1 file=$2
  echo "$name: to /health median $(cut -d' ' -f1 "$file" | median) s, to start-up work done median $(cut -d' ' -f2 "$file" | median) s (runs: $(cut -d' ' -f2 "$file" | tr '\n' ' '))"
}

for i in $(seq "$starts"); do start "$work/before-bin" "$work/before-data" "$work/before-$i.log" >>"$work/before.txt"; done
start "$work/after-bin" "$work/after-data" "$work/after-first.log" >"$work/after-first.txt"
for i in $(seq "$starts"); do start "$work/after-bin" "$work/after-data" "$work/after-$i.log" >>"$work/after.txt"; done

echo "projects: $((coops * per)), $starts starts each"
report "before ($before_rev)" "$work/before.txt"
report "after, first start on a database from before (one-time pass)" "$work/after-first.txt"
report "after, later starts" "$work/after.txt"
grep -h "Alert watches\|pass skipped\|Alert sweep" "$work/before-1.log" "$work/after-first.log" "$work/after-1.log" | cut -c1-200
