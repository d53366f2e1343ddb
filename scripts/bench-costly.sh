#!/usr/bin/env bash
# Issue 16, "Expensive requests": 200 parallel costly requests (Monte Carlo, loan grid, portfolio
# workbook, and one over a reader's limit) with reader tokens against one silo, while a status read
# (GET /api/projects/{id}) runs at 20/s. Builds Release, starts one silo (SQLite, --demo) on a fresh
# data dir, runs a baseline and three 200-client runs, prints one markdown table, stops the silo.
# See docs/performance.md, "Costly requests under load".
#
#   scripts/bench-costly.sh                 everything (about 5 minutes plus the build)
#   scripts/bench-costly.sh --no-build      reuse the Release builds in bin/
#
# The status reader runs in a process of its own at normal priority; the 200 costly clients run in
# another, under `nice -n NICE` (default 10), so the reader's own measurement is not starved by the
# generator it measures. --together runs both in one process, as the first measurement did.
#
# Options: --duration S (status-read seconds per run, default 30)  --nice N (costly clients' niceness, 10)
#          --port P (HTTP, 6400)  --silo-port P (Orleans, 6401)  --out DIR (JSON + logs; default a new /tmp dir)
#          --silo-bin DIR (another build of the silo, e.g. an older commit's bin/Release/net10.0)
#          --runs LIST (comma-separated subset of baseline,one-token,many-tokens,polite)  --together
#          --silo-arg ARG (extra silo argument, repeatable, e.g. --silo-arg --CostLimits:MaxConcurrent=2)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
build=1; duration=30; niceness=10; port=6400; silo_port=6401; out=""; silo_bin=""; together=0
runs="baseline,one-token,many-tokens,polite"; silo_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) build=0; shift;;
    --duration) duration=$2; shift 2;;
    --nice) niceness=$2; shift 2;;
    --port) port=$2; shift 2;;
    --silo-port) silo_port=$2; shift 2;;
    --out) out=$2; shift 2;;
    --silo-bin) silo_bin=$2; shift 2;;
    --runs) runs=$2; shift 2;;
    --together) together=1; shift;;
    --silo-arg) silo_args+=("$2"); shift 2;;
    -h|--help) sed -n '2,20p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
out=${out:-$(mktemp -d /tmp/warmte-bench-costly.XXXX)}
mkdir -p "$out"
silo_bin=${silo_bin:-$repo/src/Warmte.Silo/bin/Release/net10.0}
loadgen="$repo/tests/Warmte.LoadGen/bin/Release/net10.0/Warmte.LoadGen.dll"
token=wt_costly-bench-admin-0123456789abcdefghijklmnop
url=http://127.0.0.1:$port

if [ $build = 1 ]; then
  echo "== build (Release)" >&2
  dotnet build -c Release -v q -nologo src/Warmte.Silo/Warmte.Silo.csproj >&2
  dotnet build -c Release -v q -nologo tests/Warmte.LoadGen/Warmte.LoadGen.csproj >&2
fi

echo "== silo $silo_bin on $url, data and results in $out" >&2
rm -rf "$out/data"
dotnet "$silo_bin/Warmte.Silo.dll" --data-dir "$out/data" --demo --Auth:BootstrapAdminToken "$token" \
  --urls "$url" --Orleans:SiloPort "$silo_port" "${silo_args[@]}" >"$out/silo.log" 2>&1 &
silo=$!
costly_pid=""
stop() {
  [ -n "$costly_pid" ] && kill "$costly_pid" 2>/dev/null || true
  kill -TERM "$silo" 2>/dev/null && wait "$silo" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 600); do
  curl -fs "$url/health/ready" >/dev/null 2>&1 && break
  kill -0 "$silo" 2>/dev/null || { echo "silo exited; see $out/silo.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$url/health/ready" >/dev/null || { echo "silo not ready after 300 s; see $out/silo.log" >&2; exit 1; }
# The demo data is loaded just after the start; wait until its cooperatives are there (the workbook reads them).
for _ in $(seq 120); do
  [ "$(curl -fs -H "Authorization: Bearer $token" "$url/api/cooperatives" | jq 'length' 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.5
done

L=(dotnet "$loadgen" costly --url "$url" --token "$token" --prefix bench)
# One warm-up: creates the project and its business case, JIT-compiles the paths (not reported).
"${L[@]}" --clients 4 --duration 5 --rate 10 >"$out/warmup.txt" 2>&1 || true

# run NAME [costly options…]: the status reader for --duration s while 200 costly clients run (none for baseline).
run() {
  local name=$1; shift
  echo "== $name ($(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  if [ "$name" = baseline ]; then
    "${L[@]}" --clients 0 --rate 20 --duration "$duration" --label "$name" --json "$out/$name-status.json" >"$out/$name-status.txt"
  elif [ $together = 1 ]; then
    "${L[@]}" --clients 200 --rate 20 --duration "$duration" --label "$name" "$@" --json "$out/$name-status.json" >"$out/$name-status.txt"
    cp "$out/$name-status.json" "$out/$name-costly.json"
  else
    # The costly clients start first and run 10 s longer than the status reader, which starts 5 s after them.
    nice -n "$niceness" "${L[@]}" --clients 200 --rate 0 --duration $((duration + 10)) --label "$name" "$@" \
      --json "$out/$name-costly.json" >"$out/$name-costly.txt" 2>&1 &
    costly_pid=$!
    until grep -q "^costly: " "$out/$name-costly.txt" 2>/dev/null; do
      kill -0 "$costly_pid" 2>/dev/null || { echo "costly clients exited; see $out/$name-costly.txt" >&2; exit 1; }
      sleep 0.2
    done
    sleep 5
    "${L[@]}" --clients 0 --rate 20 --duration "$duration" --label "$name" --json "$out/$name-status.json" >"$out/$name-status.txt"
    wait "$costly_pid" || true
    costly_pid=""
  fi
}

IFS=, read -ra selected <<<"$runs"
for name in "${selected[@]}"; do
  case $name in
    baseline) run baseline;;
    one-token) run one-token;;
    many-tokens) run many-tokens --tokens 200;;
    polite) run polite --pause-on-refusal 1;;
    *) echo "unknown run $name" >&2; exit 2;;
  esac
  curl -fs "$url/health/ready" >/dev/null || echo "!! silo not ready after $name" >&2
done

commit=$(git -C "$repo" rev-parse --short HEAD)
echo
echo "Silo: $silo_bin (work tree at $commit); $(nproc) cores; costly clients $([ $together = 1 ] && echo "in the status reader's process" || echo "in their own process under nice -n $niceness")."
echo
python3 - "$out" "${selected[@]}" <<'EOF'
import json, sys, os
out, names = sys.argv[1], sys.argv[2:]
label = {"baseline": "baseline: no costly clients", "one-token": "200 clients, 1 reader token",
         "many-tokens": "200 clients, 200 reader tokens", "polite": "200 clients, 1 token, pause 1 s after 429/503"}
def load(path):
    return json.load(open(path)) if os.path.exists(path) else None
def fig(r, key):
    v = (r or {}).get("figures", {}).get(key)
    return v
def mb(v): return "?" if v is None else f"{v:.0f}"
print("| run | costly answers 2xx / 400 / 429 / 503 | 5xx | status read p50 / p99 / max (ms, from due time) | service time p99 (ms) | silo CPU s: all / lane; ms per request outside the lane | silo RSS before → peak (MB) | load average before → after |")
print("|---|---|---|---|---|---|---|---|")
for n in names:
    s, c = load(f"{out}/{n}-status.json"), load(f"{out}/{n}-costly.json")
    ops = {o["operation"]: o for o in (s or {}).get("operations", [])}
    st, sv = ops.get("status read (GET project)"), ops.get("status read (GET project) (service time)")
    costly = [o for o in (c or {}).get("operations", []) if not o["operation"].startswith("status read")] if n != "baseline" else []
    ok = sum(o["succeeded"] for o in costly); r400 = sum(o["otherClientErrors4xx"] for o in costly)
    r429 = sum(o["rateLimited429"] for o in costly); r503 = sum(o["unavailable503"] for o in costly)
    e5 = sum(o["serverErrors5xx"] + o["noAnswer"] for o in costly) + sum(o["serverErrors5xx"] + o["noAnswer"] for o in ops.values())
    answers = "—" if n == "baseline" else f"{ok:,} / {r400:,} / {r429:,} / {r503:,}"
    lat = "?" if st is None else f"{st['p50Ms']:.1f} / {st['p99Ms']:.1f} / {st['maxMs']:.1f}" + (f" ({st['rateLimited429']} × 429)" if st['rateLimited429'] else "")
    svc = "?" if sv is None else f"{sv['p99Ms']:.1f}"
    src = c if n != "baseline" else s
    rss = f"{mb(fig(src, 'silo RSS before (MB)'))} → {mb(fig(src, 'silo RSS peak during the run (MB, sampled every 100 ms)'))} (VmHWM {mb(fig(src, 'silo peak RSS since its start (VmHWM, MB)'))})"
    lb = (fig(src, "load average (1 min) before") or "?").split(" ")[0]; la = (fig(s, "load average (1 min) after") or "?").split(" ")[0]
    def num(key, f):
        v = fig(src, key)
        return "?" if v is None else f.format(v)
    lane_key = "of which on the costly lane's threads (s)"
    cpu = num("silo CPU during the run (s)", "{:.1f}") + " / " + num(lane_key, "{:.1f}") + "; " + num("silo CPU outside the lane per answered request (ms)", "{:.2f}")
    print(f"| {label.get(n, n)} | {answers} | {e5} | {lat} | {svc} | {cpu} | {rss} | {lb} → {la} |")
EOF
echo
echo "JSON results and logs: $out"
