# Issue 5: wss vs ws throughput through the relay (CONNECT, TLS intercepted) and new TLS connections/s.
# Run: bench_tls_relay [--mib N] [--frame BYTES] [--connections N] [--tls-buffer BYTES] [--peers lean|qt] [--repeat N]   (see docs/PERFORMANCE.md)
wslens_add_benchmark(NAME bench_tls_relay SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_tls_relay.cpp LIBS wslens_core)
