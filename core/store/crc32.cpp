#include "store/crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define WSLENS_CRC32_CLMUL 1
#include <immintrin.h>
#endif

namespace wslens::session {

namespace {

quint32 zlibCrc(quint32 crc, const unsigned char *p, size_t size)
{
    // crc32_z takes a z_size_t, so no 4 GiB chunking is needed.
    return quint32(crc32_z(crc, p, z_size_t(size)));
}

#ifdef WSLENS_CRC32_CLMUL

// Folding with PCLMULQDQ after "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ Instruction" (Gopal, Ozturk et al., Intel, 2009), with the
// bit-reflected constants for the CRC-32 polynomial given there (the same
// scheme as Chromium's zlib crc32_simd.c). size >= 64 and a multiple of 16;
// crc is the running value in its inverted (internal) form.
#define WSLENS_CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

// x * k folded onto next (one 128-bit step).
WSLENS_CLMUL_TARGET inline __m128i fold16(__m128i x, __m128i k, __m128i next)
{
    const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
    const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(hi, next), lo);
}

inline __m128i load16(const unsigned char *p)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
}

WSLENS_CLMUL_TARGET quint32 foldClmul(const unsigned char *buf, size_t size, quint32 crc)
{
    alignas(16) static const quint64 k1k2[] = {0x0154442bd4ull, 0x01c6e41596ull};
    alignas(16) static const quint64 k3k4[] = {0x01751997d0ull, 0x00ccaa009eull};
    alignas(16) static const quint64 k5k0[] = {0x0163cd6124ull, 0x0000000000ull};
    alignas(16) static const quint64 poly[] = {0x01db710641ull, 0x01f7011641ull};

    __m128i x1 = load16(buf), x2 = load16(buf + 16), x3 = load16(buf + 32), x4 = load16(buf + 48);
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128(int(crc)));
    __m128i k = _mm_load_si128(reinterpret_cast<const __m128i *>(k1k2));
    buf += 64;
    size -= 64;
    // Four 128-bit lanes folded in parallel over 64-byte blocks.
    while (size >= 64) {
        x1 = fold16(x1, k, load16(buf));
        x2 = fold16(x2, k, load16(buf + 16));
        x3 = fold16(x3, k, load16(buf + 32));
        x4 = fold16(x4, k, load16(buf + 48));
        buf += 64;
        size -= 64;
    }
    // Fold the four lanes into one.
    k = _mm_load_si128(reinterpret_cast<const __m128i *>(k3k4));
    x1 = fold16(x1, k, x2);
    x1 = fold16(x1, k, x3);
    x1 = fold16(x1, k, x4);
    // Remaining 16-byte blocks.
    while (size >= 16) {
        x1 = fold16(x1, k, load16(buf));
        buf += 16;
        size -= 16;
    }
    // 128 -> 64 bits.
    const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
    x2 = _mm_clmulepi64_si128(x1, k, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
    k = _mm_loadl_epi64(reinterpret_cast<const __m128i *>(k5k0));
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, mask32);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k, 0x00), x2);
    // Barrett reduction to 32 bits.
    k = _mm_load_si128(reinterpret_cast<const __m128i *>(poly));
    x2 = _mm_and_si128(x1, mask32);
    x2 = _mm_clmulepi64_si128(x2, k, 0x10);
    x2 = _mm_and_si128(x2, mask32);
    x2 = _mm_clmulepi64_si128(x2, k, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return quint32(_mm_extract_epi32(x1, 1));
}

bool detectClmul()
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

const bool kHaveClmul = detectClmul();

#endif

} // namespace

quint32 crc32(quint32 crc, const void *data, size_t size)
{
    const auto *p = static_cast<const unsigned char *>(data);
#ifdef WSLENS_CRC32_CLMUL
    if (size >= 64 && kHaveClmul) {
        const size_t bulk = size & ~size_t(15);
        crc = ~foldClmul(p, bulk, ~crc);
        p += bulk;
        size -= bulk;
        if (size == 0)
            return crc;
    }
#endif
    return zlibCrc(crc, p, size);
}

bool crc32Accelerated()
{
#ifdef WSLENS_CRC32_CLMUL
    return kHaveClmul;
#else
    return false;
#endif
}

} // namespace wslens::session
