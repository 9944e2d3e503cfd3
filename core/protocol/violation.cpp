#include "protocol/violation.h"

#include <cstring>

namespace wslens {

namespace {

// Indexed by Violation; ids are stable (session files and the CLI use them).
constexpr ViolationInfo kViolations[] = {
    {"none", "no rule broken", 1000},
    {"non-minimal-length", "RFC 6455 5.2: the payload length must use the minimal number of bytes", 1002},
    {"length-high-bit-set", "RFC 6455 5.2: the most significant bit of a 64-bit payload length must be 0", 1002},
    {"control-frame-too-long", "RFC 6455 5.5: control frames must have a payload of 125 bytes or less", 1002},
    {"control-frame-fragmented", "RFC 6455 5.5: control frames must not be fragmented (FIN must be set)", 1002},
    {"continuation-without-message", "RFC 6455 5.4: a continuation frame needs a fragmented message in progress", 1002},
    {"data-frame-inside-message", "RFC 6455 5.4: a new text or binary frame may not start while a fragmented message is open", 1002},
    {"reserved-opcode", "RFC 6455 5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved", 1002},
    {"reserved-bits-set", "RFC 6455 5.2: RSV1-3 must be 0 unless an extension negotiated them", 1002},
    {"client-frame-unmasked", "RFC 6455 5.1: a client must mask every frame it sends", 1002},
    {"server-frame-masked", "RFC 6455 5.1: a server must not mask the frames it sends", 1002},
    {"invalid-utf8", "RFC 6455 8.1: text messages and close reasons must be valid UTF-8", 1007},
    {"close-payload-too-short", "RFC 6455 5.5.1: a close payload is empty or at least 2 bytes (a status code)", 1002},
    {"invalid-close-code", "RFC 6455 7.4: close code not allowed on the wire (<1000, 1004-1006, 1015, 1016-2999, >=5000)", 1002},
    {"frame-too-large", "limit: frame payload exceeds the configured maximum frame size", 1009},
    {"message-too-large", "limit: message exceeds the configured maximum message size", 1009},
    {"decompressed-too-large", "RFC 7692 limit: message inflates past the configured decompressed size cap", 1009},
    {"decompression-failed", "RFC 7692 7.2.2: compressed payload is not a valid DEFLATE stream", 1007},
    {"compressed-control-frame", "RFC 7692 6.1: RSV1 (compressed) must not be set on a control frame", 1002},
    {"compressed-continuation", "RFC 7692 6.1: RSV1 (compressed) is set only on the first frame of a message", 1002},
    {"frame-after-close", "RFC 6455 5.5.1: no frame may follow a close frame", 1002},
    {"framing-lost", "the byte stream could no longer be parsed as WebSocket frames", 1002},
};

static_assert(sizeof(kViolations) / sizeof(kViolations[0]) == std::size_t(Violation::Count),
              "one ViolationInfo per Violation");

} // namespace

const ViolationInfo &violationInfo(Violation v)
{
    const auto index = std::size_t(v);
    if (index >= std::size_t(Violation::Count))
        return kViolations[0];
    return kViolations[index];
}

Violation violationFromId(const char *id)
{
    if (!id)
        return Violation::None;
    for (std::size_t i = 1; i < std::size_t(Violation::Count); ++i) {
        if (std::strcmp(kViolations[i].id, id) == 0)
            return Violation(i);
    }
    return Violation::None;
}

} // namespace wslens
