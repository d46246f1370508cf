#!/usr/bin/env bash
# HTTP API fuzzing with schemathesis: the conformance dataset (tests/data)
# imported into a temporary store, the platform served on a free loopback
# port, and every operation of the served OpenAPI document
# (/api/openapi.json) exercised with generated valid and invalid inputs,
# signed in as an administrator (bearer API token). Checks: no server
# error (5xx), and status code, content type and response body as the
# document describes them. A summary is written to $work/summary.md and
# printed; the full reports are in $work/report/.
# Usage: bench/fuzz-api.sh [MAX_EXAMPLES] (per operation, default 100);
# FUZZ_SEED sets the seed (default 7), FUZZ_CHECKS the checks (e.g. all).
# Installs schemathesis from PyPI into a virtual environment under $work.
# The server is a debug build: arithmetic overflow panics there too.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-100}"
seed="${FUZZ_SEED:-7}"
work="${BENCH_WORK:-bench-work}/fuzz-api"
venv="${BENCH_WORK:-bench-work}/venv-schemathesis"
rm -rf "$work" && mkdir -p "$work"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi
cargo build --bin xiezuo
bin=target/debug/xiezuo
db="$work/store.db"
$bin --db "$db" import tests/data/dataset >/dev/null
$bin --db "$db" user add fuzzer --role admin --personal-data >/dev/null
token=$($bin --db "$db" user token fuzzer 2>/dev/null)
$bin --db "$db" serve --addr 127.0.0.1:0 >"$work/serve.log" 2>"$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -qs listening "$work/serve.log" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.log")
checks="${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}"
set +e
"$venv/bin/st" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks "$checks" \
  --max-examples "$examples" \
  --seed "$seed" \
  --workers 2 \
  --request-timeout 60 \
  --suppress-health-check too_slow,filter_too_much \
  --report junit,ndjson --report-dir "$work/report" \
  --no-color >"$work/st.log" 2>&1
status=$?
set -e
# The server must have survived the run.
alive=yes
kill -0 $server 2>/dev/null || alive="no (it exited)"
panics=$(grep -c 'panicked' "$work/serve.err" || true)
{
  echo "schemathesis $("$venv/bin/st" --version | awk '{print $NF}'), seed $seed, at most $examples cases per operation, checks $checks"
  echo "server alive at the end: $alive; panics in its log: $panics"
  echo
  sed -n '/SUMMARY/,$p' "$work/st.log"
} >"$work/summary.md"
cat "$work/summary.md"
# A panic caught by the server still fails the run, whatever it answered.
if [ "$alive" != yes ] || [ "$panics" -ne 0 ]; then status=1; fi
exit $status
