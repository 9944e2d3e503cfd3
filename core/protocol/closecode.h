#pragma once

#include <cstdint>

namespace wslens {

// RFC 6455 7.4 status codes and the IANA registry.
namespace CloseCode {
constexpr std::uint16_t Normal = 1000;
constexpr std::uint16_t GoingAway = 1001;
constexpr std::uint16_t ProtocolError = 1002;
constexpr std::uint16_t UnsupportedData = 1003;
constexpr std::uint16_t Reserved1004 = 1004;
constexpr std::uint16_t NoStatusReceived = 1005; // never on the wire
constexpr std::uint16_t AbnormalClosure = 1006;  // never on the wire
constexpr std::uint16_t InvalidPayload = 1007;
constexpr std::uint16_t PolicyViolation = 1008;
constexpr std::uint16_t MessageTooBig = 1009;
constexpr std::uint16_t MandatoryExtension = 1010;
constexpr std::uint16_t InternalError = 1011;
constexpr std::uint16_t ServiceRestart = 1012;
constexpr std::uint16_t TryAgainLater = 1013;
constexpr std::uint16_t BadGateway = 1014;
constexpr std::uint16_t TlsHandshake = 1015;     // never on the wire

// May this code appear in a close frame? 1000-1003, 1007-1014 and 3000-4999.
// Rejected: < 1000, 1004-1006, 1015, 1016-2999 (reserved, unassigned), >= 5000.
bool isValidOnWire(std::uint16_t code);

// Short name for display ("normal", "protocol-error", ...; "private" for
// 4000-4999, "registered" for 3000-3999, "unknown" otherwise).
const char *name(std::uint16_t code);
} // namespace CloseCode

} // namespace wslens
