#!/usr/bin/env bash
# Sets everything up, builds with warnings as errors, and runs every test: the unit tests, the
# oracle, GPU and golden tests, then the unit, oracle and GPU tests again under ASan + UBSan, the
# mutation smoke of the CLI on that build, and the fuzz targets for a bounded time.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
bash scripts/check_format.sh
DCMLENS_BUILD_DIR=build bash scripts/build.sh -DDCMLENS_STRICT=ON
(cd build && ctest --output-on-failure -j2)
# Sanitizers: the unit, oracle and GPU tests again with -fsanitize=address,undefined. Leak
# checking stays on except where Mesa's GL driver is loaded: it leaks at unload, not our code.
DCMLENS_BUILD_DIR=build-asan bash scripts/build.sh -DDCMLENS_STRICT=ON -DDCMLENS_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=Debug
# Not oracle_dictionary (2 minutes under ASan, one comparison of DCMTK's dictionary files; the
# compiled dictionary's reader runs here through the CompiledDictionary unit tests).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j2 -L "unit|oracle" -LE gpu \
  -E '^oracle_dictionary$')
# The GPU test binary; not the GPU oracles nor the Orthanc test (the same renderer and net/ code,
# corpus-wide: about 4 minutes under ASan, which CI's 30 minutes cannot spare; they run in the
# normal build above, and net/'s parsers are fuzzed below).
(cd build-asan && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -j2 -L gpu -LE "sweep|oracle|pacs")
# The mutation smoke of the CLI on the sanitizer build (bounded: 150 s of mutants).
(cd build-asan && ctest --output-on-failure -L smoke)
# Fuzzing: the libFuzzer targets (clang-16, build-fuzz/) for 45 s each, two at a time; fails
# on any crash, sanitizer report, leak or slow input (tests/fuzz/run_fuzzers.sh).
bash tests/fuzz/run_fuzzers.sh --seconds 45
