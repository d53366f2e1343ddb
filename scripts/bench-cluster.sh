#!/usr/bin/env bash
# The issue-8 measurement set, end to end: PostgreSQL + silos via scripts/cluster.sh, the load
# generator (tests/Warmte.LoadGen), everything stopped again, and a markdown report ready to paste
# into docs/performance.md. See docs/performance.md, "Issue 8: cluster under load".
#
#   scripts/bench-cluster.sh            full set (about 10 minutes on 2 cores)
#   scripts/bench-cluster.sh --quick    smoke run (tiny data, seconds per measurement)
#   scripts/bench-cluster.sh --only writes   only the write comparisons on 1 silo (about 5 minutes after the build):
#                                            the service vs raw inserts vs the HTTP floor (the raw insert behind a bare
#                                            HTTP server: the load generator's floor-server), and the journal store alone vs raw inserts
#
# Options: --only writes (the only subset; any other value is refused)
#          --repeat R (runs per measurement, medians reported; default 3, quick 1)
#          --out DIR (results and report.md; default .bench/<UTC time>)
#          --dir DIR (cluster dir; default ${TMPDIR:-/tmp}/warmte-bench-cluster, which PostgreSQL's user can reach
#          when this runs as root). Relative paths are taken from the repository root.
#          --no-build   --pg-port P (55432)  --http-base P (5081)  --silo-base P (11111)
#          --gateway-base P (accepted for older commands and ignored: the silos open no client gateway)
# The floor server (both runs' write-compare) listens on http-base + 50, its pid in <dir>/floor-server.pid, its log in
# <out>/floor-server.log. A cluster (and floor server) left in --dir is stopped first; PostgreSQL, the silos and the floor
# server are stopped again at the end, also after a failure or Ctrl-C (the load generator runs in the foreground). Exit: 0 done; 1 a measurement
# failed (the report shows the others), or the build or the cluster's start failed; 2 a usage error.
# Environment: CLUSTER_SH (default scripts/cluster.sh), WARMTE_ADMIN_TOKEN (else <dir>/admin-token),
#              BENCH_PG (connection string of the silos' database; else read from the silo's command line).
set -euo pipefail

args=("$@")
quick=0; only=""; repeat=""; dir="${TMPDIR:-/tmp}/warmte-bench-cluster"
pg_port=55432; http_base=5081; silo_base=11111; gateway_base=30000
# shellcheck source=scripts/lib-cluster.sh
. "$(dirname "$0")/lib-cluster.sh"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; shift;;
    --only) [ $# -ge 2 ] || { echo "--only needs a value (writes)" >&2; exit 2; }
            [ "$2" = writes ] || { echo "--only '$2' is unknown; the only subset is: writes" >&2; exit 2; }
            only=$2; shift 2;;
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "--repeat needs a whole number of runs (1 or more)" >&2; exit 2; }
              repeat=$2; shift 2;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0;;
    *) cluster_option "$@" || { echo "unknown option $1" >&2; exit 2; }; shift "$cluster_shift";;
  esac
done

if [ $quick = 1 ]; then
  repeat=${repeat:-1}
  small="--prefix load --cooperatives 4 --projects 2 --members 10 --umbrella-size 2"
  big="--prefix big --cooperatives 20 --projects 10 --members 0 --no-grants --umbrella-size 20"
  timing="--duration 3 --warmup 1"; rate_timing="--duration 3 --warmup 1"; clients=8; rate=200
else
  repeat=${repeat:-3}
  small="--prefix load --cooperatives 20 --projects 5 --members 40 --umbrella-size 10"
  # 10,000 projects (1,000 cooperatives × 10); umbrellas of 100 cooperatives = 1,000 projects each.
  big="--prefix big --cooperatives 1000 --projects 10 --members 0 --no-grants --umbrella-size 100"
  timing="--duration 15 --warmup 3"; rate_timing="--duration 20 --warmup 3"; clients=32; rate=1000
fi
cluster_setup
bench_header "$0" "${args[@]}"
# Measure the service, not the per-token rate limiter (one admin token sends all the load); the silos inherit this.
export RateLimit__Enabled=false

# A silo's start-up steps end with the alert sweeps' start ("Alert sweeps started"; "Alert watches
# registered" in releases before them). Measurements wait for it. cluster.sh begins a fresh log at
# each start and writes a marker line before a restart's output, so only lines after the last marker count.
mark() { :; }
started_steps() { awk '/^=== cluster.sh: silo [0-9]+ started/ { n = 0 } /Alert watches registered|Alert sweeps started/ { n++ } END { print n + 0 }' "$dir/silo-$1.log" 2>/dev/null || echo 0; }
settled() {
  local t0=$SECONDS
  for i in $(seq "$1"); do
    until [ "$(started_steps "$i")" -gt 0 ]; do
      [ $((SECONDS - t0)) -lt 900 ] || { echo "silo $i: start-up work not finished after 900 s" >&2; break; }
      sleep 2
    done
  done
  startup=$((SECONDS - t0))
  echo "   start-up steps done ${startup} s after /health"
}

# The silos' own connection string, so the raw baseline writes to the very same database.
pg_connection() {
  [ -n "${BENCH_PG:-}" ] && { echo "$BENCH_PG"; return; }
  for pid in $(pgrep -f Warmte.Silo.dll); do
    [ -r "/proc/$pid/cmdline" ] || continue
    tr '\0' '\n' < "/proc/$pid/cmdline" | grep -q ":$http_base" || continue
    local cs; cs=$(tr '\0' '\n' < "/proc/$pid/cmdline" | grep -A1 -x -- '--Storage:ConnectionString' | tail -n +2 | head -1)
    [ -z "$cs" ] && cs=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^Storage__ConnectionString=//p' | head -1)
    [ -n "$cs" ] && { echo "$cs"; return; }
  done
  echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=warmtenet"
}

# The silo's and PostgreSQL's process ids, so write-compare can report CPU milliseconds per booking (load-independent).
cpu_pids() {
  local silo pg
  silo=$(cat "$dir/silo-1.pid" 2>/dev/null || true); pg=$(head -1 "$dir/pg/postmaster.pid" 2>/dev/null || true)
  [ -n "$silo" ] && echo -n "--silo-pid $silo "
  [ -n "$pg" ] && echo -n "--pg-pid $pg"
  return 0
}

# The HTTP floor (write-compare --floor-url): the load generator's floor-server in the background, on the silos' database.
floor_port=$((http_base + 50))
floor_args=""
start_floor() {
  stop_floor
  # A port that already answers is someone else's: measuring it would measure the wrong process.
  if curl -s -o /dev/null "http://127.0.0.1:$floor_port/"; then echo "port $floor_port already answers: not starting the floor server there" >&2; exit 1; fi
  "${loadgen[@]}" floor-server --pg "$pg" --urls "http://127.0.0.1:$floor_port" --clients "$clients" > "$out/floor-server.log" 2>&1 &
  echo $! > "$dir/floor-server.pid"
  for _ in $(seq 60); do
    # Any HTTP answer (a GET on the POST-only server is a 404/405) means it listens.
    curl -s -o /dev/null "http://127.0.0.1:$floor_port/" && break
    kill -0 "$(cat "$dir/floor-server.pid")" 2>/dev/null || { echo "floor server did not start, see $out/floor-server.log" >&2; exit 1; }
    sleep 1
  done
  curl -s -o /dev/null "http://127.0.0.1:$floor_port/" || { echo "floor server does not answer on :$floor_port" >&2; exit 1; }
  kill -0 "$(cat "$dir/floor-server.pid")" 2>/dev/null || { echo "floor server exited, see $out/floor-server.log" >&2; exit 1; }
  floor_args="--floor-url http://127.0.0.1:$floor_port --floor-pid $(cat "$dir/floor-server.pid")"
  echo "   floor server on :$floor_port, pid $(cat "$dir/floor-server.pid")"
}
stop_floor() {
  local pid; pid=$(cat "$dir/floor-server.pid" 2>/dev/null || true)
  # Only our own floor server (a recorded pid may have been reused by another process since).
  if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "Warmte.LoadGen.dll floor-server"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true # a hung one must not keep the port
  fi
  rm -f "$dir/floor-server.pid"
  floor_args=""
}
stop_all() { stop_floor; stop; }

n=0
run() { # run NAME COMMAND OPTIONS… — one measurement, its JSON numbered in run order
  local name=$1; shift
  n=$((n + 1))
  echo "== $(date -u +%H:%M:%S) $name"
  # One failed measurement is reported and the rest still run (the report shows what is there).
  "${loadgen[@]}" "$@" --json "$out/$(printf %02d $n)-$name.json" > "$out/$(printf %02d $n)-$name.log" 2>&1 \
    || { echo "!! $name failed (exit $?), see $out/$(printf %02d $n)-$name.log"; failed="$failed $name"; }
  sed -n '/^| operation/,/^$/p' "$out/$(printf %02d $n)-$name.log"
}
failed=""

trap stop_all EXIT
echo "== start PostgreSQL + 1 silo"
stop_all
mark 1
"$cluster" start --silos 1 "${start_opts[@]}"
healthy 1
settled 1
export WARMTE_ADMIN_TOKEN=${WARMTE_ADMIN_TOKEN:-$(cat "$dir/admin-token")}
pg=$(pg_connection)
one=$(url 1)

run setup-small setup --url "$one" $small --parallel 16 --label "small data set"
echo "== start the floor server (the raw insert behind HTTP)"
start_floor
if [ "$only" = writes ]; then
  for r in $(seq "$repeat"); do
    run "write-compare-$r" write-compare --url "$one" $small $timing --clients "$clients" --pg "$pg" $(cpu_pids) $floor_args --label "1 silo, spending booking vs raw insert of the booking row"
    # The storage layer alone (no HTTP, no Orleans): a booking's journal commit, group commit on and off, vs the raw insert.
    run "journal-compare-$r" journal-compare --url "$one" $small $timing --clients "$clients" --pg "$pg" $(cpu_pids) --label "journal store alone, a booking's commit vs raw insert of the booking row"
  done
  stop_all; trap - EXIT
  "${loadgen[@]}" report "$out" > "$out/report.md"
  cat "$out/report.md"
  [ -z "$failed" ] || { echo "!! failed measurements:$failed"; exit 1; }
  exit 0
fi
run setup-10k setup --url "$one" $big --parallel 32 --label "10k projects"
for r in $(seq "$repeat"); do
  run "write-compare-$r" write-compare --url "$one" $small $timing --clients "$clients" --pg "$pg" $(cpu_pids) $floor_args --label "1 silo, spending booking vs raw insert of the booking row"
  run "rate-$r" rate --url "$one" $small $rate_timing --rate "$rate" --op view --label "1 silo, project view at $rate/s"
  run "mixed-1-$r" mixed --url "$one" $small $timing --clients "$clients" --label "1 silo"
done
stop_floor

echo "== restart the silo, so no project is active"
mark 1
"$cluster" restart 1 "${start_opts[@]}"
healthy 1
settled 1
run activate-10k activate --url "$one" $big --clients 64 --label "1 silo" --note "start-up (alert watches of all projects) took ${startup} s after /health"
run umbrella-1000 umbrella --url "$one" $big --umbrella big-u000 --requests 10 --label "1 silo"

echo "== stop, start PostgreSQL + 3 silos"
stop_all
mark 3
"$cluster" start --silos 3 "${start_opts[@]}"
healthy 3
settled 3
three="$(url 1),$(url 2),$(url 3)"
run setup-small-3 setup --url "$three" $small --parallel 16 --label "small data set (again, 3 silos)"
for r in $(seq "$repeat"); do
  run "mixed-3-$r" mixed --url "$three" $small $timing --clients "$clients" --label "3 silos"
done
stop
trap - EXIT

"${loadgen[@]}" report "$out" > "$out/report.md"
echo
echo "== report ($out/report.md), $SECONDS s in all"
cat "$out/report.md"
[ -z "$failed" ] || { echo "!! failed measurements:$failed"; exit 1; }
