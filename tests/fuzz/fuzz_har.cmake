# libFuzzer target for HAR import (issue 3); seed corpus in corpus/har/.
wslens_add_fuzzer(NAME fuzz_har
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_har.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/har)
