#!/usr/bin/env bash
# `make run-cluster`: N silos and the gateway as separate processes on loopback, sharing PostgreSQL membership,
# grain state, reminders and the audit log. Without AITRADING__ConnectionStrings__Postgres it starts a throwaway
# PostgreSQL (Debian's postgresql package) in a temporary directory and removes it on exit.
# The first silo runs the synthetic feed and the demo strategies; the others host grains only.
set -euo pipefail
cd "$(dirname "$0")/.."
SILOS=${SILOS:-3}
CONFIG=${CONFIG:-Release}
HTTP_PORT=${HTTP_PORT:-8000}
GRPC_PORT=${GRPC_PORT:-8001}
FIRST_SILO_PORT=${FIRST_SILO_PORT:-11111}
FIRST_GATEWAY_PORT=${FIRST_GATEWAY_PORT:-30000}

pids=()
pg_dir=""
pg_bin=""
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$pg_dir" ]; then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${AITRADING__ConnectionStrings__Postgres:-}" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
        echo "error: PostgreSQL is not installed (apt-get install postgresql), and AITRADING__ConnectionStrings__Postgres is not set" >&2
        exit 2
    fi
    pg_port=${PG_PORT:-55432}
    pg_dir=$(mktemp -d /tmp/aitrading-cluster-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
    as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
    as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null
    as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres aitrading
    export AITRADING__ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=aitrading"
    echo "PostgreSQL on 127.0.0.1:$pg_port (data in $pg_dir, removed on exit)"
fi
export AITRADING__Clustering__Provider=Postgres
export AITRADING__Storage__Provider=Postgres

dotnet build src/AiTrading.Cli -c "$CONFIG" -nologo -v quiet
cli=(dotnet "src/AiTrading.Cli/bin/$CONFIG/net10.0/aitrading.dll")
"${cli[@]}" migrate

for ((i = 0; i < SILOS; i++)); do
    feed=(); [ "$i" -gt 0 ] && feed=(--feed none)
    "${cli[@]}" silo "${feed[@]}" --silo-port $((FIRST_SILO_PORT + i)) --silo-gateway-port $((FIRST_GATEWAY_PORT + i)) ${ARGS:-} &
    pids+=($!)
done
"${cli[@]}" gateway --http-port "$HTTP_PORT" --grpc-port "$GRPC_PORT" &
pids+=($!)
echo "$SILOS silos and the gateway are starting: HTTP http://127.0.0.1:$HTTP_PORT  gRPC http://127.0.0.1:$GRPC_PORT  (Ctrl+C stops all)"
# Until Ctrl+C (background jobs of a script ignore SIGINT, so the cleanup stops them) or one of them exits.
while kill -0 "${pids[@]}" 2>/dev/null; do sleep 1; done
