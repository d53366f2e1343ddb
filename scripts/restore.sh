#!/usr/bin/env bash
# Put a backup made by scripts/backup.sh back. STOP THE SILOS FIRST: a running silo keeps grain
# state in memory and would write it over the restored data, so the script refuses (exit 1, nothing
# changed) while one runs: SQLite, while a silo holds DIR/warmte.lock; PostgreSQL, while a silo is
# Active in the membership table with a heartbeat of the last minute. See docs/operations.md.
#
#   scripts/restore.sh sqlite   --from FILE [--data-dir DIR]
#   scripts/restore.sh postgres --from FILE [--dir CLUSTERDIR | --pg CONNINFO]
#
# SQLite: the current DIR/warmtenet.db (with its -wal/-shm files) is moved aside to
# DIR/before-restore-<time>/, then the backup is copied in. PostgreSQL: pg_restore --clean
# --if-exists in one transaction into the existing database (all or nothing).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The restored database holds members' names, addresses and ballots: readable by this user only.
umask 077
die() { echo "restore.sh: $*" >&2; exit 1; }

MODE="${1:-}"; shift || true
FROM=""; DATA_DIR=./data; CLUSTER_DIR=""; PG="${WARMTE_PG:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --from) FROM="${2:?}"; shift 2 ;;
    --data-dir) DATA_DIR="${2:?}"; shift 2 ;;
    --dir) CLUSTER_DIR="${2:?}"; shift 2 ;;
    --pg) PG="${2:?}"; shift 2 ;;
    *) die "unknown option '$1'" ;;
  esac
done
[ -n "$FROM" ] && [ -f "$FROM" ] || die "--from FILE is required and must exist"

case "$MODE" in
  sqlite)
    [ "$(head -c 15 "$FROM")" = "SQLite format 3" ] || die "$FROM is not a SQLite database"
    mkdir -p "$DATA_DIR"
    # A serving silo holds an exclusive flock(2) on DIR/warmte.lock (DataDirLock) for its whole life.
    # Take the same lock and keep it until the restore is done: a running silo is refused here, and a
    # silo started meanwhile is refused by its own lock check. fd 9 stays open until the script exits.
    command -v flock >/dev/null 2>&1 || die "the flock program (util-linux) is needed to check that no silo uses $DATA_DIR; nothing was restored"
    exec 9<>"$DATA_DIR/warmte.lock" || die "cannot open $DATA_DIR/warmte.lock; nothing was restored"
    if ! flock -n 9; then
      die "$(cd "$DATA_DIR" && pwd) is in use by a running Warmte.Silo (it holds warmte.lock there); nothing was restored. Stop that silo first, then run this again."
    fi
    if [ -e "$DATA_DIR/warmtenet.db" ]; then
      aside="$DATA_DIR/before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
      mkdir -p "$aside"
      for f in warmtenet.db warmtenet.db-wal warmtenet.db-shm; do [ -e "$DATA_DIR/$f" ] && mv "$DATA_DIR/$f" "$aside/"; done
      echo "current database moved to $aside"
    fi
    cp "$FROM" "$DATA_DIR/warmtenet.db"
    echo "restored $FROM into $DATA_DIR/warmtenet.db; start the silo again"
    ;;
  postgres)
    # shellcheck source=scripts/pg-tools.sh
    . "$REPO/scripts/pg-tools.sh"
    PG_BIN="$(pg_bin)" || exit 1
    if [ -n "$CLUSTER_DIR" ]; then
      # shellcheck source=/dev/null
      . "$CLUSTER_DIR/cluster.env" || die "no cluster.env in $CLUSTER_DIR"
      PG="host=127.0.0.1 port=$PG_PORT user=postgres dbname=warmtenet"
    fi
    [ -n "$PG" ] || die "give --pg CONNINFO (or WARMTE_PG) or --dir CLUSTERDIR"
    # A silo is running when its membership row is Active (3) and its heartbeat (IAmAliveTime, written
    # every 10 s) is less than a minute old. A silo killed without shutting down leaves an Active row
    # whose heartbeat stops: that one does not block the restore (nothing of it runs any more).
    has_table="$("$PG_BIN/psql" -X -At -v ON_ERROR_STOP=1 -d "$PG" -c "SELECT to_regclass('orleansmembershiptable') IS NOT NULL")" \
      || die "cannot read the membership table of '$PG'; nothing was restored"
    if [ "$has_table" = t ]; then
      running="$("$PG_BIN/psql" -X -At -v ON_ERROR_STOP=1 -d "$PG" -c "SELECT string_agg(format('%s:%s on %s', address, port, hostname), ', ' ORDER BY address, port) FROM orleansmembershiptable WHERE status = 3 AND iamalivetime > now() - interval '60 seconds'")" \
        || die "cannot read the membership table of '$PG'; nothing was restored"
      if [ -n "$running" ]; then
        die "silos are running on '$PG': $running (Active in orleansmembershiptable, heartbeat within the last minute); nothing was restored. Stop all silos first (scripts/cluster.sh stop), then run this again."
      fi
    fi
    "$PG_BIN/pg_restore" --clean --if-exists --no-owner --single-transaction --exit-on-error -d "$PG" "$FROM"
    echo "restored $FROM into '$PG'; start the silos again"
    ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
