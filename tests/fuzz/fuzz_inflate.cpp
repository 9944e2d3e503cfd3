// libFuzzer target: the permessage-deflate inflater with a small cap, context
// takeover across messages and split input; plus a deflate/inflate round trip.
// Input: byte 0 = options (bit 0 no_context_takeover, bit 1 text, bits 2-5
// window bits - 0..15 clamped), byte 1 = chunk size; the rest is a sequence of
// messages, each prefixed with a 1-byte length.
#include "protocol/deflatecodec.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace wslens;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    InflaterOptions o;
    o.noContextTakeover = data[0] & 1;
    o.windowBits = (data[0] >> 2) & 0x0f;
    o.maxMessageSize = 64 * 1024;
    const bool text = data[0] & 2;
    const std::size_t chunk = std::size_t(data[1]) + 1;
    Inflater inf(o);
    std::uint64_t total = 0;
    const Inflater::Output sink = [&](const char *, std::size_t n) {
        total += n;
        if (n > 16 * 1024)
            abort(); // pieces are bounded
    };
    std::size_t pos = 2;
    while (pos < size) {
        const std::size_t len = std::min<std::size_t>(data[pos], size - pos - 1);
        ++pos;
        total = 0;
        inf.setTextMessage(text);
        for (std::size_t i = 0; i < len; i += chunk)
            inf.feed(reinterpret_cast<const char *>(data + pos + i), std::min(chunk, len - i), sink);
        const Violation v = inf.finish(sink);
        if (total > o.maxMessageSize || inf.messageSize() != total)
            abort(); // cap enforced while inflating
        if (v == Violation::DecompressedTooLarge && total != o.maxMessageSize)
            abort();
        pos += len;
    }

    // Round trip: whatever we compress, we inflate back identically.
    DeflaterOptions dopt;
    dopt.windowBits = 8 + (data[0] >> 4) % 8;
    dopt.noContextTakeover = data[0] & 1;
    Deflater def(dopt);
    InflaterOptions iopt;
    iopt.windowBits = dopt.windowBits;
    iopt.noContextTakeover = dopt.noContextTakeover;
    Inflater back(iopt);
    for (int round = 0; round < 2; ++round) {
        const QByteArray c = def.compressMessage(reinterpret_cast<const char *>(data), size);
        QByteArray out;
        if (back.inflateMessage(c, &out) != Violation::None || out.size() != qsizetype(size)
            || std::memcmp(out.constData(), data, size) != 0)
            abort();
    }
    return 0;
}
