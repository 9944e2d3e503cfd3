#include "protocol/utf8validator.h"

#include <cstring>

namespace wslens {

namespace {

// State layout when not Accept/Reject: bits 0-1 = continuation bytes still
// needed (1-3), bits 8-15 = lowest allowed next byte, bits 16-23 = highest.
constexpr std::uint32_t expect(std::uint32_t need, std::uint32_t lo, std::uint32_t hi)
{
    return need | (lo << 8) | (hi << 16);
}

inline std::uint32_t step(std::uint32_t state, unsigned char b)
{
    if (state == Utf8Validator::Accept) {
        if (b < 0x80)
            return Utf8Validator::Accept;
        if (b < 0xC2) // stray continuation byte or overlong 2-byte lead
            return Utf8Validator::Reject;
        if (b < 0xE0)
            return expect(1, 0x80, 0xBF);
        if (b < 0xF0) // E0: no overlongs; ED: no surrogates
            return expect(2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
        if (b < 0xF5) // F0: no overlongs; F4: nothing above U+10FFFF
            return expect(3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
        return Utf8Validator::Reject;
    }
    const std::uint32_t lo = (state >> 8) & 0xFF;
    const std::uint32_t hi = (state >> 16) & 0xFF;
    if (b < lo || b > hi)
        return Utf8Validator::Reject;
    const std::uint32_t need = (state & 3) - 1;
    return need == 0 ? Utf8Validator::Accept : expect(need, 0x80, 0xBF);
}

} // namespace

std::uint32_t Utf8Validator::advance(std::uint32_t state, const char *data, std::size_t size,
                                     std::size_t *validPrefix)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    std::size_t i = 0;
    if (state == Reject) {
        if (validPrefix)
            *validPrefix = 0;
        return Reject;
    }
    while (i < size) {
        if (state == Accept) {
            // Skip ASCII 8 bytes at a time.
            while (i + 8 <= size) {
                std::uint64_t word;
                std::memcpy(&word, p + i, 8);
                if (word & 0x8080808080808080ull)
                    break;
                i += 8;
            }
            if (i == size)
                break;
        }
        state = step(state, p[i]);
        if (state == Reject) {
            if (validPrefix)
                *validPrefix = i;
            return Reject;
        }
        ++i;
    }
    if (validPrefix)
        *validPrefix = size;
    return state;
}

std::uint32_t Utf8Validator::advance(std::uint32_t state, const char *data, std::size_t size)
{
    return advance(state, data, size, nullptr);
}

} // namespace wslens
