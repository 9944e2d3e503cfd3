# libFuzzer target for the session file reader (issue 3); seed corpus in corpus/sessionreader/.
wslens_add_fuzzer(NAME fuzz_sessionreader
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_sessionreader.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/sessionreader)
