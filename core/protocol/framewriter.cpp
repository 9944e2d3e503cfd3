#include "protocol/framewriter.h"

#include "protocol/masking.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cstring>

namespace wslens {

LengthEncoding FrameWriter::minimalEncoding(std::uint64_t payloadLength)
{
    if (payloadLength < 126)
        return LengthEncoding::Short7;
    if (payloadLength <= 0xFFFF)
        return LengthEncoding::Medium16;
    return LengthEncoding::Long64;
}

std::size_t FrameWriter::encodeHeader(const FrameHeader &h, std::uint8_t *out)
{
    out[0] = std::uint8_t((h.fin ? 0x80 : 0) | ((h.rsv & 0x7) << 4) | (h.opcode & 0x0F));
    const std::uint8_t maskBit = h.masked ? 0x80 : 0;
    std::size_t pos = 2;
    switch (h.lengthEncoding) {
    case LengthEncoding::Short7:
        out[1] = std::uint8_t(maskBit | std::uint8_t(h.payloadLength & 0x7F));
        break;
    case LengthEncoding::Medium16:
        out[1] = std::uint8_t(maskBit | 126);
        out[2] = std::uint8_t(h.payloadLength >> 8);
        out[3] = std::uint8_t(h.payloadLength);
        pos = 4;
        break;
    case LengthEncoding::Long64:
        out[1] = std::uint8_t(maskBit | 127);
        for (int i = 0; i < 8; ++i)
            out[2 + i] = std::uint8_t(h.payloadLength >> (56 - 8 * i));
        pos = 10;
        break;
    }
    if (h.masked) {
        h.maskKeyBytes(out + pos);
        pos += 4;
    }
    return pos;
}

std::uint32_t FrameWriter::randomMaskKey()
{
    std::uint32_t key = 0;
    while (key == 0)
        key = QRandomGenerator::global()->generate();
    return key;
}

FrameHeader FrameWriter::headerFor(const FrameSpec &spec, std::uint64_t payloadSize)
{
    FrameHeader h;
    h.fin = spec.fin;
    h.rsv = spec.rsv & 0x7;
    h.opcode = spec.opcode & 0x0F;
    h.masked = spec.masked;
    h.maskKey = spec.masked ? (spec.maskKey ? *spec.maskKey : randomMaskKey()) : 0;
    h.payloadLength = spec.declaredLength ? *spec.declaredLength : payloadSize;
    h.lengthEncoding = spec.lengthEncoding ? *spec.lengthEncoding : minimalEncoding(h.payloadLength);
    h.headerLength = std::uint8_t(2 + (h.lengthEncoding == LengthEncoding::Medium16 ? 2 : 0)
                                  + (h.lengthEncoding == LengthEncoding::Long64 ? 8 : 0) + (h.masked ? 4 : 0));
    return h;
}

void FrameWriter::append(QByteArray &out, const FrameSpec &spec, QByteArrayView payload)
{
    const FrameHeader h = headerFor(spec, std::uint64_t(payload.size()));
    std::uint8_t header[MaxHeaderSize];
    const std::size_t headerSize = encodeHeader(h, header);
    const qsizetype start = out.size();
    out.resize(start + qsizetype(headerSize) + payload.size());
    char *dst = out.data() + start;
    std::memcpy(dst, header, headerSize);
    if (payload.size()) {
        if (h.masked)
            applyMask(dst + headerSize, payload.data(), std::size_t(payload.size()), h.maskKey, 0);
        else
            std::memcpy(dst + headerSize, payload.data(), std::size_t(payload.size()));
    }
}

QByteArray FrameWriter::frame(const FrameSpec &spec, QByteArrayView payload)
{
    QByteArray out;
    out.reserve(qsizetype(MaxHeaderSize) + payload.size());
    append(out, spec, payload);
    return out;
}

std::size_t FrameWriter::writeFrame(char *dst, std::uint8_t opcode, QByteArrayView payload, bool fin,
                                    std::uint8_t rsv, bool mask, std::uint32_t maskKey)
{
    FrameHeader h;
    h.fin = fin;
    h.rsv = rsv & 0x7;
    h.opcode = opcode & 0x0F;
    h.masked = mask;
    h.maskKey = maskKey;
    h.payloadLength = std::uint64_t(payload.size());
    h.lengthEncoding = minimalEncoding(h.payloadLength);
    const std::size_t headerSize = encodeHeader(h, reinterpret_cast<std::uint8_t *>(dst));
    if (payload.size()) {
        if (mask)
            applyMask(dst + headerSize, payload.data(), std::size_t(payload.size()), maskKey, 0);
        else
            std::memcpy(dst + headerSize, payload.data(), std::size_t(payload.size()));
    }
    return headerSize + std::size_t(payload.size());
}

void FrameWriter::appendFrame(QByteArray &out, std::uint8_t opcode, QByteArrayView payload, bool fin,
                              std::uint8_t rsv, bool mask, std::uint32_t maskKey)
{
    const qsizetype start = out.size();
    out.resize(start + qsizetype(MaxHeaderSize) + payload.size());
    const std::size_t written = writeFrame(out.data() + start, opcode, payload, fin, rsv, mask, maskKey);
    out.resize(start + qsizetype(written)); // shrinking never reallocates
}

QByteArray FrameWriter::closePayload(int code, QByteArrayView reason)
{
    QByteArray payload;
    if (code < 0)
        return payload;
    payload.reserve(2 + reason.size());
    payload.append(char((code >> 8) & 0xFF));
    payload.append(char(code & 0xFF));
    payload.append(reason);
    return payload;
}

QByteArray FrameWriter::closeFrame(int code, QByteArrayView reason, bool mask, std::optional<std::uint32_t> maskKey)
{
    FrameSpec spec;
    spec.opcode = Opcode::Close;
    spec.masked = mask;
    spec.maskKey = maskKey;
    return frame(spec, closePayload(code, reason));
}

QByteArray FrameWriter::fragmentedMessage(const FrameSpec &first, QByteArrayView payload, int fragments,
                                          const std::vector<InterleavedFrame> &interleaved)
{
    fragments = std::max(fragments, 1);
    QByteArray out;
    const qsizetype total = payload.size();
    const qsizetype base = total / fragments;
    const qsizetype extra = total % fragments;
    qsizetype offset = 0;
    auto writeInterleaved = [&](int index, bool last) {
        for (const InterleavedFrame &f : interleaved) {
            if (f.afterFragment == index || (last && f.afterFragment > index))
                append(out, f.spec, f.payload);
        }
    };
    for (int i = 0; i < fragments; ++i) {
        const qsizetype size = base + (i < extra ? 1 : 0);
        FrameSpec spec = first;
        spec.fin = i == fragments - 1;
        if (i > 0) {
            spec.opcode = Opcode::Continuation;
            spec.rsv = 0;
        }
        spec.declaredLength.reset();
        spec.lengthEncoding.reset();
        append(out, spec, payload.sliced(offset, size));
        offset += size;
        writeInterleaved(i, i == fragments - 1);
    }
    return out;
}

} // namespace wslens
