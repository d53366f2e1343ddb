#!/usr/bin/env bash
# Makes the pre-journal fixtures (release before the journal tables): a SQLite file and a plain
# pg_dump, both written by the silo of that release through its HTTP API. Run once, from the
# repository root, at the commit before the journal (b0a3259), after `dotnet build src/Warmte.Silo`.
# Usage: tests/Warmte.Tests/Storage/Fixtures/make-fixtures.sh [silo-dll]
set -euo pipefail
DLL=${1:-src/Warmte.Silo/bin/Debug/net10.0/Warmte.Silo.dll}
OUT=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/warmte-fixture.XXXXXX)
chmod 755 "$WORK"
TOKEN=fixture-admin-token-0123456789abcdef0123456789
PORT=5791
URL=http://127.0.0.1:$PORT
H="Authorization: Bearer $TOKEN"; J="Content-Type: application/json"

start_silo() { # extra args...
  dotnet "$DLL" --urls "$URL" --Auth:BootstrapAdminToken "$TOKEN" --Orleans:SiloPort 11791 --Orleans:GatewayPort 30791 \
    --demo "$@" >"$WORK/silo.log" 2>&1 &
  SILO=$!
  for _ in $(seq 1 240); do curl -sf "$URL/health" >/dev/null && break; sleep 1; done
  # the demo loads after start-up: wait until its cash plan is there
  for _ in $(seq 1 240); do curl -sf -H "$H" "$URL/api/projects/wg-terrein/cashflow-plan" >/dev/null && break; sleep 1; done
  sleep 5
}

post() { # path body [idempotency-key]
  local extra=()
  [ -n "${3:-}" ] && extra=(-H "Idempotency-Key: $3")
  curl -s -o /dev/null -w "%{http_code} $1\n" -X "${METHOD:-POST}" "$URL$1" -H "$H" -H "$J" "${extra[@]}" -d "$2"
}

write_data() {
  local p=/api/projects/wg-terrein
  # 40 bookings over 2025, most with an idempotency key, odd cents
  for i in $(seq 1 40); do
    m=$(printf "2025-%02d" $(( (i % 12) + 1 )))
    kinds=(Design BusinessCase Contracts Communication Organisation Advisers)
    k=${kinds[$(( i % 6 ))]}
    amount="$(( 100 + i * 37 )).$(printf %02d $(( (i * 7) % 100 )))"
    key=""; [ $(( i % 4 )) -ne 0 ] && key="fixture-booking-$i"
    post $p/spending "{\"month\":\"$m\",\"kind\":\"$k\",\"amount\":$amount,\"note\":\"fixture $i\"}" "$key"
  done
  # a retry of a booking (same key, same body): books nothing
  post $p/spending '{"month":"2025-02","kind":"BusinessCase","amount":137.07,"note":"fixture 1"}' fixture-booking-1
  # month totals (ids t-YYYY-MM-kind), one replaced
  METHOD=PUT post $p/spending/totals '{"totals":[{"month":"2026-01","kind":"Design","amount":2500.10},{"month":"2026-02","kind":"Advisers","amount":999.99,"note":"advies"}]}'
  METHOD=PUT post $p/spending/totals '{"totals":[{"month":"2026-02","kind":"Advisers","amount":1000.01,"note":"advies herzien"}]}'
  # progress reports
  METHOD=PUT post $p/progress '{"month":"2025-03","workMonthsDone":2,"stalled":false}'
  METHOD=PUT post $p/progress '{"month":"2025-09","workMonthsDone":5,"stalled":true}'
  # a second grant with tranche steps carrying idempotency keys, one retried, one remembered refusal
  post $p/grants '{"id":"fixture-grant","funder":"Gemeente Amsterdam","scheme":"Fixture-regeling","amountGranted":50000.50,"decidedOn":"2025-01-15","tranches":[{"amount":20000.25},{"amount":30000.25}]}' fixture-grant-create
  post $p/grants/fixture-grant/tranches/1/request '{"on":"2025-02-01"}' fixture-t1-request
  post $p/grants/fixture-grant/tranches/1/request '{"on":"2025-02-01"}' fixture-t1-request
  post $p/grants/fixture-grant/tranches/1/accounting '{"on":"2025-03-01","amount":18000.33,"periodFrom":"2025-01-15","periodTo":"2025-02-28","documents":["bonnen.pdf"]}' fixture-t1-accounting
  post $p/grants/fixture-grant/tranches/1/approve '{"on":"2025-04-01"}' fixture-t1-approve
  post $p/grants/fixture-grant/tranches/1/pay '{"on":"2025-04-15","amount":-5}' fixture-t1-pay-bad
  post $p/grants/fixture-grant/tranches/1/pay '{"on":"2025-04-20","amount":20000.25}' fixture-t1-pay
  # a booking on another project (no plan): bookings still count there
  post /api/projects/zonnedak-sporthal/spending '{"month":"2026-03","kind":"Organisation","amount":12.34}' fixture-other-1 || true
}

# SQLite
start_silo --data-dir "$WORK/sqlite"
write_data
kill "$SILO"; wait "$SILO" || true
sqlite3 "$WORK/sqlite/warmtenet.db" "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
cp "$WORK/sqlite/warmtenet.db" "$OUT/pre-journal.sqlite.db"

# PostgreSQL (throwaway server)
chown postgres "$WORK"
PGPORT=5792
runuser -u postgres -- initdb -D "$WORK/pg" -A trust -U postgres -E UTF8 --no-sync >/dev/null
runuser -u postgres -- pg_ctl -D "$WORK/pg" -l "$WORK/pg.log" -w -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p $PGPORT -U postgres -c "CREATE DATABASE warmtenet" >/dev/null
start_silo --data-dir "$WORK/pgdata" --Storage:Provider PostgreSQL \
  --Storage:ConnectionString "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=warmtenet"
write_data
kill "$SILO"; wait "$SILO" || true
pg_dump -h 127.0.0.1 -p $PGPORT -U postgres --no-owner --no-privileges warmtenet >"$OUT/pre-journal.postgresql.sql"
runuser -u postgres -- pg_ctl -D "$WORK/pg" -m fast -w stop >/dev/null
rm -rf "$WORK"
ls -l "$OUT"
