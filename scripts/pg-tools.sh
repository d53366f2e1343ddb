# Shared by the scripts in this folder (sourced, not run): find this machine's PostgreSQL programs.

# The directory of initdb/pg_ctl/pg_dump/pg_restore: on PATH (following a symlink to the real bin
# directory, so client and server tools come from one version), else Debian's newest.
pg_bin() {
  local initdb newest
  if initdb="$(command -v initdb 2>/dev/null)"; then dirname "$(readlink -f "$initdb")"; return; fi
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$newest" ] && [ -x "$newest/pg_ctl" ]; then echo "$newest"; return; fi
  echo "PostgreSQL programs (initdb, pg_ctl, pg_dump) not found on PATH or in /usr/lib/postgresql/*/bin; install Debian's 'postgresql' package" >&2
  return 1
}
