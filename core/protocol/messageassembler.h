#pragma once

#include "protocol/frameparser.h"

#include <QByteArray>

#include <cstdint>
#include <functional>

namespace wslens {

// A complete message: a data message reassembled from its fragments, or a
// control frame (close, ping, pong; control frames interleaved in a
// fragmented message come out on their own, before the message they interrupt).
struct AssembledMessage
{
    std::uint8_t opcode = Opcode::Binary; // Text, Binary or a control opcode (never Continuation)
    bool compressed = false;   // RSV1 was set on the first frame: with permessage-deflate, data is still DEFLATE data
    bool tooLarge = false;     // exceeded the assembler's size limit: data is empty
    int frameCount = 0;        // frames that made up the message
    QByteArray data;           // reassembled (unmasked) payload
};

// Hook for permessage-deflate (or any extension that rewrites messages).
// Called for every data message with compressed == true before it is
// emitted; the transform inflates message.data in place, sets compressed to
// false and returns Violation::None, or returns the violation (e.g.
// DecompressionFailed, DecompressedTooLarge): the violation is reported and
// the message is still emitted as the transform left it.
class MessageTransform
{
public:
    virtual ~MessageTransform() = default;
    virtual Violation transform(AssembledMessage &message) = 0;
};

// A FrameSink that turns frames into messages:
//     FrameParser parser(options);
//     MessageAssembler assembler(limit);
//     assembler.setMessageHandler([](AssembledMessage &&m) { ... });
//     parser.feed(data, size, assembler);
// Continuations with no message open are dropped (the parser reports them);
// a text/binary frame inside an open message abandons the open one.
// Memory never grows past maxMessageSize per message: past it the data is
// dropped and the message comes out with tooLarge set.
class MessageAssembler : public FrameSink
{
public:
    using MessageHandler = std::function<void(AssembledMessage &&)>;
    using ViolationHandler = std::function<void(Violation, const FrameHeader &)>;

    explicit MessageAssembler(std::uint64_t maxMessageSize = std::uint64_t(64) << 20);

    void setMessageHandler(MessageHandler handler) { m_onMessage = std::move(handler); }
    // Violations from the parser and from the transform (optional).
    void setViolationHandler(ViolationHandler handler) { m_onViolation = std::move(handler); }
    // Not owned; nullptr (default) emits compressed messages as they are.
    void setTransform(MessageTransform *transform) { m_transform = transform; }
    void setMaxMessageSize(std::uint64_t bytes) { m_maxMessageSize = bytes; }
    std::uint64_t maxMessageSize() const { return m_maxMessageSize; }

    bool messageOpen() const { return m_open; }
    // Drops any partial message.
    void reset();

    // FrameSink
    void frameHeader(const FrameHeader &header) override;
    void framePayload(const char *data, std::size_t size) override;
    void frameEnd() override;
    void violation(Violation v) override;

private:
    void emitMessage(AssembledMessage &message);
    static void appendLimited(AssembledMessage &message, std::uint64_t limit, const char *data, std::size_t size);

    MessageHandler m_onMessage;
    ViolationHandler m_onViolation;
    MessageTransform *m_transform = nullptr;
    std::uint64_t m_maxMessageSize;
    FrameHeader m_header;
    AssembledMessage m_message;  // data message being assembled
    AssembledMessage m_control;  // current control frame
    bool m_open = false;         // m_message is in progress
    enum class Target : std::uint8_t { Drop, Message, Control } m_target = Target::Drop;
};

} // namespace wslens
