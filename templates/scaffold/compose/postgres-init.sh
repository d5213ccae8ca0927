#!/bin/sh
# Runs once, when a PostgreSQL primary of {{ v.name|line }} initialises its data directory:
# a role its read replicas stream from (docker-compose.yml starts them with
# pg_basebackup), and the pg_hba.conf line that lets them in.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="${REPLICATION_PASSWORD:-replicator}" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
