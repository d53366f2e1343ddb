#!/usr/bin/env bash
# Makes the current-release business-case fixtures: a SQLite file and a plain pg_dump written by the
# silo of release ba5f89c (the last release that kept business-case versions inside one Orleans
# grain-storage row) through its HTTP API: the demo, then more versions of wg-terrein's and
# zonnedak-sporthal's business cases (models varied so every version has its own KPIs), and two
# saves refused (invalid model, nothing stored). Run once, from the repository root, after
#   git worktree add /tmp/rel-bc ba5f89c && (cd /tmp/rel-bc && dotnet build src/Warmte.Silo)
# Usage: tests/Warmte.Tests/Storage/Fixtures/make-release-fixtures.sh [silo-dll]
set -euo pipefail
DLL=${1:-/tmp/rel-bc/src/Warmte.Silo/bin/Debug/net10.0/Warmte.Silo.dll}
OUT=$(cd "$(dirname "$0")" && pwd)
MODELS=$(cd "$OUT/../../../../models" && pwd)
WORK=$(mktemp -d /tmp/warmte-fixture.XXXXXX)
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
  # the demo loads after start-up: wait until zonnedak's business case (saved late in the demo) is there
  for _ in $(seq 1 240); do curl -sf -H "$H" "$URL/api/projects/zonnedak-sporthal/business-cases" | grep -q '"version"' && break; sleep 1; done
  sleep 5
}

# A model file with one figure changed, as the body of a save.
body() { # model-file discount-rate note
  python3 - "$MODELS/$1" "$2" "$3" <<'PY'
import json, sys
model = json.load(open(sys.argv[1]))
model["discountRate"] = float(sys.argv[2])
print(json.dumps({"note": sys.argv[3], "model": model}))
PY
}

write_data() {
  for i in $(seq 2 9); do
    curl -s -o /dev/null -w "%{http_code} wg-terrein v$i\n" -X POST "$URL/api/projects/wg-terrein/business-cases" -H "$H" -H "$J" \
      -d "$(body ketelhuiswg.json "0.0$(( i % 5 + 2 ))$i" "Variant $i: discontovoet aangepast")"
  done
  for i in 2 3; do
    curl -s -o /dev/null -w "%{http_code} zonnedak v$i\n" -X POST "$URL/api/projects/zonnedak-sporthal/business-cases" -H "$H" -H "$J" \
      -d "$(body zonnedak-sporthal.json "0.0$i" "Zonnedak variant $i")"
  done
  # refused: nothing stored
  curl -s -o /dev/null -w "%{http_code} refused\n" -X POST "$URL/api/projects/wg-terrein/business-cases" -H "$H" -H "$J" -d '{"note":"leeg","model":{}}'
  curl -s -o /dev/null -w "%{http_code} refused\n" -X POST "$URL/api/projects/wg-terrein/business-cases" -H "$H" -H "$J" -d '{"note":"geen model"}'
}

# SQLite
start_silo --data-dir "$WORK/sqlite"
write_data
kill "$SILO"; wait "$SILO" || true
sqlite3 "$WORK/sqlite/warmtenet.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
cp "$WORK/sqlite/warmtenet.db" "$OUT/release-ba5f89c-businesscase.sqlite.db"

# PostgreSQL (throwaway server)
chown postgres "$WORK"
PGPORT=5794
runuser -u postgres -- initdb -D "$WORK/pg" -A trust -U postgres -E UTF8 --no-sync >/dev/null
runuser -u postgres -- pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p $PGPORT -U postgres -c "CREATE DATABASE warmtenet" >/dev/null
start_silo --data-dir "$WORK/pgdata" --Storage:Provider PostgreSQL \
  --Storage:ConnectionString "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=warmtenet"
write_data
kill "$SILO"; wait "$SILO" || true
pg_dump -h 127.0.0.1 -p $PGPORT -U postgres --no-owner --no-privileges warmtenet >"$OUT/release-ba5f89c-businesscase.postgresql.sql"
runuser -u postgres -- pg_ctl -D "$WORK/pg" -m fast -w stop >/dev/null
rm -rf "$WORK"
ls -l "$OUT"
