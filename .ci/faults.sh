#!/usr/bin/env bash
# Faults under load: runs incumbent-load once per fault scenario against a served
# incumbent and prints a table. For each: no command or mention lost or answered twice,
# the process stays up, and it recovers without a restart (/readyz "ok" at the end).
#
#   .ci/faults.sh                   # the demo set of 2,000 accounts, rates 25 to 100 a second
#   ACCOUNTS=20000 RATES=50,100,200 STEP=5s .ci/faults.sh
#
# Needs Go, redis-server and redis-cli (a Redis of its own is started on port 6391 and
# stopped and started again), and for the PostgreSQL scenario a local cluster it may
# restart (pg_ctlcluster; skipped with a note when there is none). .ci/run runs it
# briefly (ACCOUNTS=300, RATES=10,20,30, STEP=1s).
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS="${ACCOUNTS:-2000}" RATES="${RATES:-25,50,100}" STEP="${STEP:-2s}"
work="$(mktemp -d)"
trap 'redis-cli -p 6391 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The scenarios choose their services themselves: none from the caller's environment
# (CI's DATABASE_URL would have put the SQLite scenarios' data in PostgreSQL).
unset DATABASE_URL REDIS_URL INCUMBENT_REDIS_PREFIX
go build -o "$work/incumbent" ./cmd/incumbent
go build -o "$work/incumbent-load" ./cmd/incumbent-load
"$work/incumbent" demo --accounts "$ACCOUNTS" --end 2026-11-27 "$work/data" >/dev/null
"$work/incumbent" import --db "$work/demo.db" "$work/data" >/dev/null
load() { # scenario [incumbent-load flags]
  "$work/incumbent-load" --incumbent "$work/incumbent" --accounts "$work/data/accounts.csv" \
    --rates "$RATES" --step "$STEP" --row "$@"
}
add_row() { # the row of one scenario: load's arguments
  local row
  row="$(load "$@")" || status=1
  rows+=$'\n'"$row"
}
status=0
rows="$("$work/incumbent-load" --row-header)"
for fault in slack-429 slack-500 llm-500 llm-timeout; do
  add_row "$fault" --db "$work/demo.db" --fault "$fault"
done

# Redis stopped and started again, on a Redis of this script's own.
redis_start='redis-server --daemonize yes --port 6391 --save "" --appendonly no >/dev/null'
sh -c "$redis_start"
for _ in $(seq 50); do redis-cli -p 6391 ping >/dev/null 2>&1 && break; sleep 0.1; done
REDIS_URL=redis://127.0.0.1:6391 add_row redis-restart --db "$work/demo.db" \
  --fault-cmd 'redis-cli -p 6391 shutdown nosave' --recover-cmd "$redis_start"

# PostgreSQL restarted: the data in a schema of its own on the local cluster; a fifth of
# the commands are `talk <account>`, which saves a scenario (a write).
if command -v pg_ctlcluster >/dev/null && pg_isready -q -h 127.0.0.1 2>/dev/null; then
  cluster="$(ls /etc/postgresql | sort -V | tail -1)"
  schema="faults_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE SCHEMA $schema"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&search_path=$schema"
  "$work/incumbent" import "$work/data" >/dev/null
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  add_row postgres-restart --talk 0.2 \
    --fault-cmd "$sudo pg_ctlcluster --skip-systemctl-redirect $cluster main stop -m fast" \
    --recover-cmd "$sudo pg_ctlcluster --skip-systemctl-redirect $cluster main start"
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 && break; sleep 0.1; done
  PGOPTIONS='-c client_min_messages=warning' psql -q -h 127.0.0.1 -U postgres -c "DROP SCHEMA $schema CASCADE"
  unset DATABASE_URL
else
  rows+=$'\n'"postgres-restart	(skipped: no local PostgreSQL cluster to restart)"
fi

echo "$rows" | column -t -s $'\t'
exit "$status"
