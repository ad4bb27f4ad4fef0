#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-16 (build-fuzz/, -DDCMLENS_FUZZ=ON) and runs each for a
# bounded time on its seeds (tests/fuzz/make_seeds.py, from pydicom's files) and its committed
# regression inputs. Fails on any crash, sanitizer report (ASan, UBSan), leak (LeakSanitizer),
# input slower than 20 s, resident memory beyond 2 GiB or one allocation beyond 4 GiB (DCMTK's
# largest: an element's claimed length, which it allocates before finding a deflated stream too
# short; dicom/deflate_check.hpp now refuses those claims first, see the regression inputs
# tests/fuzz/regressions/dicom_file/deflate-*.dcm); the input that did it is left in
# build-fuzz/artifacts/TARGET/ (copy it to tests/fuzz/regressions/TARGET/ once fixed).
#
#   tests/fuzz/run_fuzzers.sh [--seconds N] [--jobs J] [--long] [--dir DIR] [TARGET...]
#
# --dir: run the targets already built in DIR (a copy of build-fuzz/, so that rebuilding does not
# change a long run's binaries under it) instead of building build-fuzz/.
# --seconds: per target (default 60); --jobs: targets run side by side (default 2, the CI's
# cores); --long: the recorded long run (docs/testing.md): keeps going after a crash, collecting
# every artifact, at nice 19, one target at a time unless --jobs says more.
# The corpus each target grows stays in build-fuzz/corpus/TARGET/ for the next run.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=60
jobs=2
long=0
dir=build-fuzz
build=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --long) long=1; jobs=1; shift ;;
    --dir) dir=$2; build=0; shift 2 ;;
    -*) echo "run_fuzzers: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=(dicom_file dicomdir lut jpeg_color program_file multipart qido)

if [ "$build" = 1 ]; then
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    CC=clang-16 CXX=clang++-16 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDCMLENS_FUZZ=ON -DDCMLENS_TESTS=OFF -DDCMLENS_STRICT=ON >/dev/null
  fi
  cmake --build "$dir" -j"$(nproc)" --target dcmlens_fuzzers >/dev/null
fi
# Seeds are made once per folder, again when a target is new (a folder made before it was added
# has no seeds for it, and libFuzzer refuses a corpus folder that does not exist).
for t in "${targets[@]}"; do
  if [ ! -d "$dir/seeds/$t" ]; then
    rm -rf "$dir/seeds.tmp"
    /usr/bin/python3 tests/fuzz/make_seeds.py "$dir/seeds.tmp" >/dev/null
    rm -rf "$dir/seeds"
    mv "$dir/seeds.tmp" "$dir/seeds"
    break
  fi
done
if [ -x /usr/bin/llvm-symbolizer-16 ]; then
  export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-16
fi
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1

# One libFuzzer process on the target's corpus for the time left. --long: after a crash (the
# input is in the artifacts folder) the next process starts with the time still left, so one
# finding does not end the run; the summary adds up the processes' statistics.
run_one() {
  local t=$1
  local corpus=$dir/corpus/$t artifacts=$dir/artifacts/$t log=$dir/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$dir/logs"
  : >"$log"
  local start=$SECONDS rc=0 left=$seconds failed=0 runs=0
  while [ "$left" -gt 0 ]; do
    rc=0
    nice -n "$([ "$long" = 1 ] && echo 19 || echo 0)" "$dir/tests/fuzz/fuzz_$t" \
      -max_total_time="$left" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" "$dir/seeds/$t" "tests/fuzz/regressions/$t" \
      >>"$log" 2>&1 || rc=$?
    runs=$((runs + 1))
    [ "$rc" != 0 ] && failed=1
    if [ "$long" != 1 ] || [ "$rc" = 0 ]; then
      break
    fi
    left=$((seconds - (SECONDS - start)))
  done
  local executed speed cov
  executed=$(grep -E "^stat::number_of_executed_units" "$log" | awk '{s += $2} END {print s + 0}')
  cov=$(grep -E "^#[0-9]+[[:space:]].* cov: " "$log" | tail -1 | sed -E 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([^ ]+).*/edges \1, features \2, corpus \3/')
  speed=$((executed / ((SECONDS - start) > 0 ? (SECONDS - start) : 1)))
  echo "fuzz $t: $((SECONDS - start)) s, $runs process(es), $executed inputs ($speed/s); $cov; findings: $(ls "$artifacts" | wc -l)"
  if [ "$failed" = 1 ] || ls "$artifacts" | grep -q .; then
    grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 >&2 || true
    echo "fuzz $t: FAILED, see $log and $artifacts/" >&2
    return 1
  fi
}
export -f run_one
export dir seconds long
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
