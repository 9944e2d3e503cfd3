# Issue 5: leaf certificate generation (cold) and cache hits.
wslens_add_benchmark(NAME bench_tls SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_tls.cpp LIBS wslens_core)
