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

private:
    enum class State : std::uint8_t { Header, Payload };

    void startFrame(FrameSink &sink);
    void finishFrame(FrameSink &sink);
    void deliverPayload(const char *data, std::size_t size, FrameSink &sink);

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
    std::vector<char> m_scratch; // unmask buffer, reused
};

} // namespace wslens
