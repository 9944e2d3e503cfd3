#include "relay/streamcapture.h"

#include "protocol/utf8validator.h"
#include "protocol/deflatecodec.h"

#include <algorithm>

namespace wslens::relay {

namespace {
constexpr qsizetype kInitialReserve = 64 * 1024; // never reserve by an untrusted length beyond this
} // namespace

StreamCapture::StreamCapture(CaptureSink *sink, quint64 connectionId, const StreamCaptureOptions &options)
    : m_sink(sink)
    , m_connectionId(connectionId)
    , m_options(options)
{
    ParserOptions po;
    po.sender = options.direction == Direction::ClientToServer ? Role::Client : Role::Server;
    po.allowedRsv = options.deflate ? Rsv::Rsv1 : 0;
    po.limits.maxFrameSize = options.maxFrameSize;
    po.limits.maxMessageSize = options.maxMessageSize;
    m_parser.setOptions(po);
    if (options.deflate) {
        InflaterOptions io;
        io.maxMessageSize = options.maxDecompressedSize;
        m_inflater = std::make_unique<Inflater>(io);
    }
}

StreamCapture::~StreamCapture() = default;

qsizetype StreamCapture::process(const QByteArray &chunk, qint64 timestampUs)
{
    m_now = timestampUs;
    if (m_lost) {
        m_unparsedBytes += quint64(chunk.size());
        if (m_sink && !chunk.isEmpty()) {
            FrameRecord r;
            r.connectionId = m_connectionId;
            r.direction = m_options.direction;
            r.timestampUs = timestampUs;
            r.unparsed = true;
            r.payload = chunk; // shared, no copy
            m_sink->appendFrame(std::move(r));
        }
        return chunk.size();
    }
    m_chunkBase = qint64(m_parser.bytesConsumed());
    m_forwardable = chunk.size();
    const bool hadViolation = m_strictViolation != Violation::None;
    m_parser.feed(chunk.constData(), std::size_t(chunk.size()), *this);
    if (m_lost) {
        // Everything from the frame that lost the framing on is unparsed.
        const qint64 from = std::clamp<qint64>(qint64(m_lostAt) - m_chunkBase, 0, chunk.size());
        const QByteArray rest = chunk.mid(from);
        m_unparsedBytes += quint64(rest.size());
        if (m_sink && !rest.isEmpty()) {
            FrameRecord r;
            r.connectionId = m_connectionId;
            r.direction = m_options.direction;
            r.timestampUs = timestampUs;
            r.unparsed = true;
            r.payload = rest;
            m_sink->appendFrame(std::move(r));
        }
    }
    if (hadViolation)
        return 0; // strict: nothing after the first violation is forwarded
    return m_forwardable;
}

void StreamCapture::recordInjected(const FrameHeader &header, const QByteArray &payload, qint64 timestampUs)
{
    if (!m_sink)
        return;
    FrameRecord r;
    r.connectionId = m_connectionId;
    r.direction = m_options.direction;
    r.timestampUs = timestampUs;
    r.header = header;
    r.payload = payload;
    r.edit = EditMark::Injected;
    m_sink->appendFrame(std::move(r));
}

void StreamCapture::setEditMark(EditMark mark, const QByteArray &original)
{
    m_editMark = mark;
    m_editOriginal = original;
}

void StreamCapture::recordDropped(std::vector<FrameRecord> &&frames, qint64 timestampUs)
{
    if (!m_sink)
        return;
    for (FrameRecord &r : frames) {
        r.connectionId = m_connectionId;
        r.direction = m_options.direction;
        r.timestampUs = timestampUs;
        r.edit = EditMark::Dropped;
        m_sink->appendFrame(std::move(r));
    }
}

void StreamCapture::frameHeader(const FrameHeader &header)
{
    if (m_lost)
        return;
    const Violation pending = m_record.violation;
    m_record = FrameRecord();
    m_record.violation = pending; // reported just before the header (while it was parsed)
    m_record.connectionId = m_connectionId;
    m_record.direction = m_options.direction;
    m_record.timestampUs = m_now;
    m_record.header = header;
    m_record.edit = m_editMark;
    m_frameStart = m_nextFrameStart;
    m_frameOpen = true;
    m_inPlace = nullptr;
    if (header.payloadLength > m_options.maxFrameSize) {
        // An absurd length: treat framing as lost; the rest is recorded as
        // unparsed bytes (shared chunks, nothing accumulated).
        if (m_record.violation == Violation::None)
            m_record.violation = Violation::FrameTooLarge;
        noteStrict(m_record.violation, m_frameStart);
        m_lost = true;
        m_lostAt = m_frameStart + header.headerLength;
        m_frameOpen = false;
        if (m_sink)
            m_sink->appendFrame(std::move(m_record));
        m_record = FrameRecord();
        return;
    }
    if (header.payloadLength)
        m_record.payload.reserve(qsizetype(std::min<quint64>(header.payloadLength, kInitialReserve)));

    if (!Opcode::isControl(header.opcode)) {
        const bool startsMessage = header.opcode != Opcode::Continuation;
        if (startsMessage) {
            m_messageOpen = true;
            m_messageCompressed = m_options.deflate && (header.rsv & Rsv::Rsv1);
            m_messageIsText = header.opcode == Opcode::Text;
            m_messageOverflow = false;
            m_message.clear();
        }
    }
}

char *StreamCapture::payloadDestination(std::size_t size)
{
    if (m_lost || !m_frameOpen)
        return nullptr;
    const quint64 room = m_options.maxFrameSize - std::min<quint64>(m_options.maxFrameSize, quint64(m_record.payload.size()));
    if (size > room)
        return nullptr; // the copy path cuts it to the limit
    const qsizetype at = m_record.payload.size();
    m_record.payload.resize(at + qsizetype(size)); // new bytes uninitialised; the parser fills them
    char *dst = m_record.payload.data() + at;
    m_inPlace = dst;
    return dst;
}

void StreamCapture::framePayload(const char *data, std::size_t size)
{
    if (m_lost || !m_frameOpen)
        return;
    if (data == m_inPlace) {
        m_inPlace = nullptr; // unmasked straight into the record
        return;
    }
    const quint64 room = m_options.maxFrameSize - std::min<quint64>(m_options.maxFrameSize, quint64(m_record.payload.size()));
    m_record.payload.append(data, qsizetype(std::min<quint64>(room, size)));
}

void StreamCapture::frameEnd()
{
    if (m_lost || !m_frameOpen)
        return;
    m_frameOpen = false;
    m_nextFrameStart = m_frameStart + m_record.header.headerLength + m_record.header.payloadLength;
    ++m_frames;
    const std::uint8_t op = m_record.header.opcode;
    if (op == Opcode::Close) {
        m_sawCloseFrame = true;
        const QByteArray &p = m_record.payload;
        if (p.size() >= 2) {
            m_closeCode = (std::uint8_t(p.at(0)) << 8) | std::uint8_t(p.at(1));
            m_closeReason = QString::fromUtf8(p.constData() + 2, p.size() - 2);
        } else if (m_closeCode == -1) {
            m_closeCode = 1005; // no status code in the close frame
        }
    } else if (!Opcode::isControl(op) && !Opcode::isReserved(op) && m_messageOpen) {
        // Data frame: assemble; the frame with FIN completes the message.
        if (m_record.header.fin && m_message.isEmpty() && !m_messageOverflow) {
            m_message = m_record.payload; // single frame: shared, no copy
        } else if (!m_messageOverflow) {
            if (quint64(m_message.size()) + quint64(m_record.payload.size()) > m_options.maxMessageSize) {
                m_messageOverflow = true;
                m_message.clear();
            } else {
                m_message.append(m_record.payload);
            }
        }
        if (m_record.header.fin)
            finishMessage(m_record);
    }
    if (m_editMark == EditMark::Replaced && (m_record.hasMessage || Opcode::isControl(op)))
        m_record.original = m_editOriginal;
    if (m_sink)
        m_sink->appendFrame(std::move(m_record));
    m_record = FrameRecord();
}

void StreamCapture::finishMessage(FrameRecord &record)
{
    m_messageOpen = false;
    if (m_messageOverflow) {
        m_message.clear();
        return;
    }
    if (!m_messageCompressed) {
        record.hasMessage = true;
        record.message = std::move(m_message);
        m_message = QByteArray();
        return;
    }
    QByteArray inflated;
    m_inflater->setTextMessage(m_messageIsText); // the inflater checks inflated text as UTF-8
    const Violation v = m_inflater->inflateMessage(m_message, &inflated);
    m_message = QByteArray();
    if (v != Violation::None) {
        if (record.violation == Violation::None)
            record.violation = v;
        noteStrict(v, m_frameStart);
        if (v == Violation::DecompressionFailed)
            return; // no message to show
    }
    record.hasMessage = true;
    record.message = std::move(inflated);
}

void StreamCapture::violation(Violation v)
{
    if (m_lost)
        return;
    if (m_frameOpen) {
        if (m_record.violation == Violation::None)
            m_record.violation = v;
    } else if (m_record.violation == Violation::None) {
        m_record.violation = v; // carried into the next frame's record
    }
    if (v == Violation::FramingLost) {
        m_lost = true;
        m_lostAt = m_frameOpen ? m_frameStart : m_nextFrameStart;
        if (m_frameOpen && m_sink) {
            m_record.payload.clear();
            m_sink->appendFrame(std::move(m_record));
        }
        m_record = FrameRecord();
        m_frameOpen = false;
    }
    noteStrict(v, m_frameOpen ? m_frameStart : m_nextFrameStart);
}

void StreamCapture::noteStrict(Violation v, quint64 frameStart)
{
    if (!m_options.strict || m_strictViolation != Violation::None)
        return;
    m_strictViolation = v;
    m_forwardable = qsizetype(std::clamp<qint64>(qint64(frameStart) - m_chunkBase, 0, m_forwardable));
}

} // namespace wslens::relay
