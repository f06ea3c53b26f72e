#!/usr/bin/env bash
# Runs libFuzzer harnesses on a copy of their corpus and fails on any crash, leak, timeout or out-of-memory.
#   fuzz/run_fuzzers.sh <build dir> <seconds per harness> [harness ...]   (default: every harness)
# Seeds: fuzz/corpus/<harness>/ (committed) + <build>/fuzz/corpus/<harness>/ (make_corpus). New inputs found go to
# <build>/fuzz/work/<harness>/ (kept between runs); a crash input goes to <build>/fuzz/artifacts/<harness>/.
# FUZZ_JOBS=N runs N harnesses at a time (default 1). Extra libFuzzer flags: FUZZ_FLAGS.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?build dir}" && pwd)"
seconds="${2:-600}"
shift 2 || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(kitti_calib kitti_label kitti_timestamps oxts tracklets velodyne nuscenes_table mcap_reader mcap_records
             ros_message ros_schema png_header)
fi
jobs="${FUZZ_JOBS:-1}"

run_one() {
  local h="$1" bin="$build/fuzz/fuzz_$1"
  local work="$build/fuzz/work/$h" artifacts="$build/fuzz/artifacts/$h" log="$build/fuzz/logs/$h.log"
  [ -x "$bin" ] || { echo "fuzz $h: $bin not built" >&2; return 1; }
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  for seeds in "$here/corpus/$h" "$build/fuzz/corpus/$h"; do
    [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
  done
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb/-malloc_limit_mb: unbounded allocation is a bug.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  "$bin" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} >"$log" 2>&1
  local rc=$?
  local stats
  stats="$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' ')"
  if [ $rc -ne 0 ]; then
    echo "fuzz $h: FAILED (exit $rc), log $log" >&2
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20 >&2
    return 1
  fi
  echo "fuzz $h: ok after ${seconds}s: $stats"
}
export -f run_one
export build here seconds

failed=0
if [ "$jobs" -le 1 ]; then
  for h in "${harnesses[@]}"; do run_one "$h" || failed=1; done
else
  printf '%s\n' "${harnesses[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {} || failed=1
fi
exit $failed
