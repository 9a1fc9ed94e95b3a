#!/usr/bin/env bash
# Runs every cargo test (all targets, then the doc tests) with cargo's output as usual,
# and ends with one plain line, `N passed, N failed`, totalled over the `test result:`
# lines of every test binary and the doc tests. Exits non-zero when a test failed or
# cargo itself failed (a build error, a test binary that crashed).
#
# Usage: scripts/test.sh [extra cargo test arguments]
set -uo pipefail

log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
# --no-fail-fast: a failure in one binary must not hide the results of the others.
cargo test --locked --no-fail-fast --all-targets "$@" 2>&1 | tee -a "$log" || status=1
cargo test --locked --no-fail-fast --doc "$@" 2>&1 | tee -a "$log" || status=1

read -r passed failed < <(awk '
  /^test result: / {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) ~ /^passed;/) passed += $i
      if ($(i + 1) ~ /^failed;/) failed += $i
    }
  }
  END { print passed + 0, failed + 0 }
' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "cargo test failed before every test ran (see the errors above)"
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
