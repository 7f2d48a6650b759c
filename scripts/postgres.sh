#!/usr/bin/env bash
# Starts Debian's PostgreSQL for the tests (installing it when missing), creates a fresh,
# empty test database and prints its URL. scripts/test.sh exports it as
# EXO_TEST_POSTGRES_URL, so the multi-process queue test also runs against PostgreSQL.
set -euo pipefail

if [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "== setup: Debian postgresql" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')

as_postgres() { su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port $*" >&2; }
as_postgres "-c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exo_test') THEN CREATE ROLE exo_test LOGIN PASSWORD 'exo_test'; END IF; END \\\$\\\$\""
as_postgres "-c 'DROP DATABASE IF EXISTS exo_test'"
as_postgres "-c 'CREATE DATABASE exo_test OWNER exo_test'"
echo "postgres://exo_test:exo_test@127.0.0.1:$port/exo_test"
