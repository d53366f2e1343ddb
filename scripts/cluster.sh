#!/usr/bin/env bash
# A local Warmtenet cluster: 1-9 silo processes on one PostgreSQL started from this machine's
# server binaries (initdb/pg_ctl). ADO.NET membership, grain storage and reminders all live in
# that one database. See docs/operations.md.
#
#   scripts/cluster.sh start [--silos N] [--dir DIR] [--pg-port P] [--http-base H] [--silo-base S]
#                            [--gateway-base G] [--no-build]
#   scripts/cluster.sh stop [--dir DIR]
#   scripts/cluster.sh status [--dir DIR]
#   scripts/cluster.sh kill I [--dir DIR]      # kill -9 silo I (a crash, for failover drills)
#   scripts/cluster.sh restart I [--dir DIR]   # start silo I again with the settings saved at start
#
# Silo i (1..N) listens on HTTP http-base+i-1 and silo port silo-base+i-1, both on 127.0.0.1 (no
# Orleans client gateway: --gateway-base is accepted for older scripts and ignored). Silo-to-silo
# traffic is mutual TLS: start makes a throwaway CA and one certificate per silo with openssl in
# DIR/tls (keys mode 600), once. Its pid is in DIR/silo-i.pid, its log in DIR/silo-i.log: each start
# begins a fresh log and keeps the previous run's as DIR/silo-i.log.1 (one generation; restart I appends
# to the run's log after a marker line). The bootstrap
# admin token comes from WARMTE_ADMIN_TOKEN, else it is generated once into DIR/admin-token (mode 600).
# Every silo gets the same Voting:CodeKey from DIR/voting-code-key (made once, mode 600), through the environment.
# WARMTE_SILO_ENV="NAME=value ..." adds environment variables to the silos only (not to the load generator or the
# floor server started beside them), e.g. a runtime setting measured with bench-cluster.sh.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DLL="${WARMTE_SILO_DLL:-$REPO/src/Warmte.Silo/bin/Release/net10.0/Warmte.Silo.dll}"  # the tests pass their own build
START_TIMEOUT="${WARMTE_START_TIMEOUT:-180}"   # seconds per silo; builds and starts are slow on a busy machine

die() { echo "cluster.sh: $*" >&2; exit 1; }

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

COMMAND="${1:-}"; [ -n "$COMMAND" ] || usage
shift
INDEX=""
if [ "$COMMAND" = kill ] || [ "$COMMAND" = restart ]; then
  INDEX="${1:-}"; [[ "$INDEX" =~ ^[1-9]$ ]] || die "$COMMAND needs a silo number (1..N)"
  shift
fi

SILOS=3; DIR=./.cluster; PG_PORT=55432; HTTP_BASE=5081; SILO_BASE=11111; GATEWAY_BASE=30000; BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) SILOS="${2:?}"; shift 2 ;;
    --dir) DIR="${2:?}"; shift 2 ;;
    --pg-port) PG_PORT="${2:?}"; shift 2 ;;
    --http-base) HTTP_BASE="${2:?}"; shift 2 ;;
    --silo-base) SILO_BASE="${2:?}"; shift 2 ;;
    --gateway-base) GATEWAY_BASE="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage 0 ;;
    *) die "unknown option '$1'" ;;
  esac
done
[[ "$SILOS" =~ ^[1-9]$ ]] || die "--silos must be 1..9"
for n in "$PG_PORT" "$HTTP_BASE" "$SILO_BASE" "$GATEWAY_BASE"; do [[ "$n" =~ ^[0-9]+$ ]] || die "ports must be numbers"; done
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
ENV_FILE="$DIR/cluster.env"

# --- PostgreSQL -------------------------------------------------------------------------------

# shellcheck source=scripts/pg-tools.sh
. "$REPO/scripts/pg-tools.sh"

# PostgreSQL refuses to run as root: as root, run its tools as the 'postgres' user (Debian's
# package creates it), else as a 'warmte-pg' system user created here.
pg_user() {
  [ "$(id -u)" -eq 0 ] || { echo ""; return; }
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  id warmte-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin warmte-pg
  echo warmte-pg
}

as_pg() {
  if [ -n "$PG_USER" ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; }

start_postgres() {
  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    mkdir -p "$DIR/pg"
    if [ -n "$PG_USER" ]; then
      chown "$PG_USER" "$DIR/pg"
      runuser -u "$PG_USER" -- test -x "$DIR" \
        || die "user '$PG_USER' cannot reach $DIR (PostgreSQL must not run as root); choose a --dir it can traverse, e.g. under /tmp or /srv"
    fi
    chmod 700 "$DIR/pg"
    # Trust on loopback only: a local development/test cluster. Production: see docs/operations.md.
    as_pg "$PG_BIN/initdb" -D "$DIR/pg" -A trust -U postgres -E UTF8 >"$DIR/initdb.log" 2>&1 \
      || die "initdb failed, see $DIR/initdb.log"
  fi
  if pg_running; then
    echo "PostgreSQL already running ($DIR/pg)"
  else
    : >"$DIR/postgres.log"
    [ -n "$PG_USER" ] && chown "$PG_USER" "$DIR/postgres.log"
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/postgres.log" -w -t 120 \
      -o "-p $PG_PORT -k $DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=400" start >/dev/null \
      || die "PostgreSQL did not start, see $DIR/postgres.log"
    echo "PostgreSQL started on 127.0.0.1:$PG_PORT ($DIR/pg)"
  fi
  local exists
  exists="$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'warmtenet'")"
  [ "$exists" = 1 ] || "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE warmtenet" >/dev/null
}

# --- TLS: a throwaway CA and one certificate per silo ---------------------------------------------

# Local-cluster certificates only: the CA key stays in DIR/tls next to the silos' keys. For machines of
# their own, see docs/operations.md ("Silo certificates"): the CA key belongs on none of them.
make_certs() {
  command -v openssl >/dev/null 2>&1 || die "openssl is needed for the silos' TLS certificates (Debian: apt-get install openssl)"
  local tls="$DIR/tls"
  (umask 077; mkdir -p "$tls")
  if [ ! -s "$tls/ca.pem" ] || [ ! -s "$tls/ca.key" ]; then
    (umask 077; openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 30 \
      -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj "/CN=Warmtenet local cluster CA" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      >"$tls/openssl.log" 2>&1) || die "openssl could not make the CA, see $tls/openssl.log"
    chmod 644 "$tls/ca.pem"
  fi
  for i in $(seq 1 "$SILOS"); do
    [ -s "$tls/silo-$i.pem" ] && [ -s "$tls/silo-$i.key" ] && continue
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1" >"$tls/silo.ext"
    (umask 077
     openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
       -keyout "$tls/silo-$i.key" -out "$tls/silo-$i.csr" -subj "/CN=warmte-silo-$i" >>"$tls/openssl.log" 2>&1 \
     && openssl x509 -req -in "$tls/silo-$i.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
       -sha256 -days 30 -extfile "$tls/silo.ext" -out "$tls/silo-$i.pem" >>"$tls/openssl.log" 2>&1) \
      || die "openssl could not make the certificate of silo $i, see $tls/openssl.log"
    rm -f "$tls/silo-$i.csr"
    chmod 644 "$tls/silo-$i.pem"
  done
}

# --- silos --------------------------------------------------------------------------------------

# Alive and not a zombie (a killed silo whose parent is gone may stay a zombie where nothing reaps it).
pid_alive() {
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null || return 1
  [ -r "/proc/$pid/stat" ] || return 0
  [ "$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]
}

healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$1/health" >/dev/null 2>&1; }

start_silo() {
  local i="$1" fresh="${2:-}"
  local http=$((HTTP_BASE + i - 1)) silo=$((SILO_BASE + i - 1))
  if pid_alive "$DIR/silo-$i.pid"; then echo "silo $i already running (pid $(cat "$DIR/silo-$i.pid"))"; return; fi
  [ -f "$DLL" ] || die "$DLL is missing; run without --no-build or: dotnet build -c Release src/Warmte.Silo"
  # A new run (start) begins a fresh log and keeps the previous run's as silo-i.log.1; restart appends to this run's.
  if [ "$fresh" = fresh ] && [ -e "$DIR/silo-$i.log" ]; then mv -f "$DIR/silo-$i.log" "$DIR/silo-$i.log.1"; fi
  echo "=== cluster.sh: silo $i started $(date -u +%Y-%m-%dT%H:%M:%SZ) ===" >>"$DIR/silo-$i.log"
  # The token goes through the environment, not the command line, so `ps` does not show it.
  # Every silo hashes voting codes with the same key (a silo with another one refuses to start).
  # shellcheck disable=SC2086 # WARMTE_SILO_ENV is a list of NAME=value words
  env ${WARMTE_SILO_ENV:-} Auth__BootstrapAdminToken="$(cat "$DIR/admin-token")" Voting__CodeKey="$(cat "$DIR/voting-code-key")" nohup dotnet "$DLL" \
    --urls "http://127.0.0.1:$http" \
    --data-dir "$DIR/silo-$i-data" \
    --Storage:Provider PostgreSQL \
    --Storage:ConnectionString "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=warmtenet" \
    --Orleans:ClusterId warmtenet --Orleans:ServiceId warmtenet \
    --Orleans:AdvertisedIP 127.0.0.1 --Orleans:SiloPort "$silo" \
    --Orleans:Tls:Certificate "$DIR/tls/silo-$i.pem" --Orleans:Tls:Key "$DIR/tls/silo-$i.key" \
    --Orleans:Tls:CaCertificates "$DIR/tls/ca.pem" \
    >>"$DIR/silo-$i.log" 2>&1 </dev/null &
  echo $! >"$DIR/silo-$i.pid"
  echo "silo $i starting (pid $!, http $http, silo port $silo with TLS, log $DIR/silo-$i.log)"
}

wait_healthy() {
  local i="$1" http=$((HTTP_BASE + $1 - 1)) waited=0
  until healthy "$http"; do
    pid_alive "$DIR/silo-$i.pid" || die "silo $i exited during start; see $DIR/silo-$i.log"
    [ "$waited" -lt "$START_TIMEOUT" ] || die "silo $i not healthy after ${START_TIMEOUT}s; see $DIR/silo-$i.log"
    sleep 1; waited=$((waited + 1))
  done
  echo "silo $i healthy: http://127.0.0.1:$http"
}

load_env() {
  [ -f "$ENV_FILE" ] || die "no cluster in $DIR (missing cluster.env); start one first"
  # shellcheck source=/dev/null
  . "$ENV_FILE"
  # The silo binary the cluster was started with (tester8 T8); WARMTE_SILO_DLL given now wins. A cluster.env of an
  # older script has no SILO_DLL: the default build then.
  DLL="${WARMTE_SILO_DLL:-${SILO_DLL:-$DLL}}"
}

save_env() {
  cat >"$ENV_FILE" <<EOF
# Written by scripts/cluster.sh start; read by stop/status/kill/restart.
SILOS=$SILOS
PG_PORT=$PG_PORT
HTTP_BASE=$HTTP_BASE
SILO_BASE=$SILO_BASE
GATEWAY_BASE=$GATEWAY_BASE
PG_BIN=$PG_BIN
PG_USER=$PG_USER
EOF
  # The silo binary (WARMTE_SILO_DLL or the Release build): restart uses the same one. Quoted: a path may hold spaces.
  # Absolute, so that a restart from another working directory finds it.
  if [ -f "$DLL" ]; then DLL="$(cd "$(dirname "$DLL")" && pwd)/$(basename "$DLL")"; fi
  printf 'SILO_DLL=%q\n' "$DLL" >>"$ENV_FILE"
}

case "$COMMAND" in
  start)
    PG_BIN="$(pg_bin)" || exit 1; PG_USER="$(pg_user)"
    if [ "$BUILD" = 1 ]; then
      echo "building Release ..."
      (cd "$REPO" && dotnet build -c Release src/Warmte.Silo -nologo -v q) >"$DIR/build.log" 2>&1 || die "build failed, see $DIR/build.log"
    fi
    if [ -n "${WARMTE_ADMIN_TOKEN:-}" ]; then
      (umask 077; printf '%s' "$WARMTE_ADMIN_TOKEN" >"$DIR/admin-token")
    elif [ ! -s "$DIR/admin-token" ]; then
      (umask 077; printf 'wt_%s' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >"$DIR/admin-token")
    fi
    chmod 600 "$DIR/admin-token"
    if [ ! -s "$DIR/voting-code-key" ]; then
      (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' >"$DIR/voting-code-key")
    fi
    save_env
    make_certs
    start_postgres
    for i in $(seq 1 "$SILOS"); do start_silo "$i" fresh; done
    for i in $(seq 1 "$SILOS"); do wait_healthy "$i"; done
    echo
    echo "Warmtenet cluster of $SILOS silo(s) on PostgreSQL 127.0.0.1:$PG_PORT (database warmtenet):"
    for i in $(seq 1 "$SILOS"); do echo "  http://127.0.0.1:$((HTTP_BASE + i - 1))"; done
    echo "admin token: $DIR/admin-token"
    ;;
  stop)
    load_env
    for pidfile in "$DIR"/silo-*.pid; do
      [ -f "$pidfile" ] || continue
      if pid_alive "$pidfile"; then kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    for pidfile in "$DIR"/silo-*.pid; do
      [ -f "$pidfile" ] || continue
      for _ in $(seq 1 30); do pid_alive "$pidfile" || break; sleep 1; done
      if pid_alive "$pidfile"; then kill -KILL "$(cat "$pidfile")" 2>/dev/null || true; fi
      rm -f "$pidfile"
    done
    if pg_running; then as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null; echo "PostgreSQL stopped"; fi
    echo "cluster in $DIR stopped"
    ;;
  status)
    load_env
    if pg_running; then echo "PostgreSQL: running on 127.0.0.1:$PG_PORT"; else echo "PostgreSQL: stopped"; fi
    for i in $(seq 1 "$SILOS"); do
      http=$((HTTP_BASE + i - 1))
      if pid_alive "$DIR/silo-$i.pid"; then
        if healthy "$http"; then state=healthy; else state="running, not answering /health"; fi
        echo "silo $i: $state (pid $(cat "$DIR/silo-$i.pid"), http://127.0.0.1:$http)"
      else
        echo "silo $i: not running (http://127.0.0.1:$http)"
      fi
    done
    ;;
  kill)
    load_env
    [ "$INDEX" -le "$SILOS" ] || die "silo $INDEX does not exist (cluster has $SILOS)"
    pid_alive "$DIR/silo-$INDEX.pid" || die "silo $INDEX is not running"
    kill -KILL "$(cat "$DIR/silo-$INDEX.pid")"
    for _ in $(seq 1 50); do pid_alive "$DIR/silo-$INDEX.pid" || break; sleep 0.2; done
    echo "silo $INDEX killed (kill -9, pid $(cat "$DIR/silo-$INDEX.pid"))"
    ;;
  restart)
    load_env
    [ "$INDEX" -le "$SILOS" ] || die "silo $INDEX does not exist (cluster has $SILOS)"
    if pid_alive "$DIR/silo-$INDEX.pid"; then
      kill -TERM "$(cat "$DIR/silo-$INDEX.pid")"
      for _ in $(seq 1 30); do pid_alive "$DIR/silo-$INDEX.pid" || break; sleep 1; done
      if pid_alive "$DIR/silo-$INDEX.pid"; then kill -KILL "$(cat "$DIR/silo-$INDEX.pid")" 2>/dev/null || true; fi
    fi
    pg_running || die "PostgreSQL is not running; use: scripts/cluster.sh start --dir $DIR --no-build"
    make_certs
    start_silo "$INDEX"
    wait_healthy "$INDEX"
    ;;
  *) usage ;;
esac
