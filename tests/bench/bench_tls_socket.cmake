# TlsSocket vs QSslSocket vs plain TCP: direct bulk throughput over loopback (64 KiB writes).
# Run: bench_tls_socket [--mib N] [--chunk BYTES]   (see docs/PERFORMANCE.md, "wss through the relay")
wslens_add_benchmark(NAME bench_tls_socket SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_tls_socket.cpp LIBS wslens_core)
