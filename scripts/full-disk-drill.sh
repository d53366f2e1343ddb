#!/usr/bin/env bash
# Full-disk drill on PostgreSQL (docs/operations.md, "A full disk", "Drill: a really full disk under PostgreSQL"):
# a fresh PostgreSQL data directory on a small tmpfs, the silos of scripts/cluster.sh on it, the disk filled
# (a filler file to get close, then spending bookings through the API), and from outside what an operator and a
# board see: the answers, /health/ready, the silo logs, PostgreSQL's log, the membership table (do the silos stay
# Active, do their heartbeats go on), the reminders; then the filler deleted and everything must recover WITHOUT a
# restart, with the money reconciling to the cent (the sum of accepted bookings equals the project's total).
#
#   scripts/full-disk-drill.sh [--work DIR] [--size MB] [--headroom KB] [--pg-port P] [--http-base H]
#                              [--silo-base S] [--no-build] [--keep]
#
# Round 1: one silo. Round 2: a second silo joins (cluster mode) and the disk is filled again. Round 3: the disk filled
# to the last byte, then a checkpoint: what PostgreSQL itself does (it crashes and stays down), and the way back.
# Needs root and a system that allows `mount -t tmpfs` (not CI: that is why this is a drill and not a test; the
# tests cover the same answers on SQLite without a mount, Operations/StorageFullTests), curl and jq.
# Prints "check ok:" / "CHECK FAILED:" lines and "observed:" lines; exits 1 when a check failed, 2 when it
# cannot run here. Unmounts and removes everything it made (--keep: keeps the work folder's logs, not the mount).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WARMTE_SILO_DLL="${WARMTE_SILO_DLL:-$REPO/src/Warmte.Silo/bin/Release/net10.0/Warmte.Silo.dll}"
WORK=""; SIZE=96; HEADROOM=1536; PG_PORT=55497; HTTP=5191; SILO=11191; BUILD=1; KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="${2:?}"; shift 2 ;;
    --size) SIZE="${2:?}"; shift 2 ;;
    --headroom) HEADROOM="${2:?}"; shift 2 ;;
    --pg-port) PG_PORT="${2:?}"; shift 2 ;;
    --http-base) HTTP="${2:?}"; shift 2 ;;
    --silo-base) SILO="${2:?}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "full-disk-drill.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
for n in "$SIZE" "$HEADROOM" "$PG_PORT" "$HTTP" "$SILO"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "full-disk-drill.sh: sizes and ports must be numbers" >&2; exit 2; }
done
cannot() { echo "full-disk-drill.sh: cannot run here: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || cannot "it mounts a tmpfs, which needs root"
for tool in curl jq mount umount df dd; do command -v "$tool" >/dev/null 2>&1 || cannot "'$tool' is missing"; done
# shellcheck source=scripts/pg-tools.sh
. "$REPO/scripts/pg-tools.sh"
PG_BIN="$(pg_bin)" || exit 2

WORK="${WORK:-$(mktemp -d /tmp/warmte-fulldisk-XXXXXX)}"
mkdir -p "$WORK"; WORK="$(cd "$WORK" && pwd)"
CL="$WORK/cluster"; DISK="$CL/pg"; FILLER="$DISK/drill-filler"
mkdir -p "$DISK"
chmod 755 "$WORK" "$CL"   # PostgreSQL runs as another user and must reach its data directory
TOKEN="wt_drill-$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
MOUNTED=0; FAILED=0

cleanup() {
  set +e
  [ -f "$CL/cluster.env" ] && "$REPO/scripts/cluster.sh" stop --dir "$CL" >/dev/null 2>&1
  if [ "$MOUNTED" = 1 ]; then
    # A PostgreSQL left running (a crash the stop did not see) holds the mount: stop it by its own pid file.
    if [ -f "$DISK/postmaster.pid" ]; then
      local pid; pid="$(head -n 1 "$DISK/postmaster.pid" 2>/dev/null)"
      [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && sleep 3
    fi
    umount "$DISK" 2>/dev/null || { sleep 2; umount "$DISK"; } || echo "full-disk-drill.sh: could not unmount $DISK; unmount it by hand" >&2
  fi
  if [ "$KEEP" = 1 ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

mount -t tmpfs -o "size=${SIZE}m,mode=700" warmte-drill "$DISK" 2>"$WORK/mount.err" \
  || cannot "mount -t tmpfs failed ($(cat "$WORK/mount.err")); run the drill on a machine or VM where root may mount"
MOUNTED=1

if [ "$BUILD" = 1 ]; then (cd "$REPO" && dotnet build -c Release src/Warmte.Silo -nologo -v q >/dev/null) || { echo "build failed" >&2; exit 1; }; fi

say() { echo "== $*"; }
observed() { echo "observed: $*"; }
check() { # check DESCRIPTION COMMAND...: a drill check, reported, never stopping the drill
  local what="$1"; shift
  if "$@"; then echo "check ok: $what"; else echo "CHECK FAILED: $what"; FAILED=1; fi
}
url() { echo "http://127.0.0.1:$((HTTP + $1 - 1))"; }

# call SILO METHOD PATH [JSON] [IDEMPOTENCY-KEY]: sets STATUS, BODY (and HEADERS)
call() {
  local silo="$1" method="$2" path="$3" json="${4:-}" key="${5:-}"
  local args=(-sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN" --max-time 60)
  [ -n "$json" ] && args+=(-H 'Content-Type: application/json' -d "$json")
  [ -n "$key" ] && args+=(-H "Idempotency-Key: $key")
  STATUS="$(curl "${args[@]}" "$(url "$silo")/$path" 2>>"$WORK/curl.err" || true)"
  BODY="$(cat "$WORK/body" 2>/dev/null || true)"; HEADERS="$(cat "$WORK/headers" 2>/dev/null || true)"
}
# probe SILO PATH: as a load balancer or an operator's curl asks, without a token; sets STATUS, BODY
probe() {
  STATUS="$(curl -sS -o "$WORK/body" -w '%{http_code}' --max-time 20 "$(url "$1")/$2" 2>>"$WORK/curl.err" || true)"
  BODY="$(cat "$WORK/body" 2>/dev/null || true)"
}
code_of() { jq -r '.code // .type // empty' <<<"$BODY" 2>/dev/null || true; }
sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d warmtenet -tAXc "$1" 2>>"$WORK/psql.err"; }
# A PostgreSQL on a full disk may refuse every NEW connection ("could not write init file"): the drill keeps one session
# open from before the disk fills and asks the membership and reminder tables through it (watch_sql QUERY).
start_watch() {
  coproc WATCH { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d warmtenet -tAXq 2>&1; }
  exec 7>&"${WATCH[1]}" 8<&"${WATCH[0]}"
}
watch_sql() {
  local line out=""
  printf '%s;\n\\echo __end__\n' "$1" >&7 2>/dev/null || { echo "?"; return; }
  while IFS= read -r -t 20 line <&8; do [ "$line" = __end__ ] && break; out+="${out:+;}$line"; done
  echo "$out"
}
avail_kb() { df --output=avail -k "$DISK" | tail -n 1 | tr -d ' '; }
pg_up() { "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d warmtenet -q; }
silo_alive() { local p; p="$(cat "$CL/silo-$1.pid" 2>/dev/null)" && kill -0 "$p" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f1)" != Z ]; }
log_count() { grep -c -- "$2" "$CL/silo-$1.log" 2>/dev/null || true; }

PROJECT=vol-project
NOTE="$(printf 'Factuur adviesbureau, vol-schijf-oefening. %.0s' $(seq 1 12))"; NOTE="${NOTE:0:500}"
ACCEPTED_CENTS=0; ACCEPTED_COUNT=0; SEQ=0
declare -a REFUSED_KEYS=() REFUSED_AMOUNTS=()

# book SILO: one booking with a fresh key and an amount with cents; counts it when accepted (201).
book() {
  SEQ=$((SEQ + 1))
  local cents=$(( (SEQ * 7919) % 99900 + 101 ))
  LAST_KEY="drill-$SEQ"; LAST_CENTS=$cents
  call "$1" POST "api/projects/$PROJECT/spending" \
    "{\"month\":\"2026-11\",\"kind\":\"Advisers\",\"amount\":$((cents / 100)).$(printf '%02d' $((cents % 100))),\"note\":\"$NOTE\"}" "$LAST_KEY"
  if [ "$STATUS" = 201 ]; then ACCEPTED_CENTS=$((ACCEPTED_CENTS + cents)); ACCEPTED_COUNT=$((ACCEPTED_COUNT + 1)); fi
}

# fill_and_book ROUND SILOS...: the filler up to HEADROOM KB free, then bookings (round robin over the silos) until
# 25 refusals in a row; every answer tallied by status and problem code.
fill_and_book() {
  local round="$1"; shift
  local silos=("$@") free mb
  free="$(avail_kb)"; mb=$(( (free - HEADROOM) / 1024 ))
  [ "$mb" -gt 0 ] && dd if=/dev/zero of="$FILLER" bs=1M count="$mb" status=none 2>/dev/null || true
  observed "round $round: PostgreSQL's relation-cache files before filling: $(ls "$DISK"/global/pg_internal.init "$DISK"/base/*/pg_internal.init 2>/dev/null | sed "s|$DISK/||" | tr '\n' ' ')"
  observed "round $round: filler of $(( $(stat -c %s "$FILLER") / 1048576 )) MB written, $(avail_kb) KB left on the tmpfs of $SIZE MB"
  declare -gA TALLY=(); REFUSED_KEYS=(); REFUSED_AMOUNTS=()
  local inarow=0 i=0 first_refusal="" key
  FIRST_REFUSED_BODY=""; FIRST_REFUSED_HEADERS=""
  while [ "$inarow" -lt 25 ] && [ "$i" -lt 20000 ]; do
    book "${silos[$((i % ${#silos[@]}))]}"; i=$((i + 1))
    key="$STATUS $(code_of)"; TALLY[$key]=$(( ${TALLY[$key]:-0} + 1 ))
    if [ "$STATUS" = 201 ]; then inarow=0; continue; fi
    inarow=$((inarow + 1))
    [ -z "$first_refusal" ] && { first_refusal=$i; FIRST_REFUSED_BODY="$BODY"; FIRST_REFUSED_HEADERS="$HEADERS"; }
    REFUSED_KEYS+=("$LAST_KEY"); REFUSED_AMOUNTS+=("$LAST_CENTS")
  done
  observed "round $round: $i bookings sent, first refusal at booking $first_refusal; answers: $(for k in "${!TALLY[@]}"; do printf '[%s]=%s ' "$k" "${TALLY[$k]}"; done)"
}

# Refused bookings are 503 storage-full; 503 unavailable only once PostgreSQL crashed (a checkpoint on the full disk).
refusals_are_storage_full() {
  local k; for k in "${!TALLY[@]}"; do
    case "$k" in "201 "*|"503 storage-full") ;; "503 unavailable") grep -q PANIC "$CL/postgres.log" || return 1 ;; *) return 1 ;; esac
  done
  [ "${TALLY[503 storage-full]:-0}" -gt 0 ]
}

heartbeats() { watch_sql "SELECT port || ' status ' || status || ' heartbeat ' || to_char(iamalivetime, 'HH24:MI:SS') FROM orleansmembershiptable WHERE status = 3 ORDER BY port"; }
active_count() { watch_sql "SELECT count(*) FROM orleansmembershiptable WHERE status = 3"; }
oldest_heartbeat_age() { watch_sql "SELECT coalesce(extract(epoch FROM now() at time zone 'utc' - min(iamalivetime))::int, -1) FROM orleansmembershiptable WHERE status = 3"; }

# observe_full ROUND SILOS...: what an operator and a board see while the disk is full.
observe_full() {
  local round="$1"; shift
  local s
  check "round $round: refused bookings are 503 storage-full (503 unavailable once PostgreSQL crashed), nothing else (no 500)" refusals_are_storage_full
  BODY="$FIRST_REFUSED_BODY"
  check "round $round: the refusal is Dutch: title 'Opslag vol', 'er is niets bewaard'" \
    bash -c '[ "$(jq -r .title <<<"$1")" = "Opslag vol" ] && jq -r .detail <<<"$1" | grep -q "er is niets bewaard"' _ "$BODY"
  check "round $round: the refusal says Retry-After: 60" grep -qi '^retry-after: 60' <<<"$FIRST_REFUSED_HEADERS"
  for s in "$@"; do
    probe "$s" health/ready
    observed "round $round silo $s: /health/ready $STATUS $(jq -r '.detail // empty' <<<"$BODY" 2>/dev/null | head -c 200)"
    if pg_up; then
      check "round $round silo $s: /health/ready 503 with 'database vol'" bash -c '[ "$1" = 503 ] && grep -q "database vol" <<<"$2"' _ "$STATUS" "$BODY"
    else
      check "round $round silo $s: /health/ready 503 (PostgreSQL is down: 'database onbereikbaar')" bash -c '[ "$1" = 503 ] && grep -q "database onbereikbaar" <<<"$2"' _ "$STATUS" "$BODY"
    fi
    call "$s" GET "api/projects/$PROJECT/cash-position"
    observed "round $round silo $s: a board's read (cash-position) answers $STATUS $(code_of)"
    check "round $round silo $s: a read answers 200, or 503 storage-full where PostgreSQL refuses a new connection, or 503 unavailable while it is down (never 500)" \
      bash -c '[ "$1" = 200 ] || { [ "$1" = 503 ] && { [ "$2" = storage-full ] || { [ "$2" = unavailable ] && ! "$3" -q -h 127.0.0.1 -p "$4" -U postgres; }; }; }' _ "$STATUS" "$(code_of)" "$PG_BIN/pg_isready" "$PG_PORT"
  done
  if pg_up; then observed "round $round: PostgreSQL answers (pg_isready)"; else observed "round $round: PostgreSQL does NOT answer"; fi
  observed "round $round: PostgreSQL log so far: $(grep -cE 'could not (extend|write) (file|block)|No space left' "$CL/postgres.log" || true) refused writes, $(grep -c 'could not write init file' "$CL/postgres.log" || true) connections refused ('could not write init file'), $(grep -c 'PANIC' "$CL/postgres.log" || true) PANIC lines"
  observed "round $round: membership (Active rows) now: $(heartbeats)"
  say "round $round: waiting 40 s with the disk full (heartbeats, probes, the alert sweep's reminders)"
  sleep 40
  observed "round $round: membership (Active rows) 40 s later: $(heartbeats) (oldest Active heartbeat $(oldest_heartbeat_age) s old)"
  for s in "$@"; do
    check "round $round silo $s: the process stays up with the disk full" silo_alive "$s"
    probe "$s" health
    check "round $round silo $s: /health 200 with the disk full" [ "$STATUS" = 200 ]
    probe "$s" health/ready
    check "round $round silo $s: Active in its own view of the cluster (ready's 'silo ok')" grep -qE 'silo ok|"silo":"ok"' <<<"$BODY"
    call "$s" GET api/status
    observed "round $round silo $s: /api/status $STATUS, activeSilos $(jq -r '.activeSilos // empty' <<<"$BODY" 2>/dev/null)"
    observed "round $round silo $s log: $(log_count "$s" 'Storage full:') 'Storage full' warnings, $(grep -cE '^(fail|crit):' "$CL/silo-$s.log" || true) fail/crit entries in the whole log"
  done
  if pg_up; then check "round $round: every silo still Active in the membership table" [ "$(active_count)" = "$#" ]
  else observed "round $round: PostgreSQL is down (crashed on the full disk: $(grep -m1 PANIC "$CL/postgres.log" | cut -c1-160)); the membership table cannot be read"; fi
  observed "round $round: reminders rows $(watch_sql 'SELECT count(*) FROM orleansreminderstable'), alert due rows $(watch_sql 'SELECT count(*) FROM warmte_alert_due')"
}

# ensure_postgres ROUND: after the space is freed. PostgreSQL that crashed on the full disk (a checkpoint's PANIC) and
# could not finish its recovery stays down: started by hand as an operator would (cluster.sh start = pg_ctl start; the
# running silos are left alone). The watch session is opened again when it died with the server.
ensure_postgres() {
  local round="$1"
  for _ in $(seq 1 15); do pg_up && break; sleep 1; done
  if pg_up; then
    observed "round $round: PostgreSQL answers after the space was freed"
  else
    observed "round $round: PostgreSQL is down and did not come back by itself when space was freed; its log ends: $(grep -vE 'STATEMENT|could not write init file' "$CL/postgres.log" | tail -n 5 | cut -c1-170 | tr '\n' '|')"
    WARMTE_ADMIN_TOKEN="$TOKEN" "$REPO/scripts/cluster.sh" start --silos "$2" --dir "$CL" --pg-port "$PG_PORT" \
      --http-base "$HTTP" --silo-base "$SILO" --no-build >>"$WORK/cluster-start.log" 2>&1 || true
    check "round $round: PostgreSQL starts again by hand once there is room (pg_ctl start)" pg_up
    observed "round $round: PostgreSQL's log after that start: $(grep -E 'database system (was|is)|redo (starts|done)|checkpoint complete' "$CL/postgres.log" | tail -n 4 | cut -c1-150 | tr '\n' '|')"
  fi
  [ "$(watch_sql 'SELECT 1')" = 1 ] || start_watch
}

# recover ROUND SILOS...: delete the filler; the next write must be taken without a restart; refused keys retried.
recover() {
  local round="$1"; shift
  local s t ok=0 k
  rm -f "$FILLER" "$FILLER.small"
  observed "round $round: filler deleted, $(avail_kb) KB free"
  ensure_postgres "$round" "$#"
  for t in $(seq 1 90); do
    book "$1"; [ "$STATUS" = 201 ] && { ok=1; break; }; sleep 1
  done
  check "round $round: a booking is taken again without a restart (after ${t} s)" [ "$ok" = 1 ]
  # The refused bookings retried with their own keys: each is booked now, once.
  local retried=0 taken=0
  for k in "${!REFUSED_KEYS[@]}"; do
    local cents="${REFUSED_AMOUNTS[$k]}"
    call "$(( (k % $#) + 1 ))" POST "api/projects/$PROJECT/spending" \
      "{\"month\":\"2026-11\",\"kind\":\"Advisers\",\"amount\":$((cents / 100)).$(printf '%02d' $((cents % 100))),\"note\":\"$NOTE\"}" "${REFUSED_KEYS[$k]}"
    retried=$((retried + 1))
    if [ "$STATUS" = 201 ]; then taken=$((taken + 1)); ACCEPTED_CENTS=$((ACCEPTED_CENTS + cents)); ACCEPTED_COUNT=$((ACCEPTED_COUNT + 1)); fi
  done
  check "round $round: every refused booking retried with its Idempotency-Key is taken ($taken of $retried)" [ "$taken" = "$retried" ]
  if [ "$retried" -gt 0 ]; then
    # The same key once more: answered with the first answer, booked once (not counted again).
    local cents="${REFUSED_AMOUNTS[0]}"
    call 1 POST "api/projects/$PROJECT/spending" \
      "{\"month\":\"2026-11\",\"kind\":\"Advisers\",\"amount\":$((cents / 100)).$(printf '%02d' $((cents % 100))),\"note\":\"$NOTE\"}" "${REFUSED_KEYS[0]}"
    check "round $round: the same key again answers 201 and books nothing twice" [ "$STATUS" = 201 ]
  fi
  for s in "$@"; do
    local ready=0
    for t in $(seq 1 60); do probe "$s" health/ready; [ "$STATUS" = 200 ] && { ready=1; break; }; sleep 1; done
    check "round $round silo $s: /health/ready 200 again without a restart" [ "$ready" = 1 ]
  done
  sleep 11   # StorageSpace.Settle: the episode ends at the first write 10 s after the last refusal
  for s in "$@"; do book "$s"; done
  for s in "$@"; do
    if [ "$(log_count "$s" 'Storage full:')" -gt 0 ]; then
      check "round $round silo $s: the log says 'Storage has room again' after its 'Storage full'" \
        [ "$(log_count "$s" 'Storage has room again')" -ge "$(log_count "$s" 'Storage full:')" ]
    fi
  done
  # The heartbeats (IAmAliveTime, every 10 s) must go on again: restore.sh and a joining silo read them.
  local age=-1
  for t in $(seq 1 90); do age="$(oldest_heartbeat_age)"; [[ "$age" =~ ^[0-9]+$ ]] && [ "$age" -lt 25 ] && break; sleep 1; done
  observed "round $round: membership after recovery: $(heartbeats) (oldest Active heartbeat $age s old, after waiting $t s)"
  check "round $round: every silo's heartbeat is written again (oldest under 25 s)" bash -c '[[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -lt 25 ]' _ "$age"
  check "round $round: all $# silo(s) Active after recovery" [ "$(active_count)" = "$#" ]
}

reconcile() {
  local round="$1" euros
  euros="$((ACCEPTED_CENTS / 100)).$(printf '%02d' $((ACCEPTED_CENTS % 100)))"
  call 1 GET "api/projects/$PROJECT/cash-position"
  local spent; spent="$(jq -r '.totalSpent' <<<"$BODY")"
  call 1 GET "api/projects/$PROJECT/spending?month=2026-11&pageSize=1"
  local listed count; listed="$(jq -r '.totalAmount' <<<"$BODY")"; count="$(jq -r '.total' <<<"$BODY")"
  observed "round $round: accepted $ACCEPTED_COUNT bookings, € $euros; the project says totalSpent $spent, listing $count bookings totalAmount $listed"
  check "round $round: money reconciles to the cent (totalSpent = sum of accepted bookings)" \
    bash -c '[ "$(jq -n "$1 * 100 | round")" = "$2" ]' _ "$spent" "$ACCEPTED_CENTS"
  check "round $round: the listing's total equals the sum of accepted bookings" \
    bash -c '[ "$(jq -n "$1 * 100 | round")" = "$2" ]' _ "$listed" "$ACCEPTED_CENTS"
  check "round $round: as many bookings stored as were accepted ($ACCEPTED_COUNT)" [ "$count" = "$ACCEPTED_COUNT" ]
  # Every silo must say the same (a second silo's activation of the project or a stale copy would show here).
  local s; for s in "${@:2}"; do
    call "$s" GET "api/projects/$PROJECT/cash-position"
    check "round $round silo $s: the same totalSpent" [ "$(jq -r '.totalSpent' <<<"$BODY")" = "$spent" ]
  done
}

# --- round 1: one silo ---------------------------------------------------------------------------
say "PostgreSQL data directory on a ${SIZE} MB tmpfs at $DISK; one silo"
WARMTE_ADMIN_TOKEN="$TOKEN" "$REPO/scripts/cluster.sh" start --silos 1 --dir "$CL" --pg-port "$PG_PORT" \
  --http-base "$HTTP" --silo-base "$SILO" --no-build >"$WORK/cluster-start.log" 2>&1 \
  || { cat "$WORK/cluster-start.log" >&2; echo "DRILL FAILED: the cluster did not start" >&2; exit 1; }
observed "after start: $(avail_kb) KB free on the tmpfs"
call 1 POST api/cooperatives '{"id":"vol-drill","statutoryName":"Coöperatie Volle Schijf U.A.","kind":"HeatNetwork","municipality":"Amsterdam","foundedOn":"2019-12-18"}'
[ "$STATUS" = 201 ] || { echo "DRILL FAILED: creating the cooperative answered $STATUS $BODY" >&2; exit 1; }
call 1 POST api/cooperatives/vol-drill/projects "{\"id\":\"$PROJECT\",\"name\":\"Warmtenet volle schijf\",\"woningequivalenten\":100,\"plannedConnections\":80,\"startedOn\":\"2018-01-01\"}"
[ "$STATUS" = 201 ] || { echo "DRILL FAILED: creating the project answered $STATUS $BODY" >&2; exit 1; }
for _ in 1 2 3; do book 1; done
start_watch
REMINDERS_BEFORE="$(watch_sql 'SELECT count(*) FROM orleansreminderstable')"
observed "round 1: membership $(heartbeats); reminders rows $REMINDERS_BEFORE"

fill_and_book 1 1
observe_full 1 1
# A request of several commits on the full disk (docs: "One request, several commits").
call 1 POST api/cooperatives/vol-drill/projects '{"id":"vol-project-2","name":"Tweede project","woningequivalenten":50,"plannedConnections":40,"startedOn":"2020-01-01"}'
observed "round 1: creating a project on the full disk: $STATUS $(code_of): $(jq -r '.detail // empty' <<<"$BODY" 2>/dev/null | head -c 300)"
if pg_up; then
  # A small write may still fit where a booking with a long note did not: 201 is a right answer too.
  check "round 1: creating a project on the full disk is 201 (it fitted), 503 storage-full or storage-full-partial" \
    bash -c '[ "$1" = 201 ] || { [ "$1" = 503 ] && { [ "$2" = storage-full ] || [ "$2" = storage-full-partial ]; }; }' _ "$STATUS" "$(code_of)"
else
  check "round 1: creating a project with PostgreSQL down is a 503" [ "$STATUS" = 503 ]
fi
recover 1 1
call 1 POST api/cooperatives/vol-drill/projects '{"id":"vol-project-2","name":"Tweede project","woningequivalenten":50,"plannedConnections":40,"startedOn":"2020-01-01"}'
observed "round 1: the same project creation after recovery: $STATUS $(code_of) $(jq -r '.detail // empty' <<<"$BODY" 2>/dev/null | head -c 200)"
check "round 1: the project creation completes once there is room (201, or 409 already-exists after a partial one)" \
  bash -c '[ "$1" = 201 ] || [ "$1" = 409 ]' _ "$STATUS"
call 1 GET api/projects/vol-project-2
check "round 1: the second project exists afterwards" [ "$STATUS" = 200 ]
reconcile 1 1

# --- round 2: a second silo joins, the disk fills again --------------------------------------------
say "round 2: a second silo joins the cluster"
WARMTE_ADMIN_TOKEN="$TOKEN" "$REPO/scripts/cluster.sh" start --silos 2 --dir "$CL" --pg-port "$PG_PORT" \
  --http-base "$HTTP" --silo-base "$SILO" --no-build >>"$WORK/cluster-start.log" 2>&1 \
  || { cat "$WORK/cluster-start.log" >&2; echo "DRILL FAILED: the second silo did not start" >&2; exit 1; }
for _ in $(seq 1 60); do [ "$(active_count)" = 2 ] && break; sleep 1; done
check "round 2: two silos Active" [ "$(active_count)" = 2 ]
fill_and_book 2 1 2
observe_full 2 1 2
recover 2 1 2
reconcile 2 1 2
# --- round 3: not a byte left and a checkpoint: does PostgreSQL itself survive? --------------------
# A checkpoint comes every checkpoint_timeout (5 min by default) on its own; the drill asks for one (CHECKPOINT through
# the open session) so that this round does not depend on the timing.
say "round 3: the disk filled to the last byte, then a checkpoint (CHECKPOINT), bookings on both silos"
dd if=/dev/zero of="$FILLER" bs=1M status=none 2>/dev/null || true
dd if=/dev/zero of="$FILLER.small" bs=4k status=none 2>/dev/null || true
observed "round 3: $(avail_kb) KB left"
declare -gA TALLY=(); REFUSED_KEYS=(); REFUSED_AMOUNTS=()
for s in 1 2 1 2; do
  book "$s"; k="$STATUS $(code_of)"; TALLY[$k]=$(( ${TALLY[$k]:-0} + 1 ))
  [ "$STATUS" = 201 ] || { REFUSED_KEYS+=("$LAST_KEY"); REFUSED_AMOUNTS+=("$LAST_CENTS"); }
done
observed "round 3: CHECKPOINT -> $(watch_sql 'CHECKPOINT' | head -c 160)"
sleep 5
for s in 1 2 1 2; do
  book "$s"; k="$STATUS $(code_of)"; TALLY[$k]=$(( ${TALLY[$k]:-0} + 1 ))
  [ "$STATUS" = 201 ] || { REFUSED_KEYS+=("$LAST_KEY"); REFUSED_AMOUNTS+=("$LAST_CENTS"); }
done
observed "round 3: answers: $(for k in "${!TALLY[@]}"; do printf '[%s]=%s ' "$k" "${TALLY[$k]}"; done)"
check "round 3: no booking answered 500" bash -c '! grep -q "^500" <<<"$1"' _ "$(printf '%s\n' "${!TALLY[@]}")"
observed "round 3: PostgreSQL log: $(grep -c 'PANIC' "$CL/postgres.log" || true) PANIC lines in all: $(grep -E 'PANIC' "$CL/postgres.log" | tail -n 1 | cut -c1-200)"
if pg_up; then observed "round 3: PostgreSQL answers"; else observed "round 3: PostgreSQL does NOT answer; its log ends: $(grep -v STATEMENT "$CL/postgres.log" | tail -n 4 | cut -c1-200 | tr '\n' '|')"; fi
for s in 1 2; do
  probe "$s" health/ready; observed "round 3 silo $s: /health/ready $STATUS $(jq -r '.detail // empty' <<<"$BODY" 2>/dev/null | head -c 160)"
  check "round 3 silo $s: not ready (503)" [ "$STATUS" = 503 ]
done
say "round 3: waiting 40 s"
sleep 40
for s in 1 2; do check "round 3 silo $s: the process stays up" silo_alive "$s"; done
observed "round 3: silo logs: $(for s in 1 2; do printf 'silo %s: %s warn/fail entries since the round began; ' "$s" "$(grep -cE '^(warn|fail|crit):' "$CL/silo-$s.log")"; done)"
recover 3 1 2
reconcile 3 1 2

observed "reminders rows before $REMINDERS_BEFORE, at the end $(watch_sql 'SELECT count(*) FROM orleansreminderstable')"
check "the reminders survived the full disk" [ "$(watch_sql 'SELECT count(*) FROM orleansreminderstable')" -ge "$REMINDERS_BEFORE" ]
check "PostgreSQL is still running at the end" pg_up
for s in 1 2; do
  observed "silo $s log: fail/crit entries: $(grep -E '^(fail|crit):' -A1 "$CL/silo-$s.log" | grep -vE '^(fail|crit):|^--' | sed 's/^ *//' | cut -c1-150 | sort | uniq -c | sort -rn | head -n 8 | tr '\n' '|')"
done
observed "PostgreSQL log, distinct errors: $(grep -E 'ERROR|PANIC|FATAL|LOG:  (server process|all server|database system)' "$CL/postgres.log" | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' | cut -c1-140 | sort | uniq -c | sort -rn | head -n 8 | tr '\n' '|')"

if [ "$FAILED" = 0 ]; then echo "drill passed: full disk on PostgreSQL"; else echo "DRILL FAILED: see the CHECK FAILED lines"; exit 1; fi
