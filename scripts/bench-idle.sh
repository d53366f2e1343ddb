#!/usr/bin/env bash
# An idle silo's CPU (docs/performance.md, "An idle silo"): one silo of this work tree, started, left alone,
# and its CPU seconds (utime + stime of /proc/<pid>/stat) counted per 30-s window. Four cases, one after the
# other: --demo and an empty database, on SQLite and on PostgreSQL (a server the script starts itself in
# WORK/pg on 127.0.0.1:PG_PORT if none runs there; left running: `pg_ctl -D WORK/pg stop`).
#
#   scripts/bench-idle.sh [CASE ...]      CASE: sqlite-demo sqlite-empty postgresql-demo postgresql-empty (default: all four)
# Environment: WORK (/tmp/warmte-idle)  PORT (6801; the silo port is PORT + 10)  PG_PORT (6832)
#   SETTLE (90: seconds after /health/ready before the first window)  WINDOWS (12: 30-s windows, 6 minutes:
#   every alert sweep ticks at least once)  NO_BUILD (set: reuse WORK/bin)  COUNTERS (a dotnet-counters binary:
#   also record System.Runtime and Orleans counters every 10 s into WORK/results-*/CASE-counters.csv)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/warmte-idle}; port=${PORT:-6801}; pg_port=${PG_PORT:-6832}
settle=${SETTLE:-90}; windows=${WINDOWS:-12}
cases=("$@"); [ ${#cases[@]} -gt 0 ] || cases=(sqlite-demo sqlite-empty postgresql-demo postgresql-empty)
url=http://127.0.0.1:$port; bin=$work/bin; out=$work/results-$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$out"
echo "results in $out" >&2
[ -n "${NO_BUILD:-}" ] || dotnet build -c Release -v q -nologo "$repo/src/Warmte.Silo" -o "$bin/silo" >&2

pg_started=""
start_pg() {
  [ -z "$pg_started" ] || return 0
  # shellcheck source=scripts/pg-tools.sh
  . "$repo/scripts/pg-tools.sh"
  pg_local_start "$work/pg" "$work" "$pg_port"
  pg_started=1
}
psql_() { "$pg_bin_dir/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

pid=""
stop() { [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; }; }
trap stop EXIT
cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat"; }

echo "case window cpu_s load1" >"$out/windows.txt"
for c in "${cases[@]}"; do
  engine=${c%%-*}; kind=${c#*-}
  args=(--urls "$url" --Logging:LogLevel:Default Warning)
  [ "$kind" = demo ] && args+=(--demo)
  case $engine in
    sqlite) rm -rf "$work/data-$c"; args+=(--data-dir "$work/data-$c");;
    postgresql)
      start_pg
      db=idle_${kind}
      psql_ -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null; psql_ -d postgres -c "CREATE DATABASE $db" >/dev/null
      args+=(--data-dir "$work/data-$c" --Storage:Provider PostgreSQL --Storage:ConnectionString "Host=127.0.0.1;Port=$pg_port;Database=$db;Username=postgres"
             --Orleans:SiloPort $((port + 10)) --Orleans:Tls:Insecure true);;
    *) echo "unknown case $c" >&2; exit 2;;
  esac
  ! curl -s -o /dev/null "$url/health" || { echo "port $port answers already: stop that process or set PORT" >&2; exit 1; }
  dotnet "$bin/silo/Warmte.Silo.dll" "${args[@]}" >"$out/$c.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "$url/health/ready"; do kill -0 "$pid" 2>/dev/null || { echo "silo exited: $out/$c.log" >&2; exit 1; }; sleep 0.2; done
  sleep "$settle"
  [ -z "${COUNTERS:-}" ] || { timeout $((windows * 30 + 5)) "$COUNTERS" collect -p "$pid" --refresh-interval 10 \
    --counters System.Runtime,Microsoft.Orleans -o "$out/$c-counters.csv" >/dev/null 2>&1 & }
  for w in $(seq "$windows"); do
    a=$(cpu); sleep 30; b=$(cpu)
    echo "$c $w $(echo "$b - $a" | bc) $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/windows.txt" >&2
  done
  stop
  wait 2>/dev/null || true
done

{
  echo "| case | CPU s per 30 s, each window | median | max | total over $windows windows | load average (1 min) over the windows |"
  echo "|---|---|---:|---:|---:|---|"
  for c in "${cases[@]}"; do
    awk -v c="$c" '$1 == c { print $3 }' "$out/windows.txt" | sort -n >"$out/$c.sorted"
    med=$(awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }' "$out/$c.sorted")
    awk -v c="$c" -v med="$med" '$1 == c { w = w sep $3; l = l sep $4; t += $3; if ($3 > m) m = $3; sep = ", " }
      END { printf "| %s | %s | %.2f | %.2f | %.2f | %s |\n", c, w, med, m, t, l }' "$out/windows.txt"
  done
} | tee "$out/summary.md"
