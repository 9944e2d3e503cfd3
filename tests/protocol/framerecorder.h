#pragma once

// Test helper: a FrameSink that records everything a FrameParser reports,
// one entry per frame (payload pieces concatenated), so streams parsed with
// different chunkings can be compared.

#include "protocol/frameparser.h"
#include "protocol/violation.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace wslens::test {

struct RecordedFrame
{
    FrameHeader header;
    QByteArray payload;
    QList<Violation> violations;
    int pieces = 0;
    bool ended = false;

    bool operator==(const RecordedFrame &o) const
    {
        const FrameHeader &a = header;
        const FrameHeader &b = o.header;
        return a.payloadLength == b.payloadLength && a.maskKey == b.maskKey && a.opcode == b.opcode
            && a.rsv == b.rsv && a.fin == b.fin && a.masked == b.masked
            && a.lengthEncoding == b.lengthEncoding && a.headerLength == b.headerLength
            && payload == o.payload && violations == o.violations && ended == o.ended;
    }
};

inline QString describe(const RecordedFrame &f)
{
    const FrameHeader &h = f.header;
    QStringList v;
    for (Violation x : f.violations)
        v << QString::fromLatin1(violationInfo(x).id);
    return QStringLiteral("fin=%1 rsv=%2 op=%3 masked=%4 key=%5 len=%6 enc=%7 hl=%8 payload=%9 ended=%10 [%11]")
        .arg(int(h.fin)).arg(int(h.rsv)).arg(int(h.opcode)).arg(int(h.masked))
        .arg(h.maskKey, 8, 16, QLatin1Char('0')).arg(h.payloadLength).arg(int(h.lengthEncoding))
        .arg(int(h.headerLength)).arg(QString::fromLatin1(f.payload.left(32).toHex()))
        .arg(int(f.ended)).arg(v.join(QLatin1Char(',')));
}

class FrameRecorder : public FrameSink
{
public:
    QList<RecordedFrame> frames;
    bool orderError = false; // an event arrived out of the documented order
    // Pointers of payload pieces (to check zero-copy delivery).
    QList<const char *> piecePointers;
    // true: offer payloadDestination() (the parser unmasks straight into the
    // recorded payload) as a sink keeping payloads does.
    bool inPlace = false;
    int inPlacePieces = 0;
    const char *offered = nullptr;

    char *payloadDestination(std::size_t size) override
    {
        if (!inPlace || frames.isEmpty() || frames.last().ended)
            return nullptr;
        QByteArray &p = frames.last().payload;
        const qsizetype at = p.size();
        p.resize(at + qsizetype(size));
        offered = p.data() + at;
        return p.data() + at;
    }

    void frameHeader(const FrameHeader &header) override
    {
        if (!frames.isEmpty() && !frames.last().ended)
            orderError = true;
        RecordedFrame f;
        f.header = header;
        frames.append(f);
    }
    void framePayload(const char *data, std::size_t size) override
    {
        if (frames.isEmpty() || frames.last().ended) {
            orderError = true;
            return;
        }
        piecePointers.append(data);
        if (data != offered) {
            if (offered)
                orderError = true; // an offered destination must be used by the next piece
            frames.last().payload.append(data, qsizetype(size));
        } else {
            ++inPlacePieces;
        }
        offered = nullptr;
        ++frames.last().pieces;
    }
    void frameEnd() override
    {
        if (frames.isEmpty() || frames.last().ended) {
            orderError = true;
            return;
        }
        frames.last().ended = true;
    }
    void violation(Violation v) override
    {
        if (frames.isEmpty() || frames.last().ended) {
            orderError = true;
            return;
        }
        frames.last().violations.append(v);
    }

    // All violations of all frames, in order.
    QList<Violation> allViolations() const
    {
        QList<Violation> out;
        for (const RecordedFrame &f : frames)
            out += f.violations;
        return out;
    }
    QString dump() const
    {
        QStringList lines;
        for (const RecordedFrame &f : frames)
            lines << describe(f);
        return lines.join(QLatin1Char('\n'));
    }
};

// Parses stream with the given chunk sizes (cycled; 0 = all at once).
inline FrameRecorder parseChunked(const ParserOptions &options, const QByteArray &stream,
                                  const QList<int> &chunks = {}, bool inPlace = false)
{
    FrameParser parser(options);
    FrameRecorder rec;
    rec.inPlace = inPlace;
    if (chunks.isEmpty()) {
        parser.feed(stream.constData(), std::size_t(stream.size()), rec);
        return rec;
    }
    qsizetype pos = 0;
    int i = 0;
    while (pos < stream.size()) {
        const qsizetype n = qMin<qsizetype>(qMax(1, chunks.at(i++ % chunks.size())), stream.size() - pos);
        // Copy each chunk so pointers into it cannot outlive it unnoticed (ASan).
        const QByteArray chunk = stream.mid(pos, n);
        parser.feed(chunk.constData(), std::size_t(chunk.size()), rec);
        pos += n;
    }
    return rec;
}

} // namespace wslens::test
