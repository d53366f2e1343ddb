#!/usr/bin/env bash
# Back up Warmtenet's data while the service runs. See docs/operations.md.
#
#   scripts/backup.sh sqlite   --to FILE [--data-dir DIR]          # embedded mode: DIR/warmtenet.db (default ./data)
#   scripts/backup.sh postgres --to FILE [--dir CLUSTERDIR | --pg CONNINFO]
#
# SQLite: the silo's own `backup` command (SQLite's VACUUM INTO through Microsoft.Data.Sqlite), so
# the machine needs no sqlite3 program; the copy is consistent although the silo keeps writing.
# PostgreSQL: pg_dump -Fc of the database, without the rows of Orleans' membership tables (which
# silos are alive is runtime state; a restored cluster starts with an empty membership). CONNINFO is
# a libpq connection string, e.g. "host=db port=5432 user=warmte dbname=warmtenet" (password in
# ~/.pgpass or PGPASSWORD); --dir reads the port of a cluster made by scripts/cluster.sh.
# The silo used for SQLite: WARMTE_SILO_DLL if set, else the newer of this checkout's Release and
# Debug builds (`dotnet run` makes Debug), else a Release build made first.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Backups hold members' names, addresses and ballots: readable by this user only (files 0600).
umask 077
die() { echo "backup.sh: $*" >&2; exit 1; }

usage() { sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
case "${1:-}" in -h|--help|help) usage; exit 0 ;; esac
MODE="${1:-}"; shift || true
TO=""; DATA_DIR=./data; CLUSTER_DIR=""; PG="${WARMTE_PG:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --to) TO="${2:?}"; shift 2 ;;
    --data-dir) DATA_DIR="${2:?}"; shift 2 ;;
    --dir) CLUSTER_DIR="${2:?}"; shift 2 ;;
    --pg) PG="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (scripts/backup.sh --help)" ;;
  esac
done
[ -n "$TO" ] || die "--to FILE is required"
[ ! -e "$TO" ] || die "$TO exists already; choose a new file name"

case "$MODE" in
  sqlite)
    if [ -n "${WARMTE_SILO_DLL:-}" ]; then
      DLL="$WARMTE_SILO_DLL"
      [ -f "$DLL" ] || die "WARMTE_SILO_DLL=$DLL does not exist"
    else
      release="$REPO/src/Warmte.Silo/bin/Release/net10.0/Warmte.Silo.dll"
      debug="$REPO/src/Warmte.Silo/bin/Debug/net10.0/Warmte.Silo.dll"
      if [ -f "$release" ] && [ -f "$debug" ]; then
        if [ "$debug" -nt "$release" ]; then DLL="$debug"; else DLL="$release"; fi
      elif [ -f "$release" ]; then DLL="$release"
      elif [ -f "$debug" ]; then DLL="$debug"
      else
        echo "backup.sh: no build of the silo found; building it (dotnet build -c Release src/Warmte.Silo) ..." >&2
        dotnet build -c Release "$REPO/src/Warmte.Silo" -nologo -v q >&2 || die "the build failed; see the output above"
        DLL="$release"
      fi
    fi
    dotnet "$DLL" backup --data-dir "$DATA_DIR" --to "$TO"
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
    "$PG_BIN/pg_dump" -Fc --no-owner --exclude-table-data='orleansmembership*' -f "$TO" -d "$PG"
    echo "pg_dump of '$PG' written to $TO ($(stat -c %s "$TO") bytes)"
    ;;
  *) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
