#pragma once

#include <cstdint>

namespace wslens {

// A broken protocol rule. The parser reports these without stopping; the relay
// records them and (by default) forwards the bytes anyway.
enum class Violation : std::uint8_t {
    None = 0,
    NonMinimalLength,           // RFC 6455 5.2: length not in the minimal number of bytes
    LengthHighBitSet,           // RFC 6455 5.2: 64-bit length with the most significant bit set
    ControlFrameTooLong,        // RFC 6455 5.5: control frame payload over 125 bytes
    ControlFrameFragmented,     // RFC 6455 5.5: control frame with FIN clear
    ContinuationWithoutMessage, // RFC 6455 5.4: continuation frame with no message open
    DataFrameInsideMessage,     // RFC 6455 5.4: new text/binary frame while a fragmented message is open
    ReservedOpcode,             // RFC 6455 5.2: opcode 0x3-0x7 or 0xB-0xF
    ReservedBitsSet,            // RFC 6455 5.2: RSV bit set with no extension negotiating it
    ClientFrameUnmasked,        // RFC 6455 5.1: client frame without a mask
    ServerFrameMasked,          // RFC 6455 5.1: server frame with a mask
    InvalidUtf8,                // RFC 6455 8.1: text message is not valid UTF-8
    ClosePayloadTooShort,       // RFC 6455 5.5.1: close payload of exactly 1 byte
    InvalidCloseCode,           // RFC 6455 7.4: close code not allowed on the wire
    FrameTooLarge,              // configured frame size limit exceeded
    MessageTooLarge,            // configured message size limit exceeded
    DecompressedTooLarge,       // RFC 7692 message inflates past the configured cap
    DecompressionFailed,        // RFC 7692 payload is not a valid DEFLATE stream
    CompressedControlFrame,     // RFC 7692 6.1: RSV1 on a control frame
    CompressedContinuation,     // RFC 7692 6.1: RSV1 on a continuation frame
    FrameAfterClose,            // RFC 6455 5.5.1: data sent after a close frame
    FramingLost,                // stream could no longer be parsed as frames
    Count
};

struct ViolationInfo
{
    const char *id;        // stable identifier used in session files and the CLI, e.g. "non-minimal-length"
    const char *rule;      // human-readable rule, e.g. "RFC 6455 5.2: payload length must use the minimal encoding"
    std::uint16_t closeCode; // the close code a strict endpoint answers with
};

const ViolationInfo &violationInfo(Violation v);
// Reverse lookup of violationInfo(v).id; Violation::None when unknown.
Violation violationFromId(const char *id);

} // namespace wslens
