#!/usr/bin/env bash
# The one test command: installs what the tests need when it is missing, then runs every test.
#
#   scripts/test.sh                 # install what is missing (as root), then dotnet test
#   scripts/test.sh --check         # only say what is missing; exit 1 if anything is
#   scripts/test.sh -- --filter X   # arguments after -- go to dotnet test
#
# The tests use real parts, not stand-ins: a throwaway PostgreSQL server (initdb, pg_ctl), Gnumeric's
# ssconvert recalculating exported formulas, Debian's Chromium for the dashboard, curl for the cluster
# scripts. Each comes from a Debian package. As root they are installed with apt-get; otherwise the
# script names what is missing and the command that installs it, and runs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

check_only=false
test_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check_only=true; shift ;;
    --) shift; test_args=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# The tests look for PostgreSQL on PATH or in Debian's versioned directory; so does this check.
has_postgres() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

# "package: what needs it", one per missing tool.
missing=()
has_postgres || missing+=("postgresql: a real PostgreSQL server for the storage and cluster tests (initdb, pg_ctl)")
command -v ssconvert >/dev/null 2>&1 || missing+=("gnumeric: ssconvert recalculates exported formulas independently")
[ -x /usr/bin/chromium ] || missing+=("chromium: the web dashboard tests drive Debian's Chromium at /usr/bin/chromium")
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=("python3-aiosmtpd: a real SMTP server (Maildir) for the voting-code mail tests")
command -v curl >/dev/null 2>&1 || missing+=("curl: scripts/cluster.sh and scripts/restore-drill.sh talk HTTP with it")
command -v dotnet >/dev/null 2>&1 || missing+=("dotnet: the .NET 10 SDK (not a Debian package: https://learn.microsoft.com/dotnet/core/install/linux)")

if [ ${#missing[@]} -gt 0 ]; then
  packages=()
  for m in "${missing[@]}"; do
    name=${m%%:*}
    [ "$name" = dotnet ] || packages+=("$name")
  done
  echo "The tests need what this machine does not have yet:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  can_install=true
  { $check_only || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; } && can_install=false
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "Install the .NET 10 SDK first; this script does not." >&2
    can_install=false
  fi
  if ! $can_install; then
    if [ ${#packages[@]} -gt 0 ]; then
      echo "Install them as root (Debian/Ubuntu), then run this command again:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    fi
    exit 1
  fi
  echo "Installing: ${packages[*]}" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
elif $check_only; then
  echo "Everything the tests need is here."
  exit 0
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test "${test_args[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line over every test project: "tests: N passed, N failed".
summary() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ n += $2 } END { print n + 0 }'; }
echo "tests: $(summary Passed) passed, $(summary Failed) failed"
exit "$status"
