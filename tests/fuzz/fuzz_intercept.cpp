// libFuzzer target for wslens::intercept::StreamInterceptor (issue 6): the
// relay feeds it untrusted bytes from either peer.
//
// Input layout: byte 0 = options (bit 0: server->client stream, bit 1:
// permessage-deflate, bit 2: no context takeover, bit 3: small limits),
// byte 1 = seed of the chunking, the rest = the byte stream.
// Checked:
//  - without rules every chunk takes the fast path (returned as is);
//  - with rules that never change a message, the output of a whole feed and
//    of a chunked feed are identical (the engine does not depend on chunking);
//  - with replace / drop / hold rules, releasing, dropping, injecting and
//    discarding never crash, and the output stays bounded.

#include "intercept/rulesfile.h"
#include "intercept/streaminterceptor.h"

#include <cstdint>
#include <cstdlib>

using namespace wslens;
using namespace wslens::intercept;

namespace {

#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) \
            std::abort(); \
    } while (0)

std::shared_ptr<const RuleSet> rules(const char *json)
{
    RuleList list;
    QString error;
    if (!parseRules(QByteArray(json), &list, &error))
        std::abort();
    return RuleSet::compile(list);
}

StreamOptions optionsFor(std::uint8_t flags)
{
    StreamOptions o;
    o.direction = (flags & 1) ? Direction::ServerToClient : Direction::ClientToServer;
    o.deflate = (flags & 2) != 0;
    o.agreement.clientNoContextTakeover = (flags & 4) != 0;
    o.agreement.serverNoContextTakeover = (flags & 4) != 0;
    if (flags & 8) {
        o.maxFrameSize = 300;
        o.maxMessageSize = 200;
        o.maxDecompressedSize = 1000;
    } else {
        o.maxFrameSize = 1 << 20;
        o.maxMessageSize = 1 << 20;
        o.maxDecompressedSize = 1 << 20;
    }
    o.url = QStringLiteral("ws://fuzz/");
    o.host = QStringLiteral("fuzz");
    return o;
}

QByteArray feed(StreamInterceptor &si, const QByteArray &stream, std::uint32_t seed, bool chunked, int *fastChunks)
{
    QByteArray sent;
    qsizetype at = 0;
    while (at < stream.size()) {
        qsizetype n = stream.size() - at;
        if (chunked) {
            seed = seed * 1103515245u + 12345u;
            n = std::min<qsizetype>(n, 1 + qsizetype((seed >> 16) % 64));
        }
        const QByteArray chunk = stream.mid(at, n);
        Output out;
        if (si.process(chunk, out)) {
            sent += chunk;
            if (fastChunks)
                ++*fastChunks;
        }
        for (const OutputItem &item : out)
            sent += item.bytes;
        at += n;
    }
    return sent;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::uint8_t flags = data[0];
    const std::uint32_t seed = data[1];
    const QByteArray stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    static const auto neverChanges = rules(R"J({"rules":[{"action":"drop","match":"\\A\\x{1F600}never"},
                                                         {"action":"drop","hex":"de ad be ef 00 11 22 33"}]})J");
    static const auto busy = rules(R"J({"rules":[{"action":"replace","match":"a+","replace":"<\\0>"},
                                                 {"action":"drop","match":"^x"},
                                                 {"action":"hold","hex":"01"},
                                                 {"action":"drop","opcode":"ping"}]})J");

    {
        StreamInterceptor si(optionsFor(flags));
        int fast = 0;
        const QByteArray out = feed(si, stream, seed, true, &fast);
        FUZZ_CHECK(out == stream); // no rules: everything passes untouched
    }
    {
        StreamInterceptor whole(optionsFor(flags));
        whole.setRules(neverChanges);
        StreamInterceptor chunked(optionsFor(flags));
        chunked.setRules(neverChanges);
        const QByteArray a = feed(whole, stream, seed, false, nullptr);
        const QByteArray b = feed(chunked, stream, seed, true, nullptr);
        if (!whole.reencoding() && !chunked.reencoding() && !(flags & 8))
            FUZZ_CHECK(a == b);
        FUZZ_CHECK(a.size() <= stream.size() + 64);
    }
    {
        StreamInterceptor si(optionsFor(flags));
        si.setRules(busy);
        Output out;
        si.inject(InterceptMessage{Opcode::Text, "early"}, out);
        const QByteArray sent = feed(si, stream, seed, true, nullptr);
        const std::vector<HeldEntry> held = si.takeNewlyHeld();
        for (std::size_t i = 0; i < held.size(); ++i) {
            if (i % 3 == 0)
                si.forward(held[i].id, QByteArray("edited"), out);
            else if (i % 3 == 1)
                si.drop(held[i].id, out);
        }
        si.inject(InterceptMessage::closeMessage(1000, "bye"), out);
        si.forwardAll(out);
        feed(si, stream.left(64), seed + 1, true, nullptr);
        si.discardAll(out);
        FUZZ_CHECK(si.heldCount() == 0);
        (void)sent;
    }
    return 0;
}
