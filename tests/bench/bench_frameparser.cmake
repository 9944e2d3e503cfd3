# Frame parser throughput vs Qt WebSockets (issue 2). Run: bench_frameparser [--quick]
wslens_add_benchmark(NAME bench_frameparser
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_frameparser.cpp
  LIBS wslens_core Qt6::WebSockets Qt6::Network)
