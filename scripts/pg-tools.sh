# Shared by the scripts in this folder (sourced, not run): find this machine's PostgreSQL programs.

# The directory of initdb/pg_ctl/pg_dump/pg_restore: on PATH (following a symlink to the real bin
# directory, so client and server tools come from one version), else Debian's newest.
pg_bin() {
  local initdb newest
  if initdb="$(command -v initdb 2>/dev/null)"; then dirname "$(readlink -f "$initdb")"; return; fi
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$newest" ] && [ -x "$newest/pg_ctl" ]; then echo "$newest"; return; fi
  echo "PostgreSQL programs (initdb, pg_ctl, pg_dump) not found on PATH or in /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package" >&2
  return 1
}

# pg_local_start PGDATA LOGDIR PORT [SERVER OPTIONS...]: a throw-away PostgreSQL server for a benchmark,
# initialised in PGDATA on first use (trust, user postgres) and started on 127.0.0.1:PORT unless it
# runs already; as root the server runs as the postgres user. Logs go to LOGDIR/initdb.log and
# LOGDIR/postgres.log. Sets pg_bin_dir.
pg_local_start() {
  local pgdata=$1 logdir=$2 port=$3; shift 3
  pg_bin_dir=$(pg_bin) || exit 1
  as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"; chmod 700 "$pgdata"; [ "$(id -u)" -ne 0 ] || chown postgres "$pgdata"
    as_pg "$pg_bin_dir/initdb" -D "$pgdata" -A trust -U postgres -E UTF8 >"$logdir/initdb.log" 2>&1 || { echo "initdb failed: $logdir/initdb.log" >&2; exit 1; }
  fi
  if ! as_pg "$pg_bin_dir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    touch "$logdir/postgres.log"; [ "$(id -u)" -ne 0 ] || chown postgres "$logdir/postgres.log"
    as_pg "$pg_bin_dir/pg_ctl" -D "$pgdata" -l "$logdir/postgres.log" -w -t 120 \
      -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 $*" start >/dev/null
  fi
}
