#!/usr/bin/env bash
# Debian packages Cityloom needs at run time: Pango for WeasyPrint's PDFs, and a font.
# With --test, also what the tests need: a PostgreSQL server, Chromium and GNU gettext.
set -euo pipefail
missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Run as root, or install these Debian packages: ${missing[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# Another apt or dpkg (unattended-upgrades on a fresh machine) may hold the package locks: wait
# for them rather than fail at once. apt-get waits for the dpkg lock itself with
# DPkg::Lock::Timeout; the package lists' lock (apt-get update) is waited for here, and both
# are announced so a silent pause is not mistaken for a hang.
LOCK_TIMEOUT=${CITYLOOM_APT_LOCK_TIMEOUT:-600}
LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock)
lock_holders() {
  command -v fuser >/dev/null 2>&1 || return 0
  local lock pids
  for lock in "${LOCKS[@]}"; do
    pids=$($sudo fuser "$lock" 2>/dev/null || true)
    if [ -n "${pids// /}" ]; then echo "$lock (process${pids})"; return 0; fi
  done
}
wait_for_locks() {
  local waited=0 holder
  holder=$(lock_holders)
  [ -z "$holder" ] && return 0
  echo "Waiting for another package manager to release $holder (up to ${LOCK_TIMEOUT}s)…" >&2
  while [ -n "$holder" ] && [ "$waited" -lt "$LOCK_TIMEOUT" ]; do
    sleep 1
    waited=$((waited + 1))
    holder=$(lock_holders)
  done
  [ -z "$holder" ] && echo "The package lock is free after ${waited}s; going on." >&2
  return 0
}
apt_get() {
  wait_for_locks
  $sudo apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT" "$@"
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
