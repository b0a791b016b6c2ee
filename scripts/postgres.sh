#!/bin/sh
# Starts Debian's PostgreSQL 15 cluster if it is down and makes sure the
# `instep` role (with a password, for TCP) and database exist. Needs root.
set -eu
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main .*online'; then
    pg_ctlcluster --skip-systemctl-redirect 15 main start
fi
i=0
until runuser -u postgres -- psql -Atqc 'select 1' >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 30 ] || { echo "PostgreSQL did not start" >&2; exit 1; }
    sleep 1
done
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qc "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='instep') THEN CREATE ROLE instep LOGIN CREATEDB PASSWORD 'instep'; END IF; END\$\$;"
runuser -u postgres -- psql -Atc "select 1 from pg_database where datname='instep'" | grep -q 1 \
    || runuser -u postgres -- createdb -O instep instep
