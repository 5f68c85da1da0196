#!/bin/sh
# A hot standby: copied from the primary with pg_basebackup -R the first time, streaming ever after.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -U replicator \
            -D "$PGDATA" -R -X stream --checkpoint=fast; do
        echo "Waiting for the primary ..."; rm -rf "${PGDATA:?}"/*; sleep 2
    done
    chown -R postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
fi
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
