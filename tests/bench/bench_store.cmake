# Capture store (issue 3): append rate, open time, RAM per frame at 1 M and 10 M frames.
# Run: bench_store [--frames 1000000,10000000] [--payload 100] [--threads 1]  (see docs/PERFORMANCE.md)
wslens_add_benchmark(NAME bench_store SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_store.cpp LIBS wslens_core)
