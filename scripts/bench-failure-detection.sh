#!/usr/bin/env bash
# How long a crashed silo stays in the cluster: PostgreSQL + 3 idle silos via scripts/cluster.sh; silo 2 is
# killed (kill -9) and the time until the survivors have written it Dead in the membership table is measured,
# then it is started again; --rounds times. No load: this is failure detection alone (docs/operations.md,
# "Failure detection"; docs/performance.md, issue 17 run 6).
#
#   scripts/bench-failure-detection.sh                      the service's cluster defaults, 3 rounds
#   scripts/bench-failure-detection.sh --detect orleans     Orleans' own defaults (the service before issue 17)
#
# Options: --detect service|orleans|fast (as scripts/bench-votes.sh)  --rounds N (3)  --settle S (seconds between, 30)
#          --dir DIR (default /tmp/warmte-bench-detect)  --no-build  --pg-port P (6200)  --http-base P (6201)  --silo-base P (6211)
set -euo pipefail

args=("$@")
detect=service; rounds=3; settle=30; dir="${TMPDIR:-/tmp}/warmte-bench-detect"
pg_port=6200; http_base=6201; silo_base=6211; gateway_base=30000
# shellcheck source=scripts/lib-cluster.sh
. "$(dirname "$0")/lib-cluster.sh"
while [ $# -gt 0 ]; do
  case $1 in
    --detect) detect=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    --settle) settle=$2; shift 2;;
    -h|--help) sed -n '2,12p' "$0"; exit 0;;
    *) cluster_option "$@" || { echo "unknown option $1" >&2; exit 2; }; shift "$cluster_shift";;
  esac
done
cluster_setup detect-
bench_header "$0" "${args[@]}"
export Voting__CodeKey=${Voting__CodeKey:-$(openssl rand -base64 32)}
case $detect in
  service) ;;
  orleans) export Orleans__Membership__ProbeTimeout=00:00:05 Orleans__Membership__NumMissedProbesLimit=3 \
             Orleans__Membership__TableRefreshTimeout=00:01:00 Orleans__Membership__DeathVoteExpirationTimeout=00:02:00 \
             Orleans__Membership__IAmAliveTablePublishTimeout=00:00:30;;
  fast) export Orleans__Membership__ProbeTimeout=00:00:02 Orleans__Membership__NumMissedProbesLimit=2 Orleans__Membership__TableRefreshTimeout=00:00:02;;
  *) echo "--detect service, orleans or fast" >&2; exit 2;;
esac
start_cluster 3
# shellcheck disable=SC1091
. "$dir/cluster.env"
dead() { "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d warmtenet -tAc \
  "SELECT count(*) FROM orleansmembershiptable WHERE port = $((silo_base + 1)) AND status = 6"; }
sleep "$settle"
for round in $(seq "$rounds"); do
  before=$(dead)
  echo "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  t0=$(date +%s%N)
  "$cluster" kill 2 --dir "$dir"
  until [ "$(dead)" -gt "$before" ]; do
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt 300 ] || { echo "not declared dead within 300 s" >&2; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s%N)
  echo "round $round ($detect): kill -9 → written Dead $(( (t1 - t0) / 1000000 )) ms" | tee -a "$out/detect.txt"
  "$cluster" restart 2 "${start_opts[@]}" >/dev/null
  sleep "$settle"
done
stop
trap - EXIT
echo "== results in $out/detect.txt"
