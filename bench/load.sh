#!/usr/bin/env bash
# Load benchmark on PostgreSQL: the scale-1 dataset (seed 7, about 2 million
# rows) imported into a new database, an administrator and a western
# province office with API tokens, the platform served by the release
# binary, and concurrent API clients mixing reads with record saves for a
# fixed time (crates/web/examples/load.rs). Prints per-class counts, errors
# and latency percentiles as Markdown, and the server's snapshot builds.
#
# Usage: bench/load.sh [--postgres postgres://USER@HOST:PORT] [--clients 200]
#          [--seconds 60] [--write-share 0.05] [--think-ms 0]
# --postgres names a server (no database, no parameters): a new database is
# created on it. Without it a throwaway cluster is started (as root, with the
# Debian postgresql package, installed if missing) and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

server="" clients=200 seconds=60 write_share=0.05 think_ms=0
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) server="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --write-share) write_share="$2"; shift 2 ;;
    --think-ms) think_ms="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

work="${BENCH_WORK:-bench-work}/load"
rm -rf "$work" && mkdir -p "$work"
work="$(cd "$work" && pwd)"

echo "== release build"
cargo build --release --bin xiezuo
cargo build --release -p xiezuo-web --example load
bin="${CARGO_TARGET_DIR:-target}/release/xiezuo"
driver="${CARGO_TARGET_DIR:-target}/release/examples/load"

pg_dir="" pid="" dropdb=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$dropdb" ]; then psql "$server/postgres" -qAt -c "DROP DATABASE IF EXISTS $dropdb" >/dev/null || true; fi
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap cleanup EXIT

if [ -z "$server" ]; then
  echo "== PostgreSQL: a throwaway cluster"
  pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
  if [ -z "$(pg_bin_dir)" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y postgresql >/dev/null 2>&1 ||
      { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  fi
  pg_bin="$(pg_bin_dir)"
  pg_dir="$(mktemp -d)"
  chown postgres "$pg_dir"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres --no-sync >/dev/null
  port=""
  for p in $(shuf -i 20000-60000 -n 20); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
      runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
        -o "-p $p -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
      port="$p"
      break
    fi
  done
  [ -n "$port" ] || { echo "PostgreSQL did not start"; cat "$pg_dir/log"; exit 1; }
  server="postgres://postgres@127.0.0.1:$port"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (fsync off)"
fi
dbname="xiezuo_load_$$"
psql "$server/postgres" -qAt -c "CREATE DATABASE $dbname" >/dev/null
[ -n "$pg_dir" ] || dropdb="$dbname"
db="$server/$dbname"
export XIEZUO_KEY_FILE="$work/personal.key"

echo "== scale 1 dataset, imported"
$bin generate --scale 1 --seed 7 --out "$work/dataset" >/dev/null
start=$(date +%s%N)
$bin --db "$db" import "$work/dataset" | tail -n 1
echo "import: $(( ($(date +%s%N) - start) / 1000000 )) ms"

echo "== accounts and API tokens"
west=$(awk -F, '$3 == "province" && $5 == "west" { print $1; exit }' "$work/dataset/regions.csv")
$bin --db "$db" user add load-admin --role admin >/dev/null
$bin --db "$db" user add load-office --role office --region "$west" >/dev/null
admin_token=$($bin --db "$db" user token load-admin --label load | tail -n 1)
office_token=$($bin --db "$db" user token load-office --label load | tail -n 1)
echo "load-admin (admin), load-office (office of $west)"

echo "== serve"
$bin --db "$db" serve --addr 127.0.0.1:0 --log-snapshots >"$work/serve.log" 2>"$work/snapshots.log" &
pid=$!
for _ in $(seq 300); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.log")
echo "$base"

echo "== load: $clients clients, $seconds s, writes $write_share, think time $think_ms ms"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; the server, PostgreSQL and the load driver share it"
$driver --base "$base" --dataset "$work/dataset" --admin-token "$admin_token" \
  --office-token "$office_token" --clients "$clients" --seconds "$seconds" \
  --write-share "$write_share" --think-ms "$think_ms" | tee "$work/report.md"
awk '/build in/ { n++; ms += $6; if ($6 > max) max = $6; if ($3 == "full") full++ }
  END { printf "snapshot builds: %d (%d full), mean %.0f ms, longest %d ms\n", n, full, n ? ms / n : 0, max }' \
  "$work/snapshots.log"
