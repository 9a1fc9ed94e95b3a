#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_SECONDS (default 60) with cargo-fuzz on the nightly
# toolchain, starting from the committed seed corpus (fuzz/corpus/TARGET), and prints
# how many inputs each target ran. Inputs that find new coverage go to fuzz/work/TARGET,
# crashes to fuzz/artifacts/TARGET (both ignored by git): keep a crash as a regression
# test in the normal suite. Usage: scripts/fuzz.sh [TARGET...]
set -euo pipefail

cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(msgpack json data_source engine function)
fi
if ! cargo +nightly fuzz --help >/dev/null 2>&1; then
  echo "fuzz.sh: needs cargo-fuzz and the nightly toolchain: cargo install cargo-fuzz" >&2
  exit 2
fi

cargo +nightly fuzz build
total=0
summary=""
for target in "${targets[@]}"; do
  mkdir -p "work/$target"
  log="work/$target.log"
  # The first corpus directory receives new inputs; the seeds stay as committed.
  cargo +nightly fuzz run "$target" "work/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 2>&1 | tee "$log" | grep -E "^(Done|==|INFO: Seed)" || true
  status=${PIPESTATUS[0]}
  runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  if [ "$status" -ne 0 ] || [ -z "$runs" ]; then
    echo "fuzz.sh: $target failed (exit $status); see fuzz/$log and fuzz/artifacts/$target" >&2
    exit 1
  fi
  total=$((total + runs))
  summary+=$(printf '%-12s %12d runs in %ss' "$target" "$runs" "$seconds")$'\n'
done
printf '%s' "$summary"
printf '%-12s %12d runs\n' "total" "$total"
