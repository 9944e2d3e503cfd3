#pragma once

#include "protocol/frameparser.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace wslens {
class Inflater;
}

namespace wslens::relay {

// What a StreamCapture needs to know about its stream.
struct StreamCaptureOptions
{
    Direction direction = Direction::ClientToServer;
    bool deflate = false;            // permessage-deflate negotiated: RSV1 allowed, messages inflated
    bool strict = false;             // report where the first violating frame starts
    quint64 maxFrameSize = quint64(64) << 20;
    quint64 maxMessageSize = quint64(64) << 20;
    quint64 maxDecompressedSize = quint64(64) << 20;
};

// Captures one direction of a WebSocket stream: parses the bytes the relay
// forwards (read-only, the same buffer), and hands a FrameRecord per frame to
// the CaptureSink. Data messages are reassembled and, with permessage-deflate,
// inflated up to the cap. After FramingLost the rest is recorded as unparsed.
class StreamCapture final : private FrameSink
{
public:
    StreamCapture(CaptureSink *sink, quint64 connectionId, const StreamCaptureOptions &options);
    ~StreamCapture() override;
    StreamCapture(const StreamCapture &) = delete;
    StreamCapture &operator=(const StreamCapture &) = delete;

    // Parses the next chunk of the stream. Returns the number of bytes of the
    // chunk that may be forwarded: the whole chunk, unless strict is on and a
    // frame in it broke a rule (then the bytes before that frame).
    qsizetype process(const QByteArray &chunk, qint64 timestampUs);

    // Records what an injected frame (e.g. a strict close) looked like.
    void recordInjected(const FrameHeader &header, const QByteArray &payload, qint64 timestampUs);
    // Intercept: frames parsed by the following process() calls carry this
    // mark (Replaced: the message record also keeps `original`; Injected);
    // EditMark::None ends it.
    void setEditMark(EditMark mark, const QByteArray &original = QByteArray());
    // Intercept: records frames that were not forwarded (edit == Dropped).
    void recordDropped(std::vector<FrameRecord> &&frames, qint64 timestampUs);

    bool atFrameBoundary() const { return m_lost || m_parser.atFrameBoundary(); }
    bool framingLost() const { return m_lost; }
    bool sawClose() const { return m_closeCode != -1 || m_sawCloseFrame; }
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    Violation strictViolation() const { return m_strictViolation; }
    quint64 frames() const { return m_frames; }
    quint64 bytes() const { return m_parser.bytesConsumed() + m_unparsedBytes; }

private:
    void frameHeader(const FrameHeader &header) override;
    void framePayload(const char *data, std::size_t size) override;
    char *payloadDestination(std::size_t size) override;
    void frameEnd() override;
    void violation(Violation v) override;
    void finishMessage(FrameRecord &record);
    void noteStrict(Violation v, quint64 frameStart);

    CaptureSink *m_sink;
    quint64 m_connectionId;
    StreamCaptureOptions m_options;
    FrameParser m_parser;
    std::unique_ptr<Inflater> m_inflater;

    // current frame
    FrameRecord m_record;
    bool m_frameOpen = false;
    const char *m_inPlace = nullptr; // payloadDestination() handed out this; framePayload() only commits
    quint64 m_frameStart = 0;     // stream offset of the current frame's first byte
    quint64 m_nextFrameStart = 0; // stream offset just past the last finished frame
    // current data message
    bool m_messageOpen = false;
    bool m_messageCompressed = false;
    bool m_messageIsText = false;
    bool m_messageOverflow = false;
    QByteArray m_message;
    // close frames
    int m_closeCode = -1;
    bool m_sawCloseFrame = false;
    QString m_closeReason;

    EditMark m_editMark = EditMark::None;
    QByteArray m_editOriginal;
    qint64 m_now = 0;
    qint64 m_chunkBase = 0;      // stream offset of the chunk being processed
    qsizetype m_forwardable = 0; // strict: bytes of the chunk before the first violating frame
    Violation m_strictViolation = Violation::None;
    bool m_lost = false;
    quint64 m_lostAt = 0;
    quint64 m_unparsedBytes = 0;
    quint64 m_frames = 0;
};

} // namespace wslens::relay
