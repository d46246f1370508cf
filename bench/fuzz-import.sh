#!/usr/bin/env bash
# Coverage-guided fuzzing of the importers with cargo-fuzz (libFuzzer):
# seeds are the conformance dataset's files, as CSV and as XLSX; each target
# runs for SECONDS (default 300). Needs `cargo install cargo-fuzz`; the stable
# toolchain runs it with RUSTC_BOOTSTRAP=1. Crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-300}"
export RUSTC_BOOTSTRAP=1
bin=target/release/xiezuo
[ -x "$bin" ] || cargo build --release --bin xiezuo
kinds=(regions region_stats organisations pairings households persons seekers household_income projects milestones beneficiaries funds postings placements trainings training_attendance secondments investments purchases donations meetings targets)
index_of() { for i in "${!kinds[@]}"; do [ "${kinds[$i]}" = "$1" ] && echo "$i" && return; done; echo 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p fuzz/corpus/import_csv fuzz/corpus/import_xlsx
"$bin" --db "$tmp/s.db" import tests/data/dataset >/dev/null
"$bin" --db "$tmp/s.db" export "$tmp/xlsx" --format xlsx >/dev/null
for f in tests/data/dataset/*.csv "$tmp"/xlsx/*.xlsx; do
  name=$(basename "$f"); stem=${name%.*}; ext=${name##*.}
  i=$(index_of "$stem")
  # A truncated zip is no seed: only whole XLSX files within the length limit.
  if [ "$ext" = xlsx ] && [ "$(stat -c %s "$f")" -gt 60000 ]; then continue; fi
  # The first byte chooses the file kind (its index in the schema table).
  { printf "\\$(printf '%03o' "$i")"; head -c 20000 "$f"; } > "fuzz/corpus/import_$ext/$stem"
done
for target in import_csv import_xlsx; do
  echo "== $target ($SECONDS_PER_TARGET s)"
  (cd fuzz && cargo fuzz run "$target" -- -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=4096) 2>&1 |
    tee "$tmp/$target.log" | grep -E "^#[0-9]+ |^Done|ERROR|panicked|SUMMARY" | tail -3
done
