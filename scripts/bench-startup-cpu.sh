#!/usr/bin/env bash
# Issue 15: CPU seconds one silo process uses to start (docs/performance.md, "Start-up after the alert sweep").
#   scripts/bench-startup-cpu.sh BIN DATADIR PORT LABEL
# BIN: a Release build of src/Warmte.Silo (bench-scale.sh leaves one in /tmp/scale/bin/silo); DATADIR: a copy of a
# data set (it is written to: use a copy). Starts the silo, waits for /health/ready, prints the seconds to ready and
# the CPU seconds (utime + stime of /proc/<pid>/stat) at ready and 30 s later, and the stored reminders; stops it.
set -euo pipefail
bin=$1; dir=$2; port=$3; label=$4
tck=$(getconf CLK_TCK)
log=${TMPDIR:-/tmp}/warmte-cpu-$label.log
t0=$(date +%s.%N)
dotnet "$bin/Warmte.Silo.dll" --data-dir "$dir" --urls "http://127.0.0.1:$port" --Auth:BootstrapAdminToken wt_scale-admin-0123456789abcdefghijklmnopqrstuvwxyz --RateLimit:Enabled false \
  --Logging:LogLevel:Default Warning --Logging:LogLevel:Warmte.Startup Information >"$log" 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do sleep 0.1; done
tr=$(echo "$(date +%s.%N) - $t0" | bc)
cpu() { awk -v t="$tck" '{print ($14+$15)/t}' /proc/$pid/stat; }
c_ready=$(cpu)
sleep 30
c_30=$(cpu)
echo "$label ready_s=$tr cpu_at_ready_s=$c_ready cpu_ready_plus_30s=$c_30 load=$(cut -d' ' -f1-3 /proc/loadavg) reminders=$(sqlite3 "$dir/warmtenet.db" 'select count(*) from OrleansRemindersTable' 2>/dev/null)"
kill -TERM $pid; wait $pid || true
