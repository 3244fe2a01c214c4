#!/usr/bin/env bash
# Prepare a Debian/Ubuntu machine to run or test fieldapp. Idempotent: run it as often as you like.
#
#   scripts/setup.sh [run|serve|test]     (default: run)
#
# - system packages: PostgreSQL (if absent) and PostGIS for the server's major version;
#   for `serve` also nginx (make serve's reverse proxy);
#   for `test` also gdal-bin (ogr2ogr), libxml2-utils (xmllint), nginx (the production set-up's
#   tests) and chromium (the Debian package, used headless by the end-to-end tests; no browser is
#   ever downloaded);
# - starts the PostgreSQL cluster if it is down (creates one if there is none);
# - a SUPERUSER role for the current OS user, and the database named by DATABASE_URL
#   (default postgresql:///fieldapp) with the postgis extension;
# - .venv with the project installed in editable mode with its test and dev extras;
# - the interface's translation catalogues compiled (fieldapp/translations/*/LC_MESSAGES/*.mo).
# It never runs migrations, loads data or runs tests: the Makefile does that.
set -euo pipefail

MODE="${1:-run}"
case "$MODE" in
  run | serve | test) ;;
  -h | --help)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "usage: $0 [run|serve|test]" >&2
    exit 2
    ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export DEBIAN_FRONTEND=noninteractive
DATABASE_URL="${DATABASE_URL:-postgresql:///fieldapp}"
VENV="$ROOT/.venv"
STAMP="$VENV/.installed"
ME="$(id -un)"
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# System packages
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# ensure_packages PKG...: install the ones that are missing (apt-get update at most once per run).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get: install them by hand"
  if [ "$IS_ROOT" -ne 1 ]; then
    echo "setup: these system packages are missing: ${missing[*]}" >&2
    echo "setup: install them as root, then run this again:" >&2
    echo "" >&2
    echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "" >&2
    exit 1
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    apt-get update -q >/dev/null
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  apt-get install -y -q "${missing[@]}" >/dev/null
}

# Run a command as root (directly, or through sudo).
as_root() {
  if [ "$IS_ROOT" -eq 1 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root for: $*"
  fi
}

# Run a command as the postgres OS user.
as_postgres() {
  if [ "$ME" = postgres ]; then
    "$@"
  elif [ "$IS_ROOT" -eq 1 ]; then
    runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null; then
    sudo -u postgres "$@"
  else
    die "need root or sudo to act as the postgres user"
  fi
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: version and cluster
# ---------------------------------------------------------------------------------------------

# Print "VERSION CLUSTER PORT STATUS" of the cluster to use: the one on port 5432 if any,
# else the newest "main", else the newest of all. Nothing if there are no clusters.
pick_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters --no-header 2>/dev/null | awk '
    { v = $1 + 0; score = v; if ($2 == "main") score += 1000; if ($3 == 5432) score += 100000
      if (score > best) { best = score; line = $1 " " $2 " " $3 " " $4 } }
    END { if (line != "") print line }'
}

# Print the major version of the PostgreSQL server, or nothing if there is none.
server_major() {
  local c v
  c="$(pick_cluster)"
  if [ -n "$c" ]; then
    echo "${c%% *}"
    return 0
  fi
  # Installed server binaries, newest first.
  v="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
    awk -F/ '{print $5}' | sort -n | tail -n 1)"
  if [ -n "$v" ]; then
    echo "$v"
    return 0
  fi
  # pg_config reports the libpq/dev version; last resort, and only if a server is present.
  if command -v pg_config >/dev/null && installed postgresql; then
    pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/'
  fi
}

PG_MAJOR="$(server_major)"
if [ -z "$PG_MAJOR" ]; then
  say "no PostgreSQL server found: installing the distribution's default"
  # postgresql-postgis pulls in PostGIS for the same (default) major version.
  ensure_packages postgresql postgresql-postgis
  PG_MAJOR="$(server_major)"
  [ -n "$PG_MAJOR" ] || die "PostgreSQL was installed but no server version could be found"
fi
say "PostgreSQL server major version: $PG_MAJOR"

# postgresql-common gives pg_lsclusters, pg_ctlcluster and pg_createcluster.
PACKAGES=(postgresql-common "postgresql-$PG_MAJOR-postgis-3")
if [ "$MODE" = test ]; then
  PACKAGES+=(gdal-bin libxml2-utils chromium nginx)
elif [ "$MODE" = serve ]; then
  PACKAGES+=(nginx)
fi
ensure_packages "${PACKAGES[@]}"

# Start (or create) the cluster.
CLUSTER_LINE="$(pick_cluster)"
if [ -z "$CLUSTER_LINE" ] || [ "${CLUSTER_LINE%% *}" != "$PG_MAJOR" ]; then
  say "no cluster for PostgreSQL $PG_MAJOR: pg_createcluster $PG_MAJOR main --start"
  as_root pg_createcluster "$PG_MAJOR" main --start >/dev/null
  CLUSTER_LINE="$(pick_cluster)"
fi
[ -n "$CLUSTER_LINE" ] || die "no PostgreSQL cluster found (see pg_lsclusters)"
read -r PG_VER PG_CLUSTER PG_PORT PG_STATUS <<<"$CLUSTER_LINE"
if [ "${PG_STATUS%%,*}" = down ]; then
  say "starting PostgreSQL cluster $PG_VER/$PG_CLUSTER"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    as_root systemctl start "postgresql@$PG_VER-$PG_CLUSTER"
  else
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VER" "$PG_CLUSTER" start
  fi
fi

# Wait until it accepts connections: TCP first, then the Unix socket.
ready=0
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || pg_isready -q -p "$PG_PORT"; then
    ready=1
    break
  fi
  sleep 0.5
done
[ "$ready" -eq 1 ] || die "PostgreSQL $PG_VER/$PG_CLUSTER (port $PG_PORT) is not accepting connections"
say "PostgreSQL $PG_VER/$PG_CLUSTER is up on port $PG_PORT"
[ "$PG_PORT" = 5432 ] || say "note: the cluster listens on $PG_PORT, not 5432; set DATABASE_URL to match"

# ---------------------------------------------------------------------------------------------
# Role and database
# ---------------------------------------------------------------------------------------------

# psql as the postgres user, from / (postgres may not be able to read the current directory).
pg_sql() {
  local db="$1"
  shift
  (cd / && as_postgres psql -X -q -At -v ON_ERROR_STOP=1 -p "$PG_PORT" -d "$db" "$@")
}

# SQL literal and identifier quoting.
sql_lit() { printf "'%s'" "${1//\'/\'\'}"; }
sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

role_state="$(pg_sql postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = $(sql_lit "$ME")")"
if [ -z "$role_state" ]; then
  say "creating PostgreSQL role $ME (SUPERUSER)"
  pg_sql postgres -c "CREATE ROLE $(sql_ident "$ME") LOGIN SUPERUSER"
elif [ "$role_state" != t ]; then
  say "granting SUPERUSER to PostgreSQL role $ME"
  pg_sql postgres -c "ALTER ROLE $(sql_ident "$ME") LOGIN SUPERUSER"
fi

# Database name: the last path segment of DATABASE_URL, without query or fragment.
url_rest="${DATABASE_URL#*://}"
url_rest="${url_rest%%[?#]*}"
url_authority="${url_rest%%/*}"
url_host="${url_authority##*@}"
DB_NAME=""
[ "$url_rest" != "$url_authority" ] && DB_NAME="${url_rest##*/}"
DB_NAME="$(printf '%b' "${DB_NAME//%/\\x}")" # percent-decoding
[ -n "$DB_NAME" ] || DB_NAME="$ME"

case "$url_host" in
  "" | localhost | localhost:* | 127.0.0.1 | 127.0.0.1:* | "[::1]" | "[::1]:"*)
    if [ -z "$(pg_sql postgres -c "SELECT 1 FROM pg_database WHERE datname = $(sql_lit "$DB_NAME")")" ]; then
      say "creating database $DB_NAME"
      pg_sql postgres -c "CREATE DATABASE $(sql_ident "$DB_NAME") OWNER $(sql_ident "$ME")"
    fi
    pg_sql "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"
    # unaccent and pg_trgm (name search in every language) ship with Debian's postgresql-NN package (its
    # contrib); migration 0034 creates them too, which a database owner may (both are trusted extensions).
    pg_sql "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm"
    say "database $DB_NAME has PostGIS $(pg_sql "$DB_NAME" -c "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")"
    ;;
  *)
    say "DATABASE_URL points at $url_host, not this machine: not creating the database there"
    ;;
esac

# ---------------------------------------------------------------------------------------------
# Python virtual environment
# ---------------------------------------------------------------------------------------------

# Run pip quietly; show its full output only when it fails.
pip_quiet() {
  local log
  log="$(mktemp)"
  if ! "$VENV/bin/python" -m pip "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "pip $* failed"
  fi
  rm -f "$log"
}

py_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }

if [ -x "$VENV/bin/python" ] && ! py_ok "$VENV/bin/python"; then
  say "$VENV is broken or older than Python 3.11: recreating it"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  PY=""
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && py_ok "$candidate"; then
      PY="$(command -v "$candidate")"
      break
    fi
  done
  [ -n "$PY" ] || die "Python >= 3.11 is required (install python3.11 or a newer python3)"
  PYVER="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  # Debian/Ubuntu ship venv's ensurepip separately.
  if ! "$PY" -c 'import ensurepip' 2>/dev/null && command -v dpkg-query >/dev/null; then
    if [ -x /usr/bin/python3 ] && [ "$(/usr/bin/python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')" = "$PYVER" ]; then
      ensure_packages python3-venv
    else
      ensure_packages "python$PYVER-venv"
    fi
  fi
  say "creating $VENV with $PY (Python $PYVER)"
  "$PY" -m venv "$VENV"
  pip_quiet install -q --upgrade pip
fi

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "pip install -e '.[test,dev]'"
  pip_quiet install -q -e '.[test,dev]'
  touch "$STAMP"
else
  say "Python packages are up to date ($VENV)"
fi

# The interface's catalogues: the committed .po files compiled to the .mo files Flask-Babel reads
# (never committed; cheap, so every run; `make i18n` also extracts and updates them).
for domain in messages js; do
  "$VENV/bin/pybabel" -q compile -d fieldapp/translations -D "$domain" ||
    die "pybabel compile ($domain) failed: fix the catalogue fieldapp/translations/*/LC_MESSAGES/$domain.po"
done
say "catalogues compiled (fieldapp/translations)"

say "ready ($MODE)"
