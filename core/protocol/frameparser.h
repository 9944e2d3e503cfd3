#pragma once

#include "protocol/frame.h"
#include "protocol/violation.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wslens {

// Receives what a FrameParser finds, in stream order. For each frame:
// frameHeader() once, framePayload() zero or more times with consecutive
// unmasked pieces, then frameEnd(). violation() may come at any point between
// frameHeader() and frameEnd() and refers to the current frame.
class FrameSink
{
public:
    virtual ~FrameSink() = default;
    virtual void frameHeader(const FrameHeader &header) = 0;
    virtual void framePayload(const char *data, std::size_t size) = 0;
    virtual void frameEnd() = 0;
    virtual void violation(Violation v) = 0;
    // Optional, for sinks that keep payloads: room for `size` unmasked bytes
    // at the end of the sink's own copy of the current payload. A masked
    // piece is then unmasked straight into it (one pass, no scratch buffer)
    // and framePayload() follows with that very pointer. nullptr (the
    // default): the parser's scratch buffer, and the sink copies.
    virtual char *payloadDestination(std::size_t size)
    {
        (void)size;
        return nullptr;
    }
};

struct ParserLimits
{
    std::uint64_t maxFrameSize = std::uint64_t(64) << 20;   // 64 MiB
    std::uint64_t maxMessageSize = std::uint64_t(64) << 20; // 64 MiB
};

struct ParserOptions
{
    Role sender = Role::Client;   // frames from a client must be masked, from a server must not
    std::uint8_t allowedRsv = 0;  // RSV bits negotiated by extensions (Rsv::Rsv1 for permessage-deflate)
    bool validateUtf8 = true;     // incremental UTF-8 check of uncompressed text messages
    ParserLimits limits;
};

// Streaming RFC 6455 frame parser: a plain value class with an explicit state.
// Feed it chunks of any size; it never buffers a payload (at most 14 header
// bytes) and never stops on a violation: every byte sequence parses.
//
// Payload pieces: an unmasked payload is delivered as pointers into the fed
// input; a masked one is unmasked into a reused 64 KiB scratch buffer and
// delivered in pieces of at most that size. Pieces are only valid during the
// framePayload() call.
//
// UTF-8: text messages are validated incrementally across pieces and
// fragments (a code point may be split anywhere); a violation is reported at
// the first byte that proves the text invalid, or at the end of the final
// fragment when the last sequence is incomplete. Compressed messages (RSV1
// set on the first frame while options().allowedRsv has Rsv::Rsv1) are NOT
// checked here: their payload is DEFLATE data, so the permessage-deflate layer
// validates the inflated text. Close reasons are always checked (control
// frames are never compressed) when validateUtf8 is on.
class FrameParser
{
public:
    explicit FrameParser(const ParserOptions &options = {});

    // Consumes all of [data, data + size), reporting to sink.
    void feed(const char *data, std::size_t size, FrameSink &sink);

    void setOptions(const ParserOptions &options) { m_options = options; }
    const ParserOptions &options() const { return m_options; }

    // True between frames (no partial header or payload pending).
    bool atFrameBoundary() const { return m_state == State::Header && m_headerFill == 0; }
    // True while a fragmented data message is open.
    bool inFragmentedMessage() const { return m_messageOpen; }
    std::uint64_t bytesConsumed() const { return m_consumed; }
    // True once a close frame header was seen; later frames get FrameAfterClose.
    bool closeSeen() const { return m_closeSeen; }
    // Forget all stream state (keeps the options), e.g. to reuse the parser.
    void reset();

    // Size of a header whose first two bytes are b0, b1 (2 to 14).
    static std::size_t headerSize(std::uint8_t b0, std::uint8_t b1);
    // Decodes a complete header (headerSize(h[0], h[1]) bytes) without validating it.
    static FrameHeader decodeHeader(const std::uint8_t *h);

private:
    enum class State : std::uint8_t { Header, Payload };

    void startFrame(FrameSink &sink);
    void finishFrame(FrameSink &sink);
    void deliverPayload(const char *data, std::size_t size, FrameSink &sink);
    void inspectPayload(const char *data, std::size_t size, FrameSink &sink);
    void inspectClosePayload(const char *data, std::size_t size, FrameSink &sink);

    ParserOptions m_options;
    State m_state = State::Header;
    std::uint8_t m_header[14] = {};
    std::uint8_t m_headerFill = 0;
    FrameHeader m_frame;
    std::uint64_t m_payloadRemaining = 0;
    std::uint64_t m_payloadOffset = 0;
    std::uint64_t m_consumed = 0;
    // message state
    bool m_messageOpen = false;
    bool m_messageIsText = false;
    bool m_messageCompressed = false;
    bool m_messageUtf8Failed = false;
    bool m_messageTooLarge = false;
    std::uint64_t m_messageSize = 0;
    std::uint32_t m_utf8State = 0; // Utf8Validator state carried across pieces and fragments
    std::uint8_t m_closePayload[2] = {};
    std::uint32_t m_closeUtf8State = 0; // close reason, separate: control frames interleave with messages
    bool m_closeSeen = false;
    bool m_frameInMessage = false; // current frame carries data of a text/binary message
    bool m_checkUtf8 = false;      // current frame's payload is validated as UTF-8 text
    std::vector<char> m_scratch; // unmask buffer, reused
};

} // namespace wslens
