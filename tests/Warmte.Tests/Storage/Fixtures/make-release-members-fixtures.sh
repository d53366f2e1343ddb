#!/usr/bin/env bash
# Makes the release-ba5f89c-members fixtures: a SQLite file and a plain pg_dump written by the
# silo of release ba5f89c (members in Orleans grain storage, consent answers inside the consent
# journal snapshot) through --demo and the HTTP API. Run once, from a worktree at ba5f89c, after
# `dotnet build src/Warmte.Silo`. Usage: make-release-members-fixtures.sh OUT-DIR [silo-dll]
set -euo pipefail
OUT=$(cd "$1" && pwd)
DLL=${2:-src/Warmte.Silo/bin/Debug/net10.0/Warmte.Silo.dll}
WORK=$(mktemp -d /tmp/warmte-relfixture.XXXXXX)
chmod 755 "$WORK"
TOKEN=fixture-admin-token-0123456789abcdef0123456789
PORT=5793
URL=http://127.0.0.1:$PORT
H="Authorization: Bearer $TOKEN"; J="Content-Type: application/json"

start_silo() { # extra args...
  dotnet "$DLL" --urls "$URL" --Auth:BootstrapAdminToken "$TOKEN" --Orleans:SiloPort 11793 --Orleans:GatewayPort 30793 \
    --demo "$@" >"$WORK/silo.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 240); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  # the demo loads after start-up: wait until its consent answers are there
  for _ in $(seq 1 240); do
    curl -sf -H "$H" "$URL/api/projects/wg-terrein/consent" 2>/dev/null | grep -q stadgenoot-b && break; sleep 1
  done
  sleep 5
}

req() { # method path body
  curl -s -o /dev/null -w "%{http_code} $1 $2\n" -X "$1" "$URL$2" -H "$H" -H "$J" -d "$3"
}

write_data() {
  local c=/api/cooperatives/ketelhuiswg/members
  # a member moves and changes name (two register changes), one leaves (a former member)
  req PUT $c/KWG-0002 '{"name":"Lid 2 verhuisd (fictief)","category":"huurder","postcode":"1054 ZZ","huisnummer":7,"huisletter":"B","joinedOn":"2019-12-25","eligibleToVote":true}'
  req PUT $c/KWG-0003 '{"name":"Lid 3 (fictief)","category":"huurder","postcode":"1054 DK","huisnummer":4,"joinedOn":"2020-01-01","leftOn":"2024-06-30","eligibleToVote":true}'
  req POST $c '{"members":[{"number":"KWG-0151","name":"Nieuw lid 151 (fictief)","category":"bedrijf","woningequivalenten":2.5,"postcode":"1054 AA","huisnummer":151,"toevoeging":"H","joinedOn":"2025-02-01"}]}'
  # a tenant changes their mind, and a new answer with a letter and addition
  req POST /api/projects/wg-terrein/consent/complexes/stadgenoot-a/declarations '{"declarations":[{"postcode":"1054 XA","huisnummer":101,"response":"Akkoord","on":"2025-03-20"},{"postcode":"1054 XA","huisnummer":103,"huisletter":"A","toevoeging":"2","response":"Geweigerd","on":"2025-03-21"}]}'
}

# SQLite
start_silo --data-dir "$WORK/sqlite"
write_data
kill "$SILO"; wait "$SILO" || true
sqlite3 "$WORK/sqlite/warmtenet.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
cp "$WORK/sqlite/warmtenet.db" "$OUT/release-ba5f89c-members.sqlite.db"

# PostgreSQL (throwaway server)
chown postgres "$WORK"
PGPORT=5794
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --no-sync >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p $PGPORT -U postgres -c "CREATE DATABASE warmtenet" >/dev/null
start_silo --data-dir "$WORK/pgdata" --Storage:Provider PostgreSQL \
  --Storage:ConnectionString "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=warmtenet"
write_data
kill "$SILO"; wait "$SILO" || true
"$PGBIN/pg_dump" -h 127.0.0.1 -p $PGPORT -U postgres --no-owner --no-privileges warmtenet >"$OUT/release-ba5f89c-members.postgresql.sql"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null
rm -rf "$WORK"
ls -l "$OUT"
