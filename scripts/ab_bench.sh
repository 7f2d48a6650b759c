#!/usr/bin/env bash
# Two builds of `bench` timed against each other, run for run in turn, so that both see the
# same machine. On this project's 2-core machine the same binary's Kepler booster fit took
# 2.3 s in one quarter of an hour and 3.9 s in another: figures from separate runs say
# nothing about a 10 % change, interleaved ones do.
#
#   cp target/release/bench /tmp/bench_before   # build, then change the code and build again
#   scripts/ab_bench.sh /tmp/bench_before target/release/bench kepler gradient_boosting
#   RUNS=5 THREADS=1 scripts/ab_bench.sh A B tess random_forest   # THREADS: RAYON_NUM_THREADS
#   FIELD=explain_s scripts/ab_bench.sh A B kepler random_forest  # any field of the BENCH line
#
# Prints every run's figure per binary, then each binary's median and the ratio B / A.
set -euo pipefail
if [[ $# -ne 4 ]]; then
    echo "usage: $0 BENCH_A BENCH_B MISSION MODEL" >&2
    exit 2
fi
a=$1 b=$2 mission=$3 model=$4
runs="${RUNS:-3}" field="${FIELD:-fit_s}"
threads=()
if [[ -n "${THREADS:-}" ]]; then
    threads=(env "RAYON_NUM_THREADS=$THREADS")
fi
figure() {
    "${threads[@]}" "$1" "$mission" "$model" | grep '^BENCH' | grep -o " $field=[0-9.]*" | cut -d= -f2
}
median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -a fa fb
for i in $(seq "$runs"); do
    fa+=("$(figure "$a")")
    fb+=("$(figure "$b")")
    echo "run $i: A $field=${fa[-1]}  B $field=${fb[-1]}"
done
ma=$(printf '%s\n' "${fa[@]}" | median)
mb=$(printf '%s\n' "${fb[@]}" | median)
echo "AB mission=$mission model=$model field=$field runs=$runs threads=${THREADS:-all} A=$ma B=$mb" \
    "ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.3f", b / a }')"
