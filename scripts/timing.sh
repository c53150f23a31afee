# Sourced by .ci/run and scripts/test.sh: runs a step and records how long it took, so every
# CI log ends with the per-step times that BENCHMARKS.md quotes.
TIMING_LOG="${TIMING_LOG:-$(mktemp)}"
export TIMING_LOG

timed() {
  local name="$1" start end
  shift
  start=$(date +%s)
  "$@"
  end=$(date +%s)
  printf '%-28s %5d s\n' "$name" "$((end - start))" >>"$TIMING_LOG"
}

timing_summary() {
  echo "== step times =="
  cat "$TIMING_LOG"
}
