#pragma once

#include "intercept/ruleset.h"
#include "protocol/frameparser.h"
#include "protocol/permessagedeflate.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QString>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace wslens {
class Deflater;
class Inflater;
} // namespace wslens

namespace wslens::intercept {

// A message to inject, or a held message's content.
struct InterceptMessage
{
    quint8 opcode = Opcode::Text; // text, binary, ping, pong or close
    QByteArray payload;           // decoded payload; for close: see closeMessage()

    // A close message: 2-byte code + UTF-8 reason.
    static InterceptMessage closeMessage(int code, const QByteArray &reason = {});
};

// One piece of what to send, in order. bytes are complete frames (or, when
// mark == None, the untouched stream). A dropped message has no bytes but the
// records of its original frames (FrameRecord::edit == Dropped; connection
// id, direction and time are left for the caller).
struct OutputItem
{
    QByteArray bytes;
    EditMark mark = EditMark::None;
    QByteArray original;               // Replaced: the decoded original message
    std::vector<FrameRecord> dropped;  // Dropped: the original frames
};
using Output = std::vector<OutputItem>;

// A message a breakpoint rule (or the user) stopped.
struct HeldEntry
{
    quint64 id = 0;
    quint8 opcode = 0;
    QByteArray payload;     // decoded (after any replace rules before the breakpoint)
    bool compressed = false; // the original went compressed (permessage-deflate)
    int rule = -1;
};

struct StreamOptions
{
    Direction direction = Direction::ClientToServer;
    bool deflate = false;              // permessage-deflate negotiated
    pmd::DeflateAgreement agreement;   // its parameters
    quint64 maxFrameSize = quint64(64) << 20;
    quint64 maxMessageSize = quint64(16) << 20; // larger messages are streamed through untouched
    quint64 maxDecompressedSize = quint64(64) << 20;
    QString url;  // for rules with url / host conditions
    QString host;
    std::function<quint64()> nextHeldId; // unset: 1, 2, 3, ...
};

// Intercepts one direction of a WebSocket stream. Pure: raw bytes in, bytes
// to forward out; no sockets, no threads (one thread at a time).
//
// * Fast path: while no enabled rule watches this direction and nothing is
//   held, queued or re-encoded, process() returns true and the caller sends
//   the very chunk it read. The stream is still parsed (frame boundaries for
//   injection; with permessage-deflate and context takeover, compressed
//   messages are inflated and discarded so that rules switched on later can
//   read the next messages).
// * With rules: data messages a rule may match are buffered until complete,
//   decoded (inflated) and given to the rules. Unchanged messages go out as
//   the original bytes, exactly; messages no rule can match are streamed
//   frame by frame, byte-identical. Replaced messages are re-encoded as one
//   frame (fresh mask key client->server); dropped ones are not sent; held
//   ones wait, and every later data message (and a close frame) waits behind
//   them. Ping and pong pass unless a rule names their opcode.
// * permessage-deflate: an edit keeps the original's RSV1. Originals are
//   inflated with our own inflater, edits compressed with our own deflater.
//   When the sender uses context takeover, its later messages may refer to the
//   text it compressed before; once a compressed message was replaced or
//   dropped the receiver's window no longer matches the sender's, so from then
//   on every compressed message of this direction is decoded and compressed
//   again with our deflater (the receiver's window then follows our output).
//   Uncompressed messages (RSV1 clear, injected ones included) never touch a
//   window, so they go out as they are.
class StreamInterceptor final : private FrameSink
{
public:
    explicit StreamInterceptor(const StreamOptions &options);
    ~StreamInterceptor() override;
    StreamInterceptor(const StreamInterceptor &) = delete;
    StreamInterceptor &operator=(const StreamInterceptor &) = delete;

    // Rules for the next messages (null: none). Messages already buffered keep their fate.
    void setRules(std::shared_ptr<const RuleSet> rules);
    bool hasActiveRules() const { return !m_active.empty(); }

    // Consumes the next chunk of the stream. Returns true when the chunk is
    // to be forwarded exactly as it is (out untouched); else appends what to
    // send to out (possibly nothing yet: a message is being buffered or held).
    bool process(const QByteArray &chunk, Output &out);

    // Sends a message of our own at the next frame boundary (a data message
    // after a fragmented message in flight ends). Returns false when it cannot
    // be placed (framing was lost).
    bool inject(const InterceptMessage &message, Output &out);

    // Messages held since the last call (for the held-queue UI).
    std::vector<HeldEntry> takeNewlyHeld();
    std::vector<quint64> heldIds() const;
    int heldCount() const;
    // A held message goes on: as it was, or with an edited payload. false: unknown id.
    // fragments > 1 (with an edited payload): sent as that many frames (fewer
    // when the payload has fewer bytes); control messages always go as one.
    bool forward(quint64 id, const std::optional<QByteArray> &edited, Output &out, int fragments = 1);
    bool drop(quint64 id, Output &out);
    // Every held message goes on, unchanged; returns their ids.
    std::vector<quint64> forwardAll(Output &out);
    // The connection is ending: held and queued messages are recorded as
    // dropped (nothing is sent); returns the held ids.
    std::vector<quint64> discardAll(Output &out);

    // Bytes waiting in this direction (held messages, what queues behind them,
    // the message being assembled): the relay stops reading the sender past a bound.
    quint64 pendingBytes() const { return m_queuedBytes + m_msgBytes; }

    bool framingLost() const { return m_lost; }
    bool reencoding() const { return m_reencode; }
    quint64 messagesBuffered() const { return m_buffered; }

private:
    struct Frame
    {
        FrameHeader header;
        QByteArray payload; // unmasked
    };
    struct Entry
    {
        enum class Kind : quint8 { Message, Control, Raw };
        Kind kind = Kind::Message;
        std::vector<Frame> frames;
        quint8 opcode = 0;
        bool compressed = false;
        bool decodedOk = true;
        QByteArray decoded;
        RuleResult result;
        bool held = false;
        quint64 id = 0;
        QByteArray raw; // Kind::Raw
        int fragments = 1; // an edit goes out in this many frames
    };
    enum class FrameKind : quint8 { Skip, Stream, Buffer, Control };
    enum class MessageMode : quint8 { None, Stream, Buffer };

    void frameHeader(const FrameHeader &header) override;
    void framePayload(const char *data, std::size_t size) override;
    void frameEnd() override;
    void violation(Violation) override {}

    bool fastPathOk() const;
    void emitBytes(QByteArray bytes);
    void emitItem(OutputItem &&item);
    void enqueue(Entry &&entry);
    void flushQueue();
    void finalize(Entry &entry);
    void completeMessage();
    void completeControl();
    void abandonBufferedMessage();
    void flushInjects();
    QByteArray encode(quint8 opcode, const QByteArray &payload, bool compress, int fragments = 1);
    static QByteArray reconstruct(const std::vector<Frame> &frames);
    static std::vector<FrameRecord> droppedRecords(const Entry &e);
    static quint64 entrySize(const Entry &e);
    bool contextTakeover() const;
    void trackInflate(const char *data, std::size_t size);
    Entry *findHeld(quint64 id);
    void flushReleased(Output &out);
    std::optional<HeldEntry> heldInfo(const Entry &e) const;

    StreamOptions m_options;
    FrameParser m_parser;
    std::shared_ptr<const RuleSet> m_rules;
    std::vector<int> m_active;
    std::unique_ptr<Inflater> m_inflater;
    std::unique_ptr<Deflater> m_deflater;

    Output *m_out = nullptr;
    bool m_fast = false;        // the chunk being processed goes out as it is
    quint64 m_chunkBase = 0;    // stream offset of the chunk's first byte
    quint64 m_emittedUpTo = 0;  // stream offset up to which raw bytes went out on the fast path
    quint64 m_nextFrameStart = 0;

    // current frame
    FrameHeader m_frame;
    FrameKind m_kind = FrameKind::Skip;
    bool m_inFrame = false;
    bool m_direct = false;       // the current streamed frame bypasses the queue (control frames)
    bool m_frameInflate = false; // this frame's payload feeds the tracking inflater
    quint64 m_payloadOffset = 0;
    Frame m_controlFrame;
    QByteArray m_scratch;
    // current data message
    MessageMode m_mode = MessageMode::None;
    bool m_msgCompressed = false;
    bool m_msgInflating = false; // streamed compressed message fed to the tracking inflater
    Entry m_msg;
    quint64 m_msgBytes = 0;

    // output state
    std::deque<Entry> m_queue; // whole messages waiting behind a held one
    quint64 m_queuedBytes = 0;
    bool m_outMidFrame = false;
    bool m_outMidMessage = false;
    std::vector<InterceptMessage> m_pendingInjects;
    std::vector<HeldEntry> m_newlyHeld;
    bool m_reencode = false;
    bool m_lost = false;
    quint64 m_lostAt = 0;
    quint64 m_nextLocalId = 0;
    quint64 m_buffered = 0;
};

} // namespace wslens::intercept
