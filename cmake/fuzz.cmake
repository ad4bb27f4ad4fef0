# Fuzz targets (tests/fuzz/, docs/testing.md "Fuzzing").
#
# dcmlens_fuzz_target(NAME SOURCE LIBRARY...) adds one target, `fuzz_NAME`, whose SOURCE defines
# LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize) and links the given dcmlens libraries:
#  - with DCMLENS_FUZZ (a clang build, e.g. CC=clang-16 CXX=clang++-16): a libFuzzer executable
#    (-fsanitize=fuzzer,address,undefined; the whole build carries the coverage instrumentation),
#    run by tests/fuzz/run_fuzzers.sh on seeds/NAME (tests/fuzz/make_seeds.py) and the regressions;
#  - otherwise: the same code with tests/fuzz/replay_main.cpp, run by CTest as
#    fuzz_regressions_NAME over tests/fuzz/regressions/NAME/ (every crash the fuzzers found).
# A new target is one line in tests/fuzz/CMakeLists.txt plus its folder of regression inputs.
option(DCMLENS_FUZZ "Build the libFuzzer targets (needs clang with libFuzzer: clang-16)" OFF)

if(DCMLENS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DCMLENS_FUZZ needs clang (configure with CC=clang-16 CXX=clang++-16)")
  endif()
  # Coverage feedback and sanitizers for every dcmlens library the targets link.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
  add_custom_target(dcmlens_fuzzers)
endif()

function(dcmlens_fuzz_target name source)
  set(target fuzz_${name})
  if(DCMLENS_FUZZ)
    add_executable(${target} ${source})
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    add_dependencies(dcmlens_fuzzers ${target})
  else()
    add_executable(${target} ${source} ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    add_test(NAME fuzz_regressions_${name}
             COMMAND ${target} ${CMAKE_SOURCE_DIR}/tests/fuzz/regressions/${name})
    set_tests_properties(fuzz_regressions_${name} PROPERTIES LABELS "unit;fuzz" TIMEOUT 300)
  endif()
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/tests/fuzz)
  target_link_libraries(${target} PRIVATE ${ARGN})
  dcmlens_warnings(${target})
endfunction()
