// Fuzzes tls::peekClientHello: any bytes, any length; the SNI it returns lies
// within the input.
#include "tls/clienthello.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto *bytes = reinterpret_cast<const char *>(data);
    const auto n = static_cast<qsizetype>(size);
    const wslens::tls::ClientHelloPeek p = wslens::tls::peekClientHello(bytes, n);
    if (p.serverName.size() > n)
        std::abort();
    // Every prefix must give an answer too (the relay peeks growing buffers).
    if (n > 0)
        wslens::tls::peekClientHello(bytes, n / 2);
    return 0;
}
