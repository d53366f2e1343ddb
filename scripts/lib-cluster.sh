# Shared by the cluster benchmarks (scripts/bench-cluster.sh, scripts/bench-votes.sh); sourced, not run.
# The options every benchmark takes, the Release build, starting and stopping the cluster of scripts/cluster.sh,
# waiting for the silos' /health, and a header that records what a result needs to be read later.
#
# The caller sets its defaults first (dir, pg_port, http_base, silo_base, gateway_base), then in its option loop
# hands anything it does not know to `cluster_option "$@"` (0: taken, shift by $cluster_shift; 1: unknown),
# then calls `cluster_setup`. Common options:
#   --out DIR  --dir DIR  --no-build  --pg-port P  --http-base P  --silo-base P  --gateway-base P (ignored by cluster.sh)
# Environment: CLUSTER_SH (default scripts/cluster.sh), WARMTE_ADMIN_TOKEN (else <dir>/admin-token).
# shellcheck shell=bash

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
out=""; build=1
: "${dir:=${TMPDIR:-/tmp}/warmte-bench}" "${pg_port:=55432}" "${http_base:=5081}" "${silo_base:=11111}" "${gateway_base:=30000}"
cluster_shift=0

cluster_option() {
  cluster_shift=2
  case $1 in --out|--dir|--pg-port|--http-base|--silo-base|--gateway-base) [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; };; esac
  case $1 in
    --out) out=$2;;
    --dir) dir=$2;;
    --pg-port) pg_port=$2;;
    --http-base) http_base=$2;;
    --silo-base) silo_base=$2;;
    --gateway-base) gateway_base=$2;;
    --no-build) build=0; cluster_shift=1;;
    *) cluster_shift=0; return 1;;
  esac
}

# After the options: the cluster script, the results folder (default .bench/<prefix><UTC time>), the build, the generator.
cluster_setup() {
  cluster=${CLUSTER_SH:-$repo/scripts/cluster.sh}
  [ -x "$cluster" ] || { echo "$cluster not found; set CLUSTER_SH" >&2; exit 2; }
  out=${out:-.bench/${1:-}$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$out"
  start_opts=(--dir "$dir" --pg-port "$pg_port" --http-base "$http_base" --silo-base "$silo_base" --gateway-base "$gateway_base" --no-build)
  if [ "$build" = 1 ]; then
    echo "== build (Release)"
    dotnet build -c Release src/Warmte.Silo/Warmte.Silo.csproj -v q -nologo
    dotnet build -c Release tests/Warmte.LoadGen/Warmte.LoadGen.csproj -v q -nologo
  fi
  loadgen=(dotnet tests/Warmte.LoadGen/bin/Release/net10.0/Warmte.LoadGen.dll)
}

url() { echo "http://127.0.0.1:$((http_base + $1 - 1))"; }

stop() { "$cluster" stop --dir "$dir" >/dev/null 2>&1 || true; }

# healthy N: silos 1..N answer /health (180 s each).
healthy() {
  local i
  for i in $(seq "$1"); do
    for _ in $(seq 180); do curl -sf "$(url "$i")/health" >/dev/null && continue 2; sleep 1; done
    echo "silo $i does not answer /health" >&2; exit 1
  done
}

# start_cluster N: a fresh start of PostgreSQL + N silos (anything left in --dir stopped first), stopped again on exit.
start_cluster() {
  trap stop EXIT
  stop
  "$cluster" start --silos "$1" "${start_opts[@]}"
  healthy "$1"
  export WARMTE_ADMIN_TOKEN=${WARMTE_ADMIN_TOKEN:-$(cat "$dir/admin-token")}
}

# What a result needs to be compared later: when, which commit, the machine and how busy it was, the command.
bench_header() {
  local commit dirty=""
  commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?")
  [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ] && dirty=" (with uncommitted changes)"
  echo "== $(date -u '+%Y-%m-%d %H:%M:%S') UTC, commit $commit$dirty, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== command: $*"
}
