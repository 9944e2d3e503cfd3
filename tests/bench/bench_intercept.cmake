# Intercept (issue 6): relay throughput with and without rules, 100 B messages.
# Run: bench_intercept [--frames N]   (see docs/PERFORMANCE.md)
wslens_add_benchmark(NAME bench_intercept SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_intercept.cpp LIBS wslens_core)
