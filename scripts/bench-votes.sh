#!/usr/bin/env bash
# Issue 17's load test, end to end: PostgreSQL + 3 silos via scripts/cluster.sh, the load generator's
# `vote` scenario (tests/Warmte.LoadGen/VoteLoad.cs): a cooperative of 5,000 members, online voting on an
# open and a secret proposal, every member votes on both, open loop, through a load balancer's behaviour over
# the three silos' HTTP ports; halfway one silo is killed (kill -9). At the end voting is closed and every
# acknowledged vote must be counted exactly once. See docs/performance.md, "Issue 17: 5,000 members vote online, one silo killed".
#
#   scripts/bench-votes.sh                 the issue's scenario: 5,000 members × 2 proposals = 10,000 votes at 11.12 votes/s
#                                          (all due within 15 minutes), silo 2 killed midway, the service's failure detection
#   scripts/bench-votes.sh --rate 24       twice the issue's rate (7 minutes)
#   scripts/bench-votes.sh --quick         200 members (a smoke run of about 36 s of votes)
#
# Options: --members N (5000)  --rate R votes/s (11.12; each member casts one vote per proposal, two proposals)
#          --kill I (silo to kill midway, 2; 0: kill none)  --attempts A (sends per vote before giving up, 10)
#          --detect service|orleans|fast: failure detection; service = the service's cluster defaults (2-s probes,
#            docs/operations.md "Failure detection"), orleans = Orleans' own defaults (5-s probes, 60-s table refresh:
#            the service before issue 17's load work), fast = the failover test's (2-s probes, 2 missed, 2-s refresh)
#          --client proxy|direct: proxy (default) = as behind nginx/HAProxy: a refused or broken connection goes to
#            the next silo at once; direct = each send to one silo (the generator before)
#          --out DIR (results; default .bench/votes-<UTC time>)  --dir DIR (cluster dir; default /tmp/warmte-bench-votes)
#          --no-build   --pg-port P (6100)  --http-base P (6101: silos on 6101-6103)  --silo-base P (6111)
# Results in DIR: vote.log (the run, the slow-vote analysis), vote.json (figures), votes.jsonl (every vote's sends),
#          silo-*.log (the silos' logs), membership.txt (the membership table after the run).
# Environment: CLUSTER_SH (default scripts/cluster.sh), WARMTE_ADMIN_TOKEN (else <dir>/admin-token).
set -euo pipefail

args=("$@")
members=5000; rate=11.12; kill_silo=2; attempts=10; detect=service; client=proxy; dir="${TMPDIR:-/tmp}/warmte-bench-votes"
pg_port=6100; http_base=6101; silo_base=6111; gateway_base=30000
# shellcheck source=scripts/lib-cluster.sh
. "$(dirname "$0")/lib-cluster.sh"
while [ $# -gt 0 ]; do
  case $1 in
    --quick) members=200; shift;;
    --members) members=$2; shift 2;;
    --rate) rate=$2; shift 2;;
    --kill) kill_silo=$2; shift 2;;
    --attempts) attempts=$2; shift 2;;
    --detect) detect=$2; shift 2;;
    --client) client=$2; shift 2;;
    -h|--help) sed -n '2,24p' "$0"; exit 0;;
    *) cluster_option "$@" || { echo "unknown option $1" >&2; exit 2; }; shift "$cluster_shift";;
  esac
done
case $detect in service|orleans|fast) ;; default) detect=orleans;; *) echo "--detect service, orleans or fast" >&2; exit 2;; esac
case $client in proxy|direct) ;; *) echo "--client proxy or direct" >&2; exit 2;; esac
cluster_setup votes-
bench_header "$0" "${args[@]}"

# The silos inherit these. Every member votes from an address of their own: the generator sends
# X-Forwarded-For as a proxy on loopback would (believed from loopback only), so the member API's
# per-address limits and the cluster-wide lockout stay at their production settings, as does the
# per-meeting limit (200/s per silo). Every silo must hash codes with the same key
# (docs/members-and-decisions.md), so one key for this run.
export Voting__CodeKey=${Voting__CodeKey:-$(openssl rand -base64 32)}
export RateLimit__Enabled=false
# Timestamps in the silos' logs, to line the kill up with the eviction ("Evicting ...") and the 503s.
export Logging__Console__TimestampFormat="${Logging__Console__TimestampFormat:-HH:mm:ss.fff }" Logging__Console__UseUtcTimestamp=true
case $detect in
  orleans) export Orleans__Membership__ProbeTimeout=00:00:05 Orleans__Membership__NumMissedProbesLimit=3 \
             Orleans__Membership__TableRefreshTimeout=00:01:00 Orleans__Membership__DeathVoteExpirationTimeout=00:02:00 \
             Orleans__Membership__IAmAliveTablePublishTimeout=00:00:30;;
  fast) export Orleans__Membership__ProbeTimeout=00:00:02 Orleans__Membership__NumMissedProbesLimit=2 Orleans__Membership__TableRefreshTimeout=00:00:02;;
esac
env | grep '^Orleans__Membership__' | sort | sed 's/^/   /' || echo "   (no Orleans:Membership settings: the service's defaults)"

echo "== start PostgreSQL + 3 silos ($dir)"
start_cluster 3

midway=()
[ "$kill_silo" != 0 ] && midway=(--midway-command "'$cluster' kill $kill_silo --dir '$dir'")
echo "== $(date -u +%H:%M:%S) vote: $members members × 2 proposals at $rate votes/s, silo $kill_silo killed midway, failure detection $detect, client $client"
status=0
"${loadgen[@]}" vote --url "$(url 1),$(url 2),$(url 3)" --prefix "v$(date -u +%H%M%S)" --members "$members" --rate "$rate" \
  --attempts "$attempts" --client "$client" "${midway[@]}" \
  --label "3 silos, $members members, $rate votes/s, silo $kill_silo killed midway, detection $detect, client $client" \
  --votes-log "$out/votes.jsonl" --json "$out/vote.json" 2>&1 | tee "$out/vote.log" || status=$?
"$cluster" status --dir "$dir" || true
# The silos' side of the story: when the killed silo was declared dead, and what the 503s waited on.
# shellcheck disable=SC1091
( . "$dir/cluster.env"; "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d warmtenet -c \
  "SELECT port, generation, status, suspecttimes, starttime, iamalivetime FROM orleansmembershiptable ORDER BY port" ) > "$out/membership.txt" 2>&1 || true
for log in "$dir"/silo-*.log; do cp "$log" "$out/"; done
for i in 1 2 3; do
  echo "   silo $i: $(grep -c 'answered 503' "$out/silo-$i.log" 2>/dev/null || true) answers 503; $(grep -ci 'declared dead\|Dead silo\|is dead' "$out/silo-$i.log" 2>/dev/null || true) lines on a dead silo"
done
grep -ho 'answered 503: [A-Za-z]*' "$out"/silo-*.log 2>/dev/null | sort | uniq -c | sed 's/^/   /' || true
stop
trap - EXIT
echo "== $SECONDS s in all; load average now $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
[ $status = 0 ] || { echo "!! the vote check failed (exit $status): see $out/vote.log"; exit 1; }
