#!/usr/bin/env bash
# End-to-end benchmark of `transom run`: generates the standard workload (default 10M events),
# runs the tumbling-sum pipeline over it through the launcher (as users run it), and prints events/s
# and peak RSS. Needs no Flink: the quick check; bench/ Harness is the full comparison.
# Usage: bench/run-benchmark.sh [EVENTS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
events="${1:-10000000}"
runs="${2:-3}"
data="${TRANSOM_BENCH_DIR:-$root/bench/out}"
mkdir -p "$data"
input="$data/clicks-$events.jsonl"
if [ ! -s "$input" ]; then
  echo "generating $events events into $input ..." >&2
  java "$here/GenerateClicks.java" "$events" > "$input.tmp" && mv "$input.tmp" "$input"
fi
"$root/transom" validate "$here/tumbling-sum.yaml" > /dev/null  # builds the jar first when stale
echo "input: $(du -h "$input" | cut -f1), $events events; java: $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$runs"); do
  stats="$data/time-$i.txt"
  start=$(date +%s.%N)
  /usr/bin/time -v "$root/transom" run "$here/tumbling-sum.yaml" \
    --input "$input" --output "$data/out.jsonl" 2> "$stats"
  end=$(date +%s.%N)
  rss_kb=$(grep "Maximum resident set size" "$stats" | awk '{print $NF}')
  outputs=$(wc -l < "$data/out.jsonl")
  awk -v s="$start" -v e="$end" -v n="$events" -v rss="$rss_kb" -v o="$outputs" -v i="$i" \
    'BEGIN { t = e - s; printf "run %d: %.1f s, %.0f events/s, peak RSS %.0f MB, %d outputs\n", i, t, n / t, rss / 1024, o }'
done
