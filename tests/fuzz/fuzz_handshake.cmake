wslens_add_fuzzer(NAME fuzz_handshake
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_handshake.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/handshake)
