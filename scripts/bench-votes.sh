#!/usr/bin/env bash
# Issue 17's load test, end to end: PostgreSQL + 3 silos via scripts/cluster.sh, the load generator's
# `vote` scenario (tests/Warmte.LoadGen/VoteLoad.cs): a cooperative of 5,000 members, online voting on an
# open and a secret proposal, every member votes on both, open loop, spread over the three silos' HTTP
# ports; halfway one silo is killed (kill -9). At the end voting is closed and every acknowledged vote
# must be counted exactly once. See docs/performance.md, "Issue 17: 5,000 members vote online, one silo killed".
#
#   scripts/bench-votes.sh                 5,000 members, 12 votes/s (6 members/s: all in 14 min), silo 2 killed midway
#   scripts/bench-votes.sh --quick         200 members (a smoke run of about 35 s of votes)
#
# Options: --members N (5000)  --rate R votes/s (12; each member casts one vote per proposal, two proposals)
#          --kill I (silo to kill midway, 2; 0: kill none)  --attempts A (sends per vote before giving up, 10)
#          --detect default|fast: failure detection; default = Orleans' production defaults (docs/operations.md),
#            fast = the failover test's (ProbeTimeout 2 s, NumMissedProbesLimit 2, TableRefreshTimeout 2 s; under a
#            load average of 60+ it declared a slow-starting silo dead, as docs/operations.md warns)
#          --out DIR (results; default .bench/votes-<UTC time>)  --dir DIR (cluster dir; default /tmp/warmte-bench-votes)
#          --no-build   --pg-port P (6100)  --http-base P (6101: silos on 6101-6103)  --silo-base P (6111)
# Environment: CLUSTER_SH (default scripts/cluster.sh), WARMTE_ADMIN_TOKEN (else <dir>/admin-token).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
members=5000; rate=12; kill_silo=2; attempts=10; detect=default; out=""; dir="${TMPDIR:-/tmp}/warmte-bench-votes"; build=1
pg_port=6100; http_base=6101; silo_base=6111
while [ $# -gt 0 ]; do
  case $1 in
    --quick) members=200; shift;;
    --members) members=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --kill) kill_silo=$2; shift 2;;
    --attempts) attempts=$2; shift 2;;
    --detect) detect=$2; shift 2;;
    --out) out=$2; shift 2;;
    --dir) dir=$2; shift 2;;
    --no-build) build=0; shift;;
    --pg-port) pg_port=$2; shift 2;;
    --http-base) http_base=$2; shift 2;;
    --silo-base) silo_base=$2; shift 2;;
    -h|--help) sed -n '2,20p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
cluster=${CLUSTER_SH:-$repo/scripts/cluster.sh}
out=${out:-.bench/votes-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
start_opts=(--dir "$dir" --pg-port "$pg_port" --http-base "$http_base" --silo-base "$silo_base" --no-build)
url() { echo "http://127.0.0.1:$((http_base + $1 - 1))"; }

if [ $build = 1 ]; then
  echo "== build (Release)"
  dotnet build -c Release src/Warmte.Silo/Warmte.Silo.csproj -v q -nologo
  dotnet build -c Release tests/Warmte.LoadGen/Warmte.LoadGen.csproj -v q -nologo
fi
loadgen=(dotnet tests/Warmte.LoadGen/bin/Release/net10.0/Warmte.LoadGen.dll)

# The silos inherit these. Every member votes from an address of their own: the generator sends
# X-Forwarded-For as a proxy on loopback would (believed from loopback only), so the member API's
# per-address limits and the cluster-wide lockout stay at their production settings, as does the
# per-meeting limit (200/s per silo). Every silo must hash codes with the same key
# (docs/members-and-decisions.md), so one key for this run.
export Voting__CodeKey=${Voting__CodeKey:-$(openssl rand -base64 32)}
export RateLimit__Enabled=false
if [ "$detect" = fast ]; then
  export Orleans__Membership__ProbeTimeout=00:00:02 Orleans__Membership__NumMissedProbesLimit=2 Orleans__Membership__TableRefreshTimeout=00:00:02
fi

stop() { "$cluster" stop --dir "$dir" >/dev/null 2>&1 || true; }
trap stop EXIT

echo "== start PostgreSQL + 3 silos ($dir)"
stop
"$cluster" start --silos 3 "${start_opts[@]}"
for i in 1 2 3; do
  for _ in $(seq 180); do curl -sf "$(url "$i")/health" >/dev/null && continue 2; sleep 1; done
  echo "silo $i does not answer /health" >&2; exit 1
done
export WARMTE_ADMIN_TOKEN=${WARMTE_ADMIN_TOKEN:-$(cat "$dir/admin-token")}

midway=()
[ "$kill_silo" != 0 ] && midway=(--midway-command "'$cluster' kill $kill_silo --dir '$dir'")
echo "== $(date -u +%H:%M:%S) vote: $members members × 2 proposals at $rate votes/s, silo $kill_silo killed midway, failure detection $detect"
status=0
"${loadgen[@]}" vote --url "$(url 1),$(url 2),$(url 3)" --prefix "v$(date -u +%H%M%S)" --members "$members" --rate "$rate" \
  --attempts "$attempts" "${midway[@]}" --label "3 silos, $members members, $rate votes/s, silo $kill_silo killed midway, detection $detect" \
  --json "$out/vote.json" 2>&1 | tee "$out/vote.log" || status=$?
"$cluster" status --dir "$dir" || true
stop
trap - EXIT
echo "== $SECONDS s in all; results in $out"
[ $status = 0 ] || { echo "!! the vote check failed (exit $status): see $out/vote.log"; exit 1; }
