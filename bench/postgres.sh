#!/usr/bin/env bash
# Times the PostgreSQL store beside the embedded one on a generated dataset:
# import into a new store, re-import of the same files (every row
# unchanged), the assessment of 2020, migrate-store from SQLite to
# PostgreSQL, and a backup of PostgreSQL into a file. Prints a Markdown
# table for bench/results.md.
#
#   bench/postgres.sh [SCALE] [RUNS]     (default: scale 1, 2 runs each)
#
# Runs as root: starts a throwaway PostgreSQL cluster as the postgres user
# (fsync off, as in CI) on a free loopback port, and removes it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1}"
runs="${2:-2}"

cargo build --release --bin xiezuo >&2
x="$PWD/target/release/xiezuo"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pg_bin" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }

work="$(mktemp -d)"
chown postgres "$work"
stop() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
runuser -u postgres -- "$pg_bin/initdb" -D "$work/data" -A trust -U postgres --no-sync >/dev/null
port=""
for p in $(shuf -i 20000-60000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/data" -w -l "$work/log" \
      -o "-p $p -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
    port="$p"
    break
  fi
done
[ -n "$port" ] || { echo "PostgreSQL did not start" >&2; exit 1; }
server="postgres://postgres@127.0.0.1:$port"
psql_() { psql -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }

ds="$work/ds"
"$x" generate --scale "$scale" --seed 7 --out "$ds" >/dev/null
sync # the dataset's own writes are not to land on the first import
rows=$(cat "$ds"/*.csv | wc -l)
rows=$((rows - $(ls "$ds"/*.csv | wc -l)))

# Seconds and peak memory (MB) of one command.
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  awk '{printf "%.1f s, %d MB", $1, $2 / 1024}' "$work/time"
}
secs() { awk '{print $1}' "$work/time"; }

echo "| run | backend | import (rows/s) | re-import (rows/s) | assess 2020 | load before |"
echo "|---|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  for backend in sqlite postgres; do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if [ "$backend" = sqlite ]; then
      rm -f "$work"/s.db*
      db=(--db "$work/s.db")
    else
      psql_ -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
      rm -f "$work/pg.key"
      db=(--db "$server/bench" --key-file "$work/pg.key")
    fi
    imp="$(timed "$x" "${db[@]}" import "$ds")"
    imp_rate=$(awk -v r="$rows" -v s="$(secs)" 'BEGIN {printf "%d", r / s}')
    re="$(timed "$x" "${db[@]}" import "$ds")"
    re_rate=$(awk -v r="$rows" -v s="$(secs)" 'BEGIN {printf "%d", r / s}')
    "$x" "${db[@]}" assess --year 2020 --out "$work/a-$backend" >/dev/null
    ass="$(timed "$x" "${db[@]}" assess --year 2020 --out "$work/a-$backend")"
    echo "| $run | $backend | $imp ($imp_rate) | $re ($re_rate) | $ass | $load |"
  done
done
diff -r "$work/a-sqlite" "$work/a-postgres" >/dev/null && echo && echo "The assessments on both backends are identical."

psql_ -c "DROP DATABASE IF EXISTS moved" -c "CREATE DATABASE moved"
mig="$(timed "$x" migrate-store --from "$work/s.db" --to "$server/moved")"
bak="$(timed "$x" --db "$server/bench" --key-file "$work/pg.key" backup "$work/backup.db")"
size="$(psql -h 127.0.0.1 -p "$port" -U postgres -Atc "SELECT pg_size_pretty(pg_database_size('bench'))")"
echo
echo "Scale $scale: $rows rows. migrate-store SQLite → PostgreSQL: $mig. Backup of PostgreSQL into a file: $bak."
echo "Sizes: PostgreSQL database $size, SQLite file $(du -m "$work/s.db" | cut -f1) MB."
