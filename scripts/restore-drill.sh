#!/usr/bin/env bash
# Restore drill for both storage modes, run by the test suite (tests/Warmte.Tests/Cluster/
# BackupRestoreDrillTests.cs) and by hand: start the service, write, back up WHILE IT RUNS, write
# more, stop, restore, start, and check that the state is the one from the moment of the backup.
#
#   scripts/restore-drill.sh [--work DIR] [--pg-port P] [--http-port H] [--silo-port S] [--gateway-port G] [--no-build]
#
# Uses scripts/backup.sh and scripts/restore.sh exactly as an operator would; PostgreSQL through
# scripts/cluster.sh (one silo). Prints "drill passed: <mode>" per mode; exits non-zero on any failure.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WARMTE_SILO_DLL="${WARMTE_SILO_DLL:-$REPO/src/Warmte.Silo/bin/Release/net10.0/Warmte.Silo.dll}"
WORK=""; PG_PORT=55499; HTTP=5199; SILO=11199; GATEWAY=30199; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="${2:?}"; shift 2 ;;
    --pg-port) PG_PORT="${2:?}"; shift 2 ;;
    --http-port) HTTP="${2:?}"; shift 2 ;;
    --silo-port) SILO="${2:?}"; shift 2 ;;
    --gateway-port) GATEWAY="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "restore-drill.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
WORK="${WORK:-$(mktemp -d /tmp/warmte-drill-XXXXXX)}"
mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
chmod 755 "$WORK"   # as root, PostgreSQL runs as another user and must reach the cluster directory
TOKEN="wt_drill-$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
BASE="http://127.0.0.1:$HTTP"
SQLITE_PID=""

fail() { echo "DRILL FAILED: $*" >&2; exit 1; }
cleanup() {
  [ -n "$SQLITE_PID" ] && kill -9 "$SQLITE_PID" 2>/dev/null || true
  [ -f "$WORK/cluster/cluster.env" ] && "$REPO/scripts/cluster.sh" stop --dir "$WORK/cluster" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if [ "$BUILD" = 1 ]; then (cd "$REPO" && dotnet build -c Release src/Warmte.Silo -nologo -v q >/dev/null) || fail "build"; fi

# call METHOD PATH [JSON] -> prints "<status> <body>"
call() {
  local args=(-sS -o "$WORK/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" --max-time 60)
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' -d "$3")
  local status; status="$(curl "${args[@]}" "$BASE/$2")"
  echo "$status $(cat "$WORK/body")"
}
expect() { # expect STATUS METHOD PATH [JSON]
  local want="$1"; shift
  local got; got="$(call "$@")"
  [ "${got%% *}" = "$want" ] || fail "$1 $2 answered ${got:0:300} (expected $want)"
  echo "${got#* }"
}
wait_health() { # wait_health [PID]: with the silo's pid, a silo that exited fails at once (not another server's answer)
  for _ in $(seq 1 180); do
    if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then fail "the silo exited during its start; see $WORK/sqlite.log"; fi
    curl -fsS --max-time 2 "$BASE/health" >/dev/null 2>&1 && return 0; sleep 1
  done
  fail "service on $BASE not healthy"
}

# The same story in both modes: a cooperative, a project and €100.00 spent before the backup;
# another cooperative and €50.00 more after it. After the restore only the first state remains.
before_backup() {
  expect 201 POST api/cooperatives '{"id":"voor-backup","statutoryName":"Coöperatie Voor U.A.","kind":"HeatNetwork","municipality":"Amsterdam","foundedOn":"2019-12-18"}' >/dev/null
  expect 201 POST api/cooperatives/voor-backup/projects '{"id":"drill-project","name":"Warmtenet drill","woningequivalenten":100,"plannedConnections":80,"startedOn":"2018-01-01"}' >/dev/null
  expect 201 POST api/projects/drill-project/spending '{"month":"2024-03","kind":"Design","amount":100.00,"note":"voor backup"}' >/dev/null
}
after_backup() {
  expect 201 POST api/cooperatives '{"id":"na-backup","statutoryName":"Coöperatie Na U.A.","kind":"HeatNetwork","municipality":"Amsterdam","foundedOn":"2020-01-01"}' >/dev/null
  expect 201 POST api/projects/drill-project/spending '{"month":"2024-04","kind":"Design","amount":50.00,"note":"na backup"}' >/dev/null
  expect 200 GET api/projects/drill-project/cash-position | grep -q '"totalSpent":150' || fail "the change after the backup is not visible"
}
check_restored() {
  expect 200 GET api/cooperatives/voor-backup >/dev/null
  expect 404 GET api/cooperatives/na-backup >/dev/null
  expect 200 GET api/projects/drill-project/cash-position | grep -q '"totalSpent":100' || fail "restored spending is not the €100.00 of the backup"
}

# --- SQLite (embedded) ----------------------------------------------------------------------
start_sqlite() {
  Auth__BootstrapAdminToken="$TOKEN" dotnet "$WARMTE_SILO_DLL" --urls "$BASE" --data-dir "$WORK/sqlite" \
    --Orleans:SiloPort "$SILO" --Orleans:GatewayPort "$GATEWAY" >>"$WORK/sqlite.log" 2>&1 &
  SQLITE_PID=$!
  wait_health "$SQLITE_PID"
}
stop_sqlite() { kill -TERM "$SQLITE_PID"; wait "$SQLITE_PID" 2>/dev/null || true; SQLITE_PID=""; }

start_sqlite
before_backup
"$REPO/scripts/backup.sh" sqlite --data-dir "$WORK/sqlite" --to "$WORK/warmtenet-backup.db"
after_backup
stop_sqlite
"$REPO/scripts/restore.sh" sqlite --data-dir "$WORK/sqlite" --from "$WORK/warmtenet-backup.db"
start_sqlite
check_restored
stop_sqlite
echo "drill passed: sqlite"

# --- PostgreSQL (cluster mode, one silo) ---------------------------------------------------
WARMTE_ADMIN_TOKEN="$TOKEN" "$REPO/scripts/cluster.sh" start --silos 1 --dir "$WORK/cluster" --pg-port "$PG_PORT" \
  --http-base "$HTTP" --silo-base "$SILO" --gateway-base "$GATEWAY" --no-build
before_backup
"$REPO/scripts/backup.sh" postgres --dir "$WORK/cluster" --to "$WORK/warmtenet-backup.dump"
after_backup
# Stop the silo (not PostgreSQL) before restoring; a stopped process may linger as a zombie where nothing reaps it.
SILO_PID="$(cat "$WORK/cluster/silo-1.pid")"
kill -TERM "$SILO_PID"
for _ in $(seq 1 60); do
  kill -0 "$SILO_PID" 2>/dev/null || break
  [ -r "/proc/$SILO_PID/stat" ] && [ "$(sed 's/.*) //' "/proc/$SILO_PID/stat" | cut -d' ' -f1)" = Z ] && break
  sleep 1
done
"$REPO/scripts/restore.sh" postgres --dir "$WORK/cluster" --from "$WORK/warmtenet-backup.dump"
"$REPO/scripts/cluster.sh" restart 1 --dir "$WORK/cluster"
check_restored
"$REPO/scripts/cluster.sh" stop --dir "$WORK/cluster" >/dev/null
echo "drill passed: postgres"
