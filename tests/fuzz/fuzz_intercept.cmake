# libFuzzer target for the intercept stream engine (issue 6); seed corpus in corpus/intercept/.
wslens_add_fuzzer(NAME fuzz_intercept
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_intercept.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/intercept)
