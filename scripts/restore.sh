#!/usr/bin/env bash
# Put a backup made by scripts/backup.sh back. STOP THE SILOS FIRST: a running silo keeps grain
# state in memory and would write it over the restored data. See docs/operations.md.
#
#   scripts/restore.sh sqlite   --from FILE [--data-dir DIR]
#   scripts/restore.sh postgres --from FILE [--dir CLUSTERDIR | --pg CONNINFO]
#
# SQLite: the current DIR/warmtenet.db (with its -wal/-shm files) is moved aside to
# DIR/before-restore-<time>/, then the backup is copied in. PostgreSQL: pg_restore --clean
# --if-exists in one transaction into the existing database (all or nothing).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
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
    "$PG_BIN/pg_restore" --clean --if-exists --no-owner --single-transaction --exit-on-error -d "$PG" "$FROM"
    echo "restored $FROM into '$PG'; start the silos again"
    ;;
  *) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
