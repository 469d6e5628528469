#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL cluster for tests: 127.0.0.1 only, a free port, its
# Unix socket inside its own folder, fsync off unless asked otherwise. Never touches a system cluster (port 5432).
#   throwaway-postgres.sh start DIR         new cluster in DIR (empty, or an earlier one of ours);
#                                           prints postgres://USER:PASSWORD@127.0.0.1:PORT/trellis_test
#                                           on stdout (and into DIR/url)
#   throwaway-postgres.sh stop DIR          stops that cluster and removes DIR
#   throwaway-postgres.sh run -- COMMAND... cluster in a new temporary folder, COMMAND run with
#                                           TRELLIS_TEST_POSTGRES_URL set, always stopped and removed;
#                                           exits with COMMAND's status
# Exit status 2: the PostgreSQL server is not installed (apt-get install postgresql).
# THROWAWAY_PG_TIMEOUT (seconds, default 30) bounds the start and stop waits.
# THROWAWAY_PG_DURABLE=1 keeps PostgreSQL's own durability (fsync, synchronous commit), for benchmarks.
# As root, the server runs as the `postgres` system user (PostgreSQL refuses to run as root).
set -euo pipefail

readonly MARKER=".trellis-throwaway-postgres"   # marks a folder as one of our clusters
readonly DB_NAME="trellis_test"
readonly DB_USER="trellis"
readonly TIMEOUT="${THROWAWAY_PG_TIMEOUT:-30}"

log() { printf 'throwaway-postgres: %s\n' "$*" >&2; }
die() { printf 'throwaway-postgres: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

# --- PostgreSQL binaries and the user that runs them -------------------------------------------

PG_BIN=""
find_binaries() {
  local d newest=""
  # Debian: /usr/lib/postgresql/<major>/bin; take the newest major.
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/postgres" ]] && newest="$(printf '%s\n%s\n' "$newest" "$d" | sed '/^$/d' | sort -V | tail -n 1)"
  done
  if [[ -z "$newest" ]] && command -v initdb >/dev/null 2>&1; then newest="$(dirname "$(command -v initdb)")"; fi
  local b
  for b in initdb postgres pg_ctl pg_isready psql; do
    if [[ -z "$newest" || ! -x "$newest/$b" ]]; then
      printf 'throwaway-postgres: error: the PostgreSQL server (%s) is not installed; install the Debian package `postgresql` (apt-get install postgresql, or run scripts/setup)\n' "$b" >&2
      exit 2
    fi
  done
  PG_BIN="$newest"
}

AS_ROOT=0
check_user() {
  [[ "$(id -u)" -eq 0 ]] || return 0
  AS_ROOT=1
  id -u postgres >/dev/null 2>&1 || {
    printf 'throwaway-postgres: error: running as root needs the `postgres` system user, which the Debian package `postgresql` creates (apt-get install postgresql)\n' >&2
    exit 2
  }
}

# as_pg CMD...: runs a PostgreSQL program as the user that owns the cluster, from / (the caller's
# working directory may be unreadable to that user).
as_pg() {
  if [[ "$AS_ROOT" -eq 1 ]]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}

# --- helpers -----------------------------------------------------------------------------------

# free_port: prints a TCP port on 127.0.0.1 that nothing holds, from 20000-31999 (below Linux's
# ephemeral range, far from 5432). Binding is the test when python3 is there, else a connect probe.
free_port() {
  local py p i
  py="$(command -v python3 || true)"
  if [[ -n "$py" ]]; then
    "$py" - <<'PY' && return 0
import random, socket, sys
for _ in range(50):
    port = random.randint(20000, 31999)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit(1)
PY
  fi
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    # A refused connection means no listener; a successful one means the port is taken.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then printf '%s\n' "$p"; return 0; fi
  done
  return 1
}

is_ours() { [[ -f "$1/$MARKER" ]]; }

postmaster_pid() {  # prints the PID of the cluster's running postmaster, if any
  local pidfile="$1/data/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

# stop_server DIR: stops the cluster's postmaster if it runs; fast shutdown, bounded, then signals.
stop_server() {
  local dir="$1" pid i
  pid="$(postmaster_pid "$dir")" || return 0
  if as_pg "$PG_BIN/pg_ctl" stop -D "$dir/data" -m fast -w -t "$TIMEOUT" -s >&2; then return 0; fi
  log "pg_ctl stop did not finish in ${TIMEOUT}s; immediate shutdown of PID $pid"
  kill -QUIT "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "could not stop PID $pid"
  return 1
}

show_log() {  # the tail of a log, to stderr, for a failure's diagnosis
  [[ -f "$1" ]] || return 0
  log "last lines of $1:"
  tail -n 20 "$1" | sed 's/^/    /' >&2
}

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# --- start -------------------------------------------------------------------------------------

PENDING_DIR=""   # a cluster being started: stopped (not removed) if the script exits early
RUN_DIR=""       # the `run` cluster: stopped and removed when the script exits

cmd_start() {
  local dir="$1" began=$SECONDS
  [[ -n "$dir" ]] || { usage >&2; exit 64; }
  find_binaries
  check_user

  if [[ -e "$dir" && ! -d "$dir" ]]; then die "$dir exists and is not a folder"; fi
  mkdir -p -- "$dir"
  dir="$(cd -- "$dir" && pwd -P)"
  if is_ours "$dir"; then
    if postmaster_pid "$dir" >/dev/null; then log "stopping the earlier cluster in $dir"; stop_server "$dir"; fi
    find "$dir" -mindepth 1 -delete
  elif [[ -n "$(ls -A -- "$dir")" ]]; then
    die "$dir is not empty and is not a cluster of ours; give an empty (temporary) folder"
  fi
  # The server's socket lives in DIR; Unix socket paths are limited to 107 bytes.
  (( ${#dir} + 20 < 108 )) || die "$dir is too long a path for the server's Unix socket; use a shorter one (e.g. under /tmp)"
  [[ "$dir" != *"'"* && "$dir" != *'\'* ]] || die "$dir must not contain quotes or backslashes"

  touch "$dir/$MARKER"
  chmod 700 "$dir"
  if [[ "$AS_ROOT" -eq 1 ]]; then
    chown postgres:postgres "$dir"
    as_pg test -w "$dir" -a -x "$dir" \
      || die "the postgres system user cannot write $dir (is a parent folder closed to it?); use a folder under /tmp"
  fi

  # Superuser `postgres` over the Unix socket in DIR only (trust; DIR is 0700); TCP needs a password.
  if ! as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
       --encoding=UTF8 --locale=C --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    show_log "$dir/initdb.log"
    die "initdb failed in $dir/data"
  fi
  cat >>"$dir/data/postgresql.conf" <<EOF

# throwaway-postgres.sh: a test cluster. 127.0.0.1 only, socket in its own folder.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 128MB
EOF
  if [[ "${THROWAWAY_PG_DURABLE:-0}" != 1 ]]; then
    # Tests need no durability; benchmarks measure PostgreSQL as it would run.
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
  fi

  local port="" attempt started=0
  PENDING_DIR="$dir"
  for attempt in 1 2 3 4 5; do
    port="$(free_port)" || die "found no free TCP port on 127.0.0.1 in 20000-31999"
    rm -f "$dir/postgres.log"
    if as_pg "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" -w -t "$TIMEOUT" -s >&2; then
      started=1; break
    fi
    # Someone took the port between the check and the bind: try another; anything else is fatal.
    if grep -qE 'could not bind|could not create any TCP/IP sockets|Address already in use' "$dir/postgres.log" 2>/dev/null; then
      log "port $port was taken; trying another"
      stop_server "$dir" || true
      continue
    fi
    show_log "$dir/postgres.log"
    stop_server "$dir" || true
    die "the server in $dir did not start within ${TIMEOUT}s (THROWAWAY_PG_TIMEOUT)"
  done
  [[ "$started" -eq 1 ]] || { show_log "$dir/postgres.log"; die "could not bind a free port on 127.0.0.1 after 5 tries"; }

  # Bounded wait until it accepts TCP connections on 127.0.0.1.
  local deadline=$((SECONDS + TIMEOUT))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; do
    if (( SECONDS >= deadline )); then
      show_log "$dir/postgres.log"
      die "the server on 127.0.0.1:$port did not accept connections within ${TIMEOUT}s (THROWAWAY_PG_TIMEOUT)"
    fi
    sleep 0.1
  done

  # The test role and database, over the socket in DIR (the password goes on stdin, not argv).
  local password url
  password="$(random_hex 16)"
  if ! as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres >&2 <<SQL
CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE $DB_NAME OWNER $DB_USER;
SQL
  then
    die "could not create the role $DB_USER and database $DB_NAME"
  fi
  url="postgres://$DB_USER:$password@127.0.0.1:$port/$DB_NAME"
  # Check the URL itself works, as the tests will use it: TCP, password.
  "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$url" -c 'select 1' >/dev/null \
    || die "the server runs but $DB_USER cannot log in over 127.0.0.1:$port"

  ( umask 077; printf '%s\n' "$url" >"$dir/url" )
  PENDING_DIR=""
  log "started PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port in $dir ($((SECONDS - began))s)"
  printf '%s\n' "$url"
}

# --- stop --------------------------------------------------------------------------------------

cmd_stop() {
  local dir="$1"
  [[ -n "$dir" ]] || { usage >&2; exit 64; }
  if [[ ! -e "$dir" ]]; then log "nothing at $dir"; return 0; fi
  [[ -d "$dir" ]] || die "$dir is not a folder"
  if ! is_ours "$dir"; then
    if [[ -z "$(ls -A -- "$dir")" ]]; then rmdir -- "$dir"; return 0; fi
    die "$dir is not a cluster of ours; not touching it"
  fi
  find_binaries
  check_user
  stop_server "$dir" || die "could not stop the cluster in $dir; left it in place"
  rm -rf -- "$dir"
  log "stopped and removed $dir"
}

# --- run ---------------------------------------------------------------------------------------

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$RUN_DIR" ]]; then
    if [[ -d "$RUN_DIR" ]]; then
      stop_server "$RUN_DIR" || { log "could not stop the cluster in $RUN_DIR; left it in place"; [[ $status -ne 0 ]] || status=1; exit "$status"; }
      rm -rf -- "$RUN_DIR"
    fi
  elif [[ -n "$PENDING_DIR" ]]; then
    stop_server "$PENDING_DIR" || true
  fi
  exit "$status"
}
# A signal to this script goes on to COMMAND too (bounded wait, then KILL), so a CI timeout that
# signals only this script still gets the cluster stopped promptly; the EXIT trap then cleans up.
CHILD=""
running() { [[ "$(ps -o stat= -p "$1" 2>/dev/null)" =~ ^[^Z] ]]; }
on_signal() {
  local sig="$1" status="$2" i
  if [[ -n "$CHILD" ]] && running "$CHILD"; then
    kill -s "$sig" "$CHILD" 2>/dev/null || true
    for ((i = 0; i < TIMEOUT * 10; i++)); do running "$CHILD" || break; sleep 0.1; done
    running "$CHILD" && kill -s KILL "$CHILD" 2>/dev/null || true
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM

cmd_run() {
  [[ "${1:-}" != "--" ]] || shift
  [[ $# -gt 0 ]] || { usage >&2; exit 64; }
  find_binaries
  check_user
  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/trellis-pg.XXXXXX")"
  cmd_start "$RUN_DIR" >/dev/null
  TRELLIS_TEST_POSTGRES_URL="$(cat "$RUN_DIR/url")"
  export TRELLIS_TEST_POSTGRES_URL
  # In the background so that signals reach the traps at once; SIGINT/SIGQUIT back to default
  # (bash ignores them in background jobs) and stdin kept.
  ( trap - INT QUIT; exec "$@" ) <&0 &
  CHILD=$!
  local status=0
  wait "$CHILD" || status=$?
  CHILD=""
  exit "$status"
}

case "${1:-}" in
  -h|--help|help) usage; exit 0 ;;
  start) [[ $# -eq 2 ]] || { usage >&2; exit 64; }; cmd_start "$2" ;;
  stop)  [[ $# -eq 2 ]] || { usage >&2; exit 64; }; cmd_stop "$2" ;;
  run)   shift; cmd_run "$@" ;;
  *)     usage >&2; exit 64 ;;
esac
