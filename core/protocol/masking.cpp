#include "protocol/masking.h"

#include <cstring>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define WSLENS_MASK_SSE2 1
#endif

namespace wslens {

namespace {

// The 8 mask bytes that apply to payload offsets phase .. phase + 7, as a
// uint64 in memory order (so that loading 8 payload bytes with memcpy and
// XOR-ing gives the right result on any endianness).
std::uint64_t maskPattern(std::uint32_t key, std::size_t phase)
{
    unsigned char bytes[8];
    const unsigned char keyBytes[4] = {
        static_cast<unsigned char>(key >> 24), static_cast<unsigned char>(key >> 16),
        static_cast<unsigned char>(key >> 8), static_cast<unsigned char>(key)};
    for (std::size_t i = 0; i < 8; ++i)
        bytes[i] = keyBytes[(phase + i) & 3];
    std::uint64_t pattern;
    std::memcpy(&pattern, bytes, 8);
    return pattern;
}

} // namespace

void applyMask(char *dst, const char *src, std::size_t n, std::uint32_t key, std::size_t phase)
{
    if (key == 0) {
        if (dst != src && n)
            std::memmove(dst, src, n);
        return;
    }
    const std::uint64_t pattern = maskPattern(key, phase);
    std::size_t i = 0;
#ifdef WSLENS_MASK_SSE2
    const __m128i pattern128 = _mm_set1_epi64x(static_cast<long long>(pattern));
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 16));
        __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 32));
        __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i + 48));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), _mm_xor_si128(a, pattern128));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 16), _mm_xor_si128(b, pattern128));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 32), _mm_xor_si128(c, pattern128));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i + 48), _mm_xor_si128(d, pattern128));
    }
    for (; i + 16 <= n; i += 16) {
        __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i *>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(dst + i), _mm_xor_si128(a, pattern128));
    }
#endif
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, src + i, 8);
        word ^= pattern;
        std::memcpy(dst + i, &word, 8);
    }
    // Tail: i is a multiple of 8, so the pattern's byte k applies to offset i + k.
    if (i < n) {
        unsigned char bytes[8];
        std::memcpy(bytes, &pattern, 8);
        for (std::size_t k = 0; i < n; ++i, ++k)
            dst[i] = static_cast<char>(static_cast<unsigned char>(src[i]) ^ bytes[k]);
    }
}

void applyMaskBytewise(char *dst, const char *src, std::size_t n, std::uint32_t key, std::size_t phase)
{
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned shift = 24 - 8 * ((phase + i) & 3);
        dst[i] = static_cast<char>(static_cast<unsigned char>(src[i]) ^ static_cast<unsigned char>(key >> shift));
    }
}

} // namespace wslens
