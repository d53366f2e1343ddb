#!/usr/bin/env bash
# Makes the release-ba5f89c ALV fixtures: a SQLite file and a plain pg_dump written by the silo of
# release ba5f89c (the last release that kept ballots, tallies and attendance inside the alv
# snapshot), through its HTTP API. Run once, as root, from the repository root of a worktree at
# ba5f89c after `dotnet build src/Warmte.Silo` (e.g. `git worktree add /tmp/rel ba5f89c`).
# Usage: make-release-alv-fixture.sh [silo-dll] [output-dir]
set -euo pipefail
DLL=${1:-src/Warmte.Silo/bin/Debug/net10.0/Warmte.Silo.dll}
OUT=${2:-$(cd "$(dirname "$0")" && pwd)}
WORK=$(mktemp -d /tmp/warmte-alv-fixture.XXXXXX)
chmod 755 "$WORK"
TOKEN=fixture-admin-token-0123456789abcdef0123456789
PORT=5793
URL=http://127.0.0.1:$PORT
H="Authorization: Bearer $TOKEN"; J="Content-Type: application/json"
C=/api/cooperatives/ketelhuiswg/alv

start_silo() { # extra args...
  dotnet "$DLL" --urls "$URL" --Auth:BootstrapAdminToken "$TOKEN" --Orleans:SiloPort 11793 --Orleans:GatewayPort 30793 \
    --demo "$@" >"$WORK/silo.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 240); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  # the demo loads after start-up: wait until its ALV is there
  for _ in $(seq 1 240); do curl -sf -H "$H" "$URL$C/meetings/alv-2024-12-14" >/dev/null && break; sleep 1; done
  sleep 3
}

post() { # path body
  curl -s -o /dev/null -w "%{http_code} $1\n" -X "${METHOD:-POST}" "$URL$1" -H "$H" -H "$J" -d "$2"
}

m() { printf "KWG-%04d" "$1"; } # member number; i % 15 == 0 may not vote (demo statutes)

write_data() {
  # Statutes: quorum 1/3 and two proxies per holder for tariff decisions, weighted statute changes.
  METHOD=PUT post $C/statutes '{"default":{"quorum":"1/3","maxProxiesPerAttendee":2},"overrides":[{"decisionType":"Statutenwijziging","majority":"2/3","majorityRule":"AtLeast","weighting":"PerWoningequivalent"}]}'
  post $C/meetings '{"id":"alv-2025-06-14","title":"ALV juni 2025","date":"2025-06-14","noticeDate":"2025-05-30","proposals":[{"id":"tarief","title":"Tarief 2026","decisionType":"Tariefbesluit"},{"id":"statuten","title":"Statutenwijziging","decisionType":"Statutenwijziging"},{"id":"overig","title":"Rondvraag-besluit","decisionType":"Overig"}]}'
  # Attendance: members 1..44 that may vote (41 members), in two calls.
  local list="" i
  for i in $(seq 1 22); do [ $((i % 15)) -ne 0 ] && list="$list\"$(m $i)\","; done
  post $C/meetings/alv-2025-06-14/attendance "{\"present\":[${list%,}]}"
  list=""; for i in $(seq 23 44); do [ $((i % 15)) -ne 0 ] && list="$list\"$(m $i)\","; done
  post $C/meetings/alv-2025-06-14/attendance "{\"present\":[${list%,}]}"
  # Ballots on tarief: 1..70 vote themselves (some not on the list), 71..80 by proxy of 1..5 (two each).
  local choices=(Voor Voor Tegen Voor Onthouding Voor Tegen)
  for i in $(seq 1 70); do
    [ $((i % 15)) -eq 0 ] && continue
    post $C/meetings/alv-2025-06-14/proposals/tarief/ballots "{\"memberNumber\":\"$(m $i)\",\"choice\":\"${choices[$((i % 7))]}\"}"
  done
  for i in $(seq 71 80); do
    [ $((i % 15)) -eq 0 ] && continue
    post $C/meetings/alv-2025-06-14/proposals/tarief/ballots "{\"memberNumber\":\"$(m $i)\",\"choice\":\"${choices[$((i % 5))]}\",\"proxyHolder\":\"$(m $(( (i - 71) / 2 + 1 )))\"}"
  done
  # A retry (same ballot) and a refused second ballot: nothing changes.
  post $C/meetings/alv-2025-06-14/proposals/tarief/ballots "{\"memberNumber\":\"$(m 1)\",\"choice\":\"${choices[1]}\"}"
  post $C/meetings/alv-2025-06-14/proposals/tarief/ballots "{\"memberNumber\":\"$(m 1)\",\"choice\":\"Tegen\"}"
  # The paper tally on statuten (weighted), with its own list and two proxies.
  list=""; for i in $(seq 1 40); do [ $((i % 15)) -ne 0 ] && list="$list\"$(m $i)\","; done
  METHOD=PUT post $C/meetings/alv-2025-06-14/proposals/statuten/tally "{\"for\":30,\"against\":6,\"abstain\":1,\"present\":[${list%,}],\"proxies\":[{\"member\":\"$(m 41)\",\"holder\":\"$(m 1)\"},{\"member\":\"$(m 42)\",\"holder\":\"$(m 2)\"}]}"
  # overig stays open with a few ballots.
  for i in 3 4 5 46 47; do
    post $C/meetings/alv-2025-06-14/proposals/overig/ballots "{\"memberNumber\":\"$(m $i)\",\"choice\":\"${choices[$((i % 7))]}\"}"
  done
  post $C/meetings/alv-2025-06-14/proposals/tarief/close '{}'
  post $C/meetings/alv-2025-06-14/proposals/statuten/close '{}'
}

# SQLite
start_silo --data-dir "$WORK/sqlite"
write_data
kill "$SILO"; wait "$SILO" || true
sqlite3 "$WORK/sqlite/warmtenet.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
cp "$WORK/sqlite/warmtenet.db" "$OUT/release-ba5f89c-alv.sqlite.db"

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
pg_dump -h 127.0.0.1 -p $PGPORT -U postgres --no-owner --no-privileges warmtenet >"$OUT/release-ba5f89c-alv.postgresql.sql"
runuser -u postgres -- pg_ctl -D "$WORK/pg" -m fast -w stop >/dev/null
rm -rf "$WORK"
ls -l "$OUT"
