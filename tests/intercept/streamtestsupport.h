#pragma once
// Helpers for the stream interceptor tests: build frames, run an interceptor
// over a stream in chunks, decode what it sent like a receiver would.

#include "intercept/streaminterceptor.h"
#include "protocol/deflatecodec.h"
#include "protocol/frameparser.h"
#include "protocol/framewriter.h"

#include <QByteArray>
#include <QList>

#include <memory>

namespace wslens::test {

struct DecodedMessage
{
    quint8 opcode = 0;
    QByteArray payload; // inflated when compressed
    bool compressed = false;
    bool masked = false;
    bool ok = true;     // inflated without error
};

// Decodes a stream as its receiver does (independent parser and inflater).
class Receiver : private FrameSink
{
public:
    Receiver(Role sender, bool deflate, bool noContextTakeover = false)
    {
        ParserOptions po;
        po.sender = sender;
        po.allowedRsv = deflate ? Rsv::Rsv1 : 0;
        m_parser.setOptions(po);
        InflaterOptions io;
        io.noContextTakeover = noContextTakeover;
        m_inflater = std::make_unique<Inflater>(io);
    }
    void feed(const QByteArray &bytes) { m_parser.feed(bytes.constData(), std::size_t(bytes.size()), *this); }
    QList<DecodedMessage> messages;
    int violations = 0;
    bool atBoundary() const { return m_parser.atFrameBoundary(); }

private:
    void frameHeader(const FrameHeader &h) override
    {
        m_header = h;
        if (h.opcode == Opcode::Text || h.opcode == Opcode::Binary) {
            m_msg = DecodedMessage();
            m_msg.opcode = h.opcode;
            m_msg.compressed = (h.rsv & Rsv::Rsv1) != 0;
            m_msg.masked = h.masked;
            m_data.clear();
        }
        m_control.clear();
    }
    void framePayload(const char *d, std::size_t n) override
    {
        if (Opcode::isControl(m_header.opcode))
            m_control.append(d, qsizetype(n));
        else
            m_data.append(d, qsizetype(n));
    }
    void frameEnd() override
    {
        if (Opcode::isControl(m_header.opcode)) {
            DecodedMessage c;
            c.opcode = m_header.opcode;
            c.payload = m_control;
            c.masked = m_header.masked;
            messages.append(c);
            return;
        }
        if (!m_header.fin)
            return;
        if (m_msg.compressed) {
            QByteArray out;
            m_msg.ok = m_inflater->inflateMessage(m_data, &out) == Violation::None;
            m_msg.payload = out;
        } else {
            m_msg.payload = m_data;
        }
        messages.append(m_msg);
    }
    void violation(Violation) override { ++violations; }

    FrameParser m_parser;
    std::unique_ptr<Inflater> m_inflater;
    FrameHeader m_header;
    DecodedMessage m_msg;
    QByteArray m_data;
    QByteArray m_control;
};

// Everything an interceptor produced for a stream fed in chunks of chunkSize.
struct RunResult
{
    QByteArray bytes;                    // what would go on the wire
    intercept::Output items;             // the non-pass-through items
    int fastChunks = 0;
};

inline void collect(const QByteArray &chunk, bool fast, intercept::Output &out, RunResult &r)
{
    if (fast) {
        r.bytes += chunk;
        ++r.fastChunks;
        return;
    }
    for (auto &item : out) {
        r.bytes += item.bytes;
        r.items.push_back(std::move(item));
    }
    out.clear();
}

inline RunResult runStream(intercept::StreamInterceptor &si, const QByteArray &stream, int chunkSize)
{
    RunResult r;
    for (qsizetype at = 0; at < stream.size(); at += chunkSize) {
        const QByteArray chunk = stream.mid(at, chunkSize);
        intercept::Output out;
        const bool fast = si.process(chunk, out);
        collect(chunk, fast, out, r);
    }
    return r;
}

inline QByteArray textFrame(const QByteArray &payload, bool masked, bool fin = true, quint8 opcode = Opcode::Text,
                            std::uint8_t rsv = 0)
{
    QByteArray out;
    FrameWriter::appendFrame(out, opcode, payload, fin, rsv, masked, masked ? 0x11223344u : 0);
    return out;
}

} // namespace wslens::test
