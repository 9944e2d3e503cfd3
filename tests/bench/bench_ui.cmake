# UI benchmark: open a session (first rows, fully indexed), filter times,
# live-ingest stall with millions of rows. Run: bench_ui --help
wslens_add_benchmark(NAME bench_ui SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_ui.cpp LIBS wslens_ui)
