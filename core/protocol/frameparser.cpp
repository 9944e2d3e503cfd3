#include "protocol/frameparser.h"

#include "protocol/closecode.h"
#include "protocol/masking.h"
#include "protocol/utf8validator.h"

#include <algorithm>
#include <cstring>

namespace wslens {

namespace {
constexpr std::size_t kScratchSize = 64 * 1024;
} // namespace

FrameParser::FrameParser(const ParserOptions &options)
    : m_options(options)
{
}

void FrameParser::reset()
{
    FrameParser fresh(m_options);
    fresh.m_scratch.swap(m_scratch); // keep the allocation
    *this = std::move(fresh);
}

std::size_t FrameParser::headerSize(std::uint8_t b0, std::uint8_t b1)
{
    (void)b0;
    const std::uint8_t len7 = b1 & 0x7F;
    std::size_t size = 2;
    if (len7 == 126)
        size += 2;
    else if (len7 == 127)
        size += 8;
    if (b1 & 0x80)
        size += 4;
    return size;
}

FrameHeader FrameParser::decodeHeader(const std::uint8_t *h)
{
    FrameHeader f;
    f.fin = (h[0] & 0x80) != 0;
    f.rsv = (h[0] >> 4) & 0x7;
    f.opcode = h[0] & 0x0F;
    f.masked = (h[1] & 0x80) != 0;
    const std::uint8_t len7 = h[1] & 0x7F;
    std::size_t pos = 2;
    if (len7 == 126) {
        f.lengthEncoding = LengthEncoding::Medium16;
        f.payloadLength = (std::uint64_t(h[2]) << 8) | h[3];
        pos = 4;
    } else if (len7 == 127) {
        f.lengthEncoding = LengthEncoding::Long64;
        std::uint64_t len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | h[2 + i];
        f.payloadLength = len;
        pos = 10;
    } else {
        f.lengthEncoding = LengthEncoding::Short7;
        f.payloadLength = len7;
    }
    if (f.masked) {
        f.maskKey = (std::uint32_t(h[pos]) << 24) | (std::uint32_t(h[pos + 1]) << 16)
                  | (std::uint32_t(h[pos + 2]) << 8) | std::uint32_t(h[pos + 3]);
        pos += 4;
    }
    f.headerLength = std::uint8_t(pos);
    return f;
}

void FrameParser::feed(const char *data, std::size_t size, FrameSink &sink)
{
    const char *p = data;
    const char *const end = data + size;
    m_consumed += size;
    while (p != end) {
        if (m_state == State::Header) {
            const std::size_t avail = std::size_t(end - p);
            if (m_headerFill == 0 && avail >= 2) {
                // Fast path: the whole header is in the input, decode in place.
                const auto *u = reinterpret_cast<const std::uint8_t *>(p);
                const std::size_t need = headerSize(u[0], u[1]);
                if (avail >= need) {
                    m_frame = decodeHeader(u);
                    p += need;
                    startFrame(sink);
                    continue;
                }
            }
            // Slow path: collect the header bytes across feeds.
            if (m_headerFill < 2) {
                m_header[m_headerFill++] = std::uint8_t(*p++);
                if (m_headerFill < 2)
                    continue;
            }
            const std::size_t need = headerSize(m_header[0], m_header[1]);
            const std::size_t take = std::min(need - m_headerFill, std::size_t(end - p));
            std::memcpy(m_header + m_headerFill, p, take);
            m_headerFill = std::uint8_t(m_headerFill + take);
            p += take;
            if (m_headerFill == need) {
                m_frame = decodeHeader(m_header);
                m_headerFill = 0;
                startFrame(sink);
            }
            continue;
        }
        const std::size_t take = std::size_t(std::min<std::uint64_t>(m_payloadRemaining, std::uint64_t(end - p)));
        deliverPayload(p, take, sink);
        p += take;
        if (m_payloadRemaining == 0)
            finishFrame(sink);
    }
}

void FrameParser::startFrame(FrameSink &sink)
{
    const FrameHeader &h = m_frame;
    const ParserOptions &o = m_options;
    const std::uint64_t len = h.payloadLength;
    const std::uint8_t op = h.opcode;
    const bool control = Opcode::isControl(op);

    sink.frameHeader(h);

    if (m_closeSeen)
        sink.violation(Violation::FrameAfterClose);
    if (h.lengthEncoding == LengthEncoding::Medium16 && len < 126)
        sink.violation(Violation::NonMinimalLength);
    else if (h.lengthEncoding == LengthEncoding::Long64) {
        if (len <= 0xFFFF)
            sink.violation(Violation::NonMinimalLength);
        if (len >> 63)
            sink.violation(Violation::LengthHighBitSet);
    }
    if (Opcode::isReserved(op))
        sink.violation(Violation::ReservedOpcode);
    if (control) {
        if (len > 125)
            sink.violation(Violation::ControlFrameTooLong);
        if (!h.fin)
            sink.violation(Violation::ControlFrameFragmented);
    }
    if (h.rsv) {
        std::uint8_t rsv = h.rsv;
        if ((o.allowedRsv & Rsv::Rsv1) && (rsv & Rsv::Rsv1) && (control || op == Opcode::Continuation)) {
            sink.violation(control ? Violation::CompressedControlFrame : Violation::CompressedContinuation);
            rsv &= std::uint8_t(~Rsv::Rsv1);
        }
        if (rsv & ~o.allowedRsv)
            sink.violation(Violation::ReservedBitsSet);
    }
    if (o.sender == Role::Client) {
        if (!h.masked)
            sink.violation(Violation::ClientFrameUnmasked);
    } else if (h.masked) {
        sink.violation(Violation::ServerFrameMasked);
    }
    if (len > o.limits.maxFrameSize)
        sink.violation(Violation::FrameTooLarge);

    m_frameInMessage = false;
    m_checkUtf8 = false;
    if (op == Opcode::Text || op == Opcode::Binary) {
        if (m_messageOpen)
            sink.violation(Violation::DataFrameInsideMessage);
        // The new frame starts a new message; an open one is abandoned.
        m_messageIsText = op == Opcode::Text;
        m_messageCompressed = (h.rsv & Rsv::Rsv1) && (o.allowedRsv & Rsv::Rsv1);
        m_messageUtf8Failed = false;
        m_messageTooLarge = false;
        m_messageSize = 0;
        m_utf8State = Utf8Validator::Accept;
        m_messageOpen = !h.fin;
        m_frameInMessage = true;
    } else if (op == Opcode::Continuation) {
        if (!m_messageOpen) {
            sink.violation(Violation::ContinuationWithoutMessage);
        } else {
            m_frameInMessage = true;
            if (h.fin)
                m_messageOpen = false;
        }
    } else if (op == Opcode::Close) {
        m_closeSeen = true;
        m_closeUtf8State = Utf8Validator::Accept;
        if (len == 1)
            sink.violation(Violation::ClosePayloadTooShort);
    }
    if (m_frameInMessage) {
        const std::uint64_t total = m_messageSize + len;
        m_messageSize = total < m_messageSize ? ~std::uint64_t(0) : total; // saturate
        if (!m_messageTooLarge && m_messageSize > o.limits.maxMessageSize) {
            m_messageTooLarge = true;
            sink.violation(Violation::MessageTooLarge);
        }
        m_checkUtf8 = m_messageIsText && !m_messageCompressed && o.validateUtf8 && !m_messageUtf8Failed;
    }

    m_payloadRemaining = len;
    m_payloadOffset = 0;
    m_state = State::Payload;
    if (len == 0)
        finishFrame(sink);
}

void FrameParser::deliverPayload(const char *data, std::size_t size, FrameSink &sink)
{
    m_payloadRemaining -= size;
    if (!m_frame.masked) {
        inspectPayload(data, size, sink);
        sink.framePayload(data, size);
        m_payloadOffset += size;
        return;
    }
    if (char *dst = sink.payloadDestination(size)) {
        applyMask(dst, data, size, m_frame.maskKey, std::size_t(m_payloadOffset & 3));
        inspectPayload(dst, size, sink);
        sink.framePayload(dst, size);
        m_payloadOffset += size;
        return;
    }
    if (m_scratch.size() < kScratchSize)
        m_scratch.resize(kScratchSize);
    while (size) {
        const std::size_t piece = std::min(size, kScratchSize);
        applyMask(m_scratch.data(), data, piece, m_frame.maskKey, std::size_t(m_payloadOffset & 3));
        inspectPayload(m_scratch.data(), piece, sink);
        sink.framePayload(m_scratch.data(), piece);
        m_payloadOffset += piece;
        data += piece;
        size -= piece;
    }
}

void FrameParser::inspectPayload(const char *data, std::size_t size, FrameSink &sink)
{
    if (m_checkUtf8) {
        m_utf8State = Utf8Validator::advance(m_utf8State, data, size);
        if (m_utf8State == Utf8Validator::Reject) {
            m_messageUtf8Failed = true;
            m_checkUtf8 = false;
            sink.violation(Violation::InvalidUtf8);
        }
    } else if (m_frame.opcode == Opcode::Close) {
        inspectClosePayload(data, size, sink);
    }
}

void FrameParser::inspectClosePayload(const char *data, std::size_t size, FrameSink &sink)
{
    std::uint64_t offset = m_payloadOffset;
    while (offset < 2 && size) {
        m_closePayload[offset++] = std::uint8_t(*data++);
        --size;
        if (offset == 2) {
            const auto code = std::uint16_t((m_closePayload[0] << 8) | m_closePayload[1]);
            if (!CloseCode::isValidOnWire(code))
                sink.violation(Violation::InvalidCloseCode);
        }
    }
    if (size && m_options.validateUtf8 && m_closeUtf8State != Utf8Validator::Reject) {
        m_closeUtf8State = Utf8Validator::advance(m_closeUtf8State, data, size);
        if (m_closeUtf8State == Utf8Validator::Reject)
            sink.violation(Violation::InvalidUtf8);
    }
}

void FrameParser::finishFrame(FrameSink &sink)
{
    const FrameHeader &h = m_frame;
    if (m_options.validateUtf8) {
        if (h.opcode == Opcode::Close && m_closeUtf8State != Utf8Validator::Accept
            && m_closeUtf8State != Utf8Validator::Reject)
            sink.violation(Violation::InvalidUtf8); // reason ends inside a code point
        if (m_frameInMessage && h.fin && m_checkUtf8 && m_utf8State != Utf8Validator::Accept) {
            m_messageUtf8Failed = true;
            sink.violation(Violation::InvalidUtf8); // message ends inside a code point
        }
    }
    m_checkUtf8 = false;
    m_frameInMessage = false;
    m_state = State::Header;
    sink.frameEnd();
}

} // namespace wslens
