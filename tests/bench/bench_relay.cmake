# Relay (issue 4): relay vs direct vs socat; throughput, RTT, concurrency.
# Run: bench_relay [--quick] [--wslens PATH]   (see docs/PERFORMANCE.md)
wslens_add_benchmark(NAME bench_relay SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_relay.cpp LIBS wslens_core)
if(TARGET bench_relay AND TARGET wslens)
  target_compile_definitions(bench_relay PRIVATE WSLENS_BINARY_PATH="$<TARGET_FILE:wslens>")
  add_dependencies(bench_relay wslens)
endif()
