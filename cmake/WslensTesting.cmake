# One place that registers tests, benchmarks and fuzz targets.
#
#   wslens_add_test(NAME tst_x SOURCES a.cpp [LIBS ...] [LABELS ...] [TIMEOUT s])
#     builds an executable that links the libraries (never recompiles product
#     sources), registers it with ctest and runs it with QT_QPA_PLATFORM=offscreen.
#   wslens_add_benchmark(NAME bench_x SOURCES ...)   built, not registered as a test.
#   wslens_add_fuzzer(NAME fuzz_x SOURCES ... CORPUS dir)  libFuzzer target.
function(wslens_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT WSLENS_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE wslens_settings wslens_testsupport Qt6::Test ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set(env "QT_QPA_PLATFORM=offscreen" "WSLENS_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
          "WSLENS_PYTHON=/usr/bin/python3" "ASAN_OPTIONS=detect_leaks=0")
  if(TARGET wslens)
    list(APPEND env "WSLENS_BINARY=$<TARGET_FILE:wslens>")
    add_dependencies(${T_NAME} wslens)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES
    TIMEOUT ${T_TIMEOUT}
    LABELS "${T_LABELS}"
    ENVIRONMENT "${env}")
endfunction()

function(wslens_add_benchmark)
  cmake_parse_arguments(B "" "NAME" "SOURCES;LIBS" ${ARGN})
  if(NOT WSLENS_BUILD_BENCHMARKS)
    return()
  endif()
  add_executable(${B_NAME} ${B_SOURCES})
  target_link_libraries(${B_NAME} PRIVATE wslens_settings wslens_testsupport Qt6::Test ${B_LIBS})
endfunction()

function(wslens_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT WSLENS_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${F_NAME} ${F_SOURCES})
  target_compile_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${F_NAME} PRIVATE wslens_settings ${F_LIBS})
  set_property(GLOBAL APPEND PROPERTY WSLENS_FUZZERS "${F_NAME}|${F_CORPUS}")
endfunction()
