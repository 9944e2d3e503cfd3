#pragma once

#include <cstddef>
#include <cstdint>

namespace wslens {

// XOR-masks (or unmasks: the operation is its own inverse) n bytes with the
// RFC 6455 5.3 masking key. key holds the 4 key bytes in wire order, first
// byte most significant (as FrameHeader::maskKey). phase is the offset of
// src[0] within the frame payload, so a payload can be processed in pieces:
// call with phase = number of payload bytes already processed.
// dst may equal src (in place); otherwise the ranges must not overlap.
// Works 16 bytes (SSE2) or 8 bytes (uint64) at a time; unaligned-safe.
void applyMask(char *dst, const char *src, std::size_t n, std::uint32_t key, std::size_t phase = 0);

// Same, in place.
inline void applyMaskInPlace(char *data, std::size_t n, std::uint32_t key, std::size_t phase = 0)
{
    applyMask(data, data, n, key, phase);
}

// Reference implementation, one byte at a time (tests and benchmarks compare against it).
void applyMaskBytewise(char *dst, const char *src, std::size_t n, std::uint32_t key, std::size_t phase = 0);

} // namespace wslens
