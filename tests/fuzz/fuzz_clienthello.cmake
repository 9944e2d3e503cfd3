# libFuzzer target for the ClientHello peek (SNI from untrusted bytes, issue 5); seeds in corpus/clienthello/.
wslens_add_fuzzer(NAME fuzz_clienthello
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_clienthello.cpp
  LIBS wslens_core
  CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/clienthello)
