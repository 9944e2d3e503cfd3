wslens_add_fuzzer(NAME fuzz_inflate
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_inflate.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/inflate)
