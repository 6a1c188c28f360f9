#!/bin/sh
# The container's entrypoint: `gingham <command>` (serve when none is given). A database that is
# still starting (compose starts PostgreSQL beside Gingham) is waited for, up to
# GINGHAM_DATABASE_WAIT_SECONDS, by retrying the migrations; then the command replaces this shell,
# so that `docker stop` signals Gingham itself.
set -eu

[ $# -eq 0 ] && set -- serve

case "$1" in
serve | worker | migrate)
    wait_seconds=${GINGHAM_DATABASE_WAIT_SECONDS:-60}
    waited=0
    until problem=$(gingham migrate 2>&1); do
        if [ "$waited" -ge "$wait_seconds" ]; then
            echo "$problem" >&2
            echo "gingham: gave up on the database after ${wait_seconds} s (GINGHAM_DATABASE_WAIT_SECONDS)" >&2
            exit 1
        fi
        [ "$waited" -eq 0 ] && echo "gingham: waiting for the database..." >&2
        sleep 1
        waited=$((waited + 1))
    done
    [ "$1" = migrate ] && exit 0
    ;;
esac

exec gingham "$@"
