// libFuzzer target for wslens::FrameParser (+ MessageAssembler, FrameWriter headers).
//
// Input layout: byte 0 = options (bit 0: sender is the server, bit 1: RSV1
// allowed (permessage-deflate), bit 2: validate UTF-8, bit 3: small limits),
// byte 1 = seed of the chunking, the rest = the byte stream.
// The stream is parsed twice, whole and in pseudo-random chunks of 1..256+
// bytes, and the invariants are checked:
//  - events come in order: header, payload pieces, end; violations only inside a frame;
//  - payload bytes of a frame never exceed its declared length, and equal it at frameEnd;
//  - the whole and the chunked parse give identical frames (headers, payload, violations);
//  - every header re-encodes (FrameWriter::encodeHeader) to a header that decodes the same;
//  - the assembler never holds more than its limit.

#include "protocol/frameparser.h"
#include "protocol/framewriter.h"
#include "protocol/messageassembler.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace wslens;

namespace {

#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) \
            std::abort(); \
    } while (0)

struct FrameSummary
{
    FrameHeader header;
    std::uint64_t delivered = 0;
    std::uint64_t hash = 1469598103934665603ull;
    std::vector<std::uint8_t> violations;
    bool ended = false;

    bool operator==(const FrameSummary &o) const
    {
        const FrameHeader &a = header;
        const FrameHeader &b = o.header;
        const bool sameHeader = a.payloadLength == b.payloadLength && a.maskKey == b.maskKey && a.opcode == b.opcode
                             && a.rsv == b.rsv && a.fin == b.fin && a.masked == b.masked
                             && a.lengthEncoding == b.lengthEncoding && a.headerLength == b.headerLength;
        return sameHeader && delivered == o.delivered && hash == o.hash
            && violations == o.violations && ended == o.ended;
    }
};

class CheckingSink : public FrameSink
{
public:
    std::vector<FrameSummary> frames;

    void frameHeader(const FrameHeader &h) override
    {
        FUZZ_CHECK(frames.empty() || frames.back().ended);
        FUZZ_CHECK(h.headerLength >= 2 && h.headerLength <= 14);
        FUZZ_CHECK(h.opcode < 16 && h.rsv < 8);
        // Re-encoding the header gives the same fields.
        std::uint8_t buf[FrameWriter::MaxHeaderSize];
        const std::size_t n = FrameWriter::encodeHeader(h, buf);
        FUZZ_CHECK(n == h.headerLength);
        FUZZ_CHECK(FrameParser::headerSize(buf[0], buf[1]) == n);
        const FrameHeader d = FrameParser::decodeHeader(buf);
        FUZZ_CHECK(d.payloadLength == h.payloadLength && d.maskKey == h.maskKey && d.opcode == h.opcode
                   && d.rsv == h.rsv && d.fin == h.fin && d.masked == h.masked
                   && d.lengthEncoding == h.lengthEncoding);
        FrameSummary f;
        f.header = h;
        frames.push_back(f);
    }
    void framePayload(const char *data, std::size_t size) override
    {
        FUZZ_CHECK(!frames.empty() && !frames.back().ended);
        FUZZ_CHECK(size > 0 && data != nullptr);
        FrameSummary &f = frames.back();
        f.delivered += size;
        FUZZ_CHECK(f.delivered <= f.header.payloadLength);
        for (std::size_t i = 0; i < size; ++i)
            f.hash = (f.hash ^ std::uint8_t(data[i])) * 1099511628211ull;
    }
    void frameEnd() override
    {
        FUZZ_CHECK(!frames.empty() && !frames.back().ended);
        FUZZ_CHECK(frames.back().delivered == frames.back().header.payloadLength);
        frames.back().ended = true;
    }
    void violation(Violation v) override
    {
        FUZZ_CHECK(!frames.empty() && !frames.back().ended);
        FUZZ_CHECK(v != Violation::None && v < Violation::Count);
        frames.back().violations.push_back(std::uint8_t(v));
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::uint8_t flags = data[0];
    std::uint32_t seed = data[1] * 2654435761u + 1;
    const char *stream = reinterpret_cast<const char *>(data + 2);
    const std::size_t n = size - 2;

    ParserOptions o;
    o.sender = (flags & 1) ? Role::Server : Role::Client;
    o.allowedRsv = (flags & 2) ? Rsv::Rsv1 : 0;
    o.validateUtf8 = (flags & 4) != 0;
    if (flags & 8) {
        o.limits.maxFrameSize = 64;
        o.limits.maxMessageSize = 200;
    }

    CheckingSink whole;
    FrameParser wholeParser(o);
    wholeParser.feed(stream, n, whole);
    FUZZ_CHECK(wholeParser.bytesConsumed() == n);

    CheckingSink chunked;
    FrameParser chunkParser(o);
    std::size_t pos = 0;
    while (pos < n) {
        seed = seed * 1103515245u + 12345u;
        std::size_t len = 1 + ((seed >> 16) % ((seed & 0x80000000u) ? 300u : 7u));
        if (len > n - pos)
            len = n - pos;
        chunkParser.feed(stream + pos, len, chunked);
        pos += len;
    }
    FUZZ_CHECK(chunked.frames.size() == whole.frames.size());
    for (std::size_t i = 0; i < whole.frames.size(); ++i)
        FUZZ_CHECK(chunked.frames[i] == whole.frames[i]);
    FUZZ_CHECK(chunkParser.atFrameBoundary() == wholeParser.atFrameBoundary());
    FUZZ_CHECK(chunkParser.inFragmentedMessage() == wholeParser.inFragmentedMessage());

    // Assembler with a small limit: messages never exceed it.
    static constexpr std::uint64_t limit = 128;
    MessageAssembler assembler(limit);
    assembler.setMessageHandler([](AssembledMessage &&m) {
        FUZZ_CHECK(std::uint64_t(m.data.size()) <= limit);
        FUZZ_CHECK(m.opcode != Opcode::Continuation);
        FUZZ_CHECK(!m.tooLarge || m.data.isEmpty());
    });
    FrameParser assemblerParser(o);
    assemblerParser.feed(stream, n, assembler);
    return 0;
}
