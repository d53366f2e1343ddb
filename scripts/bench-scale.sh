#!/usr/bin/env bash
# Issue 15: one silo of this work tree with 0, 10,000 and 100,000 projects, on the embedded SQLite
# default or (ENGINE=postgresql) on a PostgreSQL server the script starts itself: start-up time to
# /health/ready, the silo's CPU seconds until ready and in the 30 s after, memory after start (idle),
# memory per activated project, what deactivation gives back, and the database size.
# Run as `scripts/bench-startup.sh scale [SIZE ...]`. See docs/performance.md, "Issue 15: 100,000
# projects in one silo" and "100,000 projects on PostgreSQL".
#
# The data sets are kept and reused (SCALE_DIR, default /tmp/scale/data; 100,000 projects ≈ 2.4 GB):
#   template/  one block written by the service through its HTTP API (load generator `setup`):
#              one umbrella, 10 cooperatives × 10 projects, 10 members each, one grant (100 tranches)
#              and 3 spending bookings per project
#   pN/        the block copied to N projects by `scale-out` (renumbered ids; checked with `scale-check`:
#              copies read through the service answer exactly as the block does, renumbered)
# Every measurement runs on a fresh copy in SCALE_DIR/../run, so the kept sets stay as made.
# ENGINE=postgresql: the same sets are databases scale_template, scale_pN of a PostgreSQL server in
# SCALE_DIR/../pg (initdb'd and started on 127.0.0.1:PG_PORT if not running; as root its programs run
# as the `postgres` user; left running: stop it with `pg_ctl -D SCALE_DIR/../pg stop`), `scale-out`
# copies with binary COPY, and every measurement runs on scale_run, a CREATE DATABASE … TEMPLATE copy.
#
# Environment: STARTS (3 per size)  ACTIVATE ("1000 10000 100000": projects read on the largest size)
#   FULL (10000: projects read through GET /api/projects/{id}/alerts, all their grains; 0 = skip)
#   DEACTIVATE (10000: projects activated, then left idle past a 2-minute collection age; 0 = skip)
#   NO_BUILD (set: reuse the builds)  SCALE_DIR (/tmp/scale/data; ENGINE=postgresql: /tmp/scale-pg/data)  PORT (6701)
#   ENGINE (sqlite | postgresql)  PG_PORT (6732; postgresql only; the silo port is PORT + 10)
#   Empty ACTIVATE="" skips step 4 (as FULL=0, DEACTIVATE=0 skip theirs); unset, it is the default.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
engine=${ENGINE:-sqlite}
case $engine in sqlite|postgresql) ;; *) echo "ENGINE must be sqlite or postgresql" >&2; exit 2;; esac
if [ "$engine" = postgresql ]; then data=${SCALE_DIR:-/tmp/scale-pg/data}; else data=${SCALE_DIR:-/tmp/scale/data}; fi
base=$(dirname "$data"); port=${PORT:-6701}; starts=${STARTS:-3}; pg_port=${PG_PORT:-6732}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(0 10000 100000)
# ${VAR-default}, not ${VAR:-default}: ACTIVATE="" means "none", not "the default".
activate=${ACTIVATE-1000 10000 100000}; deactivate=${DEACTIVATE:-10000}; full=${FULL:-10000}
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

# PostgreSQL: the server (started here if it is not running), databases as the data sets.
if [ "$engine" = postgresql ]; then
  # shellcheck source=scripts/pg-tools.sh
  . "$repo/scripts/pg-tools.sh"
  pgdata=$base/pg
  pg_local_start "$pgdata" "$base" "$pg_port" -c max_connections=200
  psql_() { "$pg_bin_dir/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  db_exists() { [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
  # db_copy FROM TO: TO as a fresh copy of FROM (FROM empty: a new empty database).
  db_copy() {
    psql_ -d postgres -c "DROP DATABASE IF EXISTS $2" >/dev/null
    if [ -n "$1" ]; then psql_ -d postgres -c "CREATE DATABASE $2 TEMPLATE $1" >/dev/null; else psql_ -d postgres -c "CREATE DATABASE $2" >/dev/null; fi
  }
  conn() { echo "Host=127.0.0.1;Port=$pg_port;Database=$1;Username=postgres"; }
  pg_pid=$(head -1 "$pgdata/postmaster.pid")
fi
# The silo's storage options: SQLite in a data folder, or the PostgreSQL database of that name (one silo, TLS off on loopback).
storage() {
  if [ "$engine" = postgresql ]; then
    echo --data-dir "$base/silo-data" --Storage:Provider PostgreSQL --Storage:ConnectionString "$(conn "$1")" --Orleans:SiloPort $((port + 10)) --Orleans:Tls:Insecure true
  else echo --data-dir "$1"; fi
}
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

pid=""
# silo DATADIR|DATABASE LOG [ARGS…]: starts a silo in the background (pid in $pid, launch time in $t0).
silo() {
  local dir=$1 log=$2 where; shift 2
  read -ra where <<<"$(storage "$dir")"
  # Another process answering on the port would be measured instead (and take the data set's writes).
  ! curl -s -o /dev/null "$url/health" || { echo "port $port answers already: stop that process or set PORT" >&2; exit 1; }
  t0=$(now)
  dotnet "$bin/silo/Warmte.Silo.dll" "${where[@]}" --urls "$url" --Auth:BootstrapAdminToken "$token" --RateLimit:Enabled false \
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

# The kept sets, engine by engine: have SET (is it there?), fresh SET (a new copy to run on; prints what `silo` takes).
have() { if [ "$engine" = postgresql ]; then db_exists "scale_$1"; else [ -f "$data/$1/warmtenet.db" ]; fi; }
fresh() {
  if [ "$engine" = postgresql ]; then db_copy "scale_$1" scale_run; echo scale_run
  else rm -rf "$run"; mkdir -m 700 -p "$run"; cp -r "$data/$1/." "$run/"; echo "$run"; fi
}
cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"; }
steps_done() { grep -Eq "Alert watches registered for|start-up pass skipped|Registering the alert watches failed|Alert sweeps started|Starting the alert sweeps failed" "$1"; }

# 1. The block the service writes itself.
if ! have template; then
  if [ "$engine" = postgresql ]; then
    db_copy "" scale_template_tmp
    silo scale_template_tmp "$out/template.log"; wait_for /health/ready >/dev/null
  else
    rm -rf "$data/template.tmp"
    silo "$data/template.tmp" "$out/template.log"; wait_for /health/ready >/dev/null
  fi
  loadgen setup --url "$url" --token "$token" --prefix scale --cooperatives 10 --projects 10 --members 10 --bookings 3 --parallel 10 >&2
  stop
  if [ "$engine" = postgresql ]; then psql_ -d postgres -c "ALTER DATABASE scale_template_tmp RENAME TO scale_template" >/dev/null
  else mv "$data/template.tmp" "$data/template"; fi
fi

# 2. The sizes, copied from the block and checked through the service once. The check's start is the first
#    start of a silo on the copied set: what it does by itself (activations, stored reminders, rows PostgreSQL
#    read) is recorded in first-start-N.txt before the check reads anything.
for n in "${sizes[@]}"; do
  if [ "$n" -eq 0 ]; then
    if [ "$engine" = postgresql ]; then have p0 || db_copy "" scale_p0; else mkdir -p "$data/p0"; fi
    continue
  fi
  [ $((n % 100)) -eq 0 ] || { echo "SIZE must be a multiple of 100 (blocks of 10 cooperatives × 10 projects)" >&2; exit 2; }
  have "p$n" && continue
  scale=(--prefix scale --cooperatives $((n / 10)) --projects 10 --members 10 --bookings 3)
  if [ "$engine" = postgresql ]; then
    db_copy scale_template "scale_p${n}_tmp"
    loadgen scale-out --pg "$(conn "scale_p${n}_tmp")" "${scale[@]}" >&2
    db_copy "scale_p${n}_tmp" scale_run; where=scale_run
  else
    # The file with its WAL: a silo stopped with SIGTERM may leave the last writes in warmtenet.db-wal.
    rm -rf "$data/p$n.tmp"; mkdir -m 700 "$data/p$n.tmp"; cp "$data/template/"warmtenet.db* "$data/p$n.tmp/"
    loadgen scale-out --db "$data/p$n.tmp/warmtenet.db" "${scale[@]}" >&2
    rm -rf "$run"; mkdir -m 700 -p "$run"; cp "$data/p$n.tmp/"warmtenet.db* "$run/"; where=$run
  fi
  silo "$where" "$out/check-$n.log" --Logging:LogLevel:Warmte Information; tr=$(wait_for /health/ready); c_ready=$(cpu)
  until steps_done "$out/check-$n.log"; do sleep 0.05; done
  sleep 30; c_30=$(cpu)
  {
    echo "first start on $n projects: ready after $tr s; silo CPU s at ready $c_ready, 30 s later $c_30; load $(load)"
    echo "activations 30 s after ready: $(memory | jq -c '[.activations[] | select(.count > 0) | {(.type // .grainType // "?"): .count}] | add')"
    if [ "$engine" = postgresql ]; then
      echo "reminders: $(psql_ -d scale_run -c 'SELECT count(*) FROM OrleansRemindersTable')"
      echo "PostgreSQL on scale_run since the copy (pg_stat_database): $(psql_ -d scale_run -F ' ' -c "SELECT 'commits', xact_commit, 'rows returned', tup_returned, 'fetched', tup_fetched, 'inserted', tup_inserted, 'updated', tup_updated, 'deleted', tup_deleted, 'blocks read', blks_read FROM pg_stat_database WHERE datname = 'scale_run'")"
      echo "rows per table read by sequential scans (seq_tup_read) and fetched by index (idx_tup_fetch), over 1000:"
      psql_ -d scale_run -F ' ' -c "SELECT relname, seq_tup_read, idx_tup_fetch FROM pg_stat_user_tables WHERE seq_tup_read + coalesce(idx_tup_fetch, 0) > 1000 ORDER BY 2 DESC"
    else
      echo "reminders: $(sqlite3 "$where/warmtenet.db" 'SELECT count(*) FROM OrleansRemindersTable')"
    fi
    echo "log lines of the start (Warmte at Information):"; grep -E "Warmte\.|Alert|summar|upgrade" "$out/check-$n.log" | cut -c1-240 | head -40
  } >"$out/first-start-$n.txt"
  cat "$out/first-start-$n.txt" >&2
  loadgen scale-check --url "$url" --token "$token" --prefix scale --cooperatives $((n / 10)) --projects 10 >&2
  stop
  if [ "$engine" = postgresql ]; then psql_ -d postgres -c "ALTER DATABASE scale_p${n}_tmp RENAME TO scale_p$n" >/dev/null
  else mv "$data/p$n.tmp" "$data/p$n"; fi
done

# 3. Start-ups: per start, seconds to /health, to /health/ready and to the end of the start-up steps
#    (the alert sweeps' log line), the silo's CPU seconds (utime + stime) at ready and 30 s after ready,
#    then memory (after a forced full GC; the read itself costs CPU, so it comes after the second CPU figure).
echo "size start health_s ready_s steps_s cpu_ready_s cpu_ready30_s rss_mb heap_mb activations load1 load5 load15" >"$out/starts.txt"
for n in "${sizes[@]}"; do
  where=$(fresh "p$n")
  for i in $(seq "$starts"); do
    log="$out/start-$n-$i.log"
    silo "$where" "$log"
    th=$(wait_for /health); tr=$(wait_for /health/ready); c_ready=$(cpu); l=$(load)
    until steps_done "$log"; do sleep 0.05; done
    td=$(since "$t0")
    wait_s=$(echo "30 - ($(now) - $t0 - $tr)" | bc); [ "${wait_s:0:1}" = - ] || sleep "$wait_s"
    c_30=$(cpu)
    m=$(memory)
    echo "$n $i $th $tr $td $c_ready $c_30 $(jq -r '[.workingSetBytes/1048576, .managedHeapBytes/1048576, ([.activations[].count]|add // 0)] | map(floor) | join(" ")' <<<"$m") $l" >>"$out/starts.txt"
    tail -1 "$out/starts.txt" >&2
    stop
  done
  if [ "$engine" = postgresql ]; then
    psql_ -d scale_run -c "SELECT pg_database_size('scale_run')" >"$out/db-bytes-$n.txt"
    psql_ -d scale_run -F ' ' -c "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), pg_indexes_size(c.oid), c.reltuples::bigint FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC" >"$out/db-tables-$n.txt"
  else
    du -b "$where/warmtenet.db" | cut -f1 >"$out/db-bytes-$n.txt"
    [ "$n" -eq 0 ] || sqlite3 "$where/warmtenet.db" "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC" >"$out/db-tables-$n.txt"
  fi
done

# 4. Memory per activated project, on the largest size: read each project's page (GET /api/projects/{id}),
#    growing sets of projects, with deactivation pushed past the run; slope between the steps.
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
if [ "$largest" -gt 0 ] && [ -n "$activate" ]; then
  where=$(fresh "p$largest")
  silo "$where" "$out/activate.log" --Orleans:GrainCollection:CollectionAge 04:00:00; wait_for /health/ready >/dev/null
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
  where=$(fresh "p$largest")
  silo "$where" "$out/full.log" --Orleans:GrainCollection:CollectionAge 04:00:00; wait_for /health/ready >/dev/null
  echo "load before full $full: $(load)" >>"$out/load.txt"
  loadgen activate --url "$url" --token "$token" --prefix scale --cooperatives $((full / 10)) --projects 10 --clients 32 --settle 30 --view alerts \
    --label "$full of $largest projects, all grains" --json "$out/full-$full.json" >"$out/full-$full.md"
  echo "load after full $full: $(load)" >>"$out/load.txt"
  stop
fi

# 5. Deactivation: activate DEACTIVATE projects with a 2-minute collection age, then leave the silo idle.
if [ "$largest" -gt 0 ] && [ "$deactivate" -gt 0 ]; then
  where=$(fresh "p$largest")
  silo "$where" "$out/deactivate.log" --Orleans:GrainCollection:CollectionAge 00:02:00 --Orleans:GrainCollection:CollectionQuantum 00:00:30
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
  echo "## starts on $engine (seconds from launch; silo CPU seconds at ready and 30 s after; memory after a forced full GC, 30 s after ready)"
  echo; echo '| projects | to /health | to /health/ready | median | start-up steps done | CPU s at ready | CPU s at ready + 30 s | RSS MB | managed heap MB | activations | load average at ready (1, 5, 15 min) |'
  echo '|---:|---|---|---:|---|---|---|---|---|---|---|'
  for n in "${sizes[@]}"; do
    med=$(awk -v n="$n" '$1 == n { print $4 }' "$out/starts.txt" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
    awk -v n="$n" -v med="$med" '$1 == n { h = h sep $3; r = r sep $4; d = d sep $5; c = c sep $6; c30 = c30 sep $7; m = m sep $8; g = g sep $9; a = a sep $10; l = l sep $11 "/" $12 "/" $13; sep = "; " }
      END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, h, r, med, d, c, c30, m, g, a, l }' "$out/starts.txt"
  done
  for f in "$out"/first-start-*.txt; do [ -f "$f" ] || continue; echo; echo "## $(basename "$f" .txt)"; cat "$f"; done
  echo; echo "## database"; for n in "${sizes[@]}"; do echo "- $n projects: $(cat "$out/db-bytes-$n.txt") bytes"; [ ! -s "$out/db-tables-$n.txt" ] || sed 's/^/    /' "$out/db-tables-$n.txt"; done
  for a in $activate; do [ -f "$out/activate-$a.json" ] || continue
    echo; echo "## activate $a"; jq -r '.figures | to_entries[] | "- \(.key): \(.value)"' "$out/activate-$a.json"; done
  [ ! -f "$out/full-$full.json" ] || { echo; echo "## activate $full, all grains"; jq -r '.figures | to_entries[] | "- \(.key): \(.value)"' "$out/full-$full.json"; }
  [ ! -f "$out/deactivate.txt" ] || { echo; echo "## deactivation (seconds idle, RSS MB, heap MB, activations, load)"; cat "$out/deactivate.txt"; }
  echo; cat "$out/load.txt" 2>/dev/null || true
} | tee "$out/summary.md"
