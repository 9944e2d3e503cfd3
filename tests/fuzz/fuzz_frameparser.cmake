# libFuzzer target for the streaming frame parser (issue 2); seed corpus in corpus/frameparser/.
wslens_add_fuzzer(NAME fuzz_frameparser
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_frameparser.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/frameparser)
