#!/usr/bin/env bash
# Web load benchmark: scale 1 stored, the platform served, every read page
# and API call loaded by wrk from a second process on loopback with 50
# concurrent connections; p99 latencies appended to bench/results.md.
# Usage: bench/web.sh [SCALE] (default 1). Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1}"
work="${BENCH_WORK:-bench-work}/web"
rm -rf "$work" && mkdir -p "$work"
cargo build --release --bin xiezuo
bin=target/release/xiezuo
$bin generate --scale "$scale" --seed 7 --out "$work/dataset" >/dev/null
$bin --db "$work/store.db" import "$work/dataset" >/dev/null
# The platform needs sign-in: an administrator's API token for every request.
$bin --db "$work/store.db" user add bench --role admin >/dev/null
token=$($bin --db "$work/store.db" user token bench 2>/dev/null)
auth="Authorization: Bearer $token"
$bin --db "$work/store.db" serve --addr 127.0.0.1:0 > "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.log")
year=$(curl -s -H "$auth" "$base/api/v1/overview" | python3 -c 'import json,sys; print(json.load(sys.stdin)["latest_year"])')
pairing=$(curl -s -H "$auth" "$base/api/v1/pairings?level=county&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["pairing_id"])')
region=$(curl -s -H "$auth" "$base/api/v1/pairings/$pairing" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pairing"]["helped"]["code"])')
project=$(curl -s -H "$auth" "$base/api/v1/regions/$region?per_page=1" | python3 -c 'import json,sys; p=json.load(sys.stdin)["projects"]; print(p[0]["project_id"] if p else "")')
# First paint of the overview: the page and every request it makes, cold.
start=$(date +%s%N)
for p in / /assets/app.css /assets/app.js /assets/echarts.min.js /api/v1/overview /map/100000.geojson; do curl -s -H "$auth" -o /dev/null "$base$p"; done
paint_ms=$(( ($(date +%s%N) - start) / 1000000 ))
paths=(
  "/"
  "/api/v1/overview"
  "/api/v1/pairings?per_page=50"
  "/api/v1/pairings/$pairing"
  "/api/v1/pairings/$pairing/explain?year=$year&indicator=poor_employed&per_page=50"
  "/api/v1/assessments/$year"
  "/api/v1/regions/$region?per_page=20"
  "/api/v1/projects/$project"
  "/map/100000.geojson"
)
{
  echo
  echo "## Web load, scale $scale, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "wrk -t2 -c50 -d10s --latency from a second process on loopback; the server warmed by one request per path. First load of the overview (the page, its assets and its API call, sequential, cold): ${paint_ms} ms."
  echo
  echo "| path | requests/s | p50 | p99 | errors |"
  echo "|---|---|---|---|---|"
} >> bench/results.md
for p in "${paths[@]}"; do
  curl -s -H "$auth" -o /dev/null "$base$p"
  out=$(wrk -t2 -c50 -d10s --latency -H "$auth" "$base$p")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}')
  echo "| \`$p\` | $rps | $p50 | $p99 | ${errs:-0} |" | tee -a bench/results.md
done
