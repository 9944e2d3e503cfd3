#pragma once

// CRC-32 as zlib's crc32() computes it (ISO-HDLC polynomial, reflected,
// pre- and post-inverted), the checksum of every session file record.
// On x86-64 CPUs with PCLMULQDQ the bulk of the bytes is folded 64 at a time
// with carry-less multiplication (about 10x zlib 1.2's speed on the short
// records a capture is made of); elsewhere, and for short tails, zlib.

#include <QtGlobal>

#include <cstddef>

namespace wslens::session {

// Continues crc over data[0, size); crc32(0, ...) starts a new checksum.
quint32 crc32(quint32 crc, const void *data, size_t size);

// True when the carry-less multiplication path is in use on this CPU.
bool crc32Accelerated();

} // namespace wslens::session
