#!/bin/sh
# First start: initdb (password authentication over TCP) and the init scripts, on a server that
# listens on no TCP port, so "ready to accept connections" is printed only by the real one.
set -eu
BIN=/usr/lib/postgresql/15/bin
USER_NAME=${POSTGRES_USER:-postgres}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  password_file=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
  "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" --pwfile="$password_file" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm "$password_file"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$BIN/pg_ctl" -D "$PGDATA" -w -l /tmp/init.log \
    -o "-c listen_addresses='' -c unix_socket_directories=/tmp" start >/dev/null
  for script in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$script" ] || continue
    echo "running $script"
    psql -X -q -v ON_ERROR_STOP=1 -h /tmp -U "$USER_NAME" -d postgres -f "$script"
  done
  "$BIN/pg_ctl" -D "$PGDATA" -w -m fast stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
