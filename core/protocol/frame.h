#pragma once

#include <cstddef>
#include <cstdint>

namespace wslens {

// Which way a frame travels.
enum class Direction : std::uint8_t { ClientToServer = 0, ServerToClient = 1 };

// Who sends the frames of a stream; decides the masking rule (RFC 6455 5.1).
enum class Role : std::uint8_t { Client = 0, Server = 1 };

namespace Opcode {
constexpr std::uint8_t Continuation = 0x0;
constexpr std::uint8_t Text = 0x1;
constexpr std::uint8_t Binary = 0x2;
constexpr std::uint8_t Close = 0x8;
constexpr std::uint8_t Ping = 0x9;
constexpr std::uint8_t Pong = 0xA;
constexpr bool isControl(std::uint8_t op) { return (op & 0x8) != 0; }
constexpr bool isReserved(std::uint8_t op) { return (op >= 0x3 && op <= 0x7) || op >= 0xB; }
} // namespace Opcode

namespace Rsv {
constexpr std::uint8_t Rsv1 = 0x4; // permessage-deflate's "compressed" bit
constexpr std::uint8_t Rsv2 = 0x2;
constexpr std::uint8_t Rsv3 = 0x1;
} // namespace Rsv

// How the payload length was encoded on the wire.
enum class LengthEncoding : std::uint8_t { Short7 = 0, Medium16 = 1, Long64 = 2 };

// Every field of a frame header as it appeared on the wire.
struct FrameHeader
{
    std::uint64_t payloadLength = 0;
    std::uint32_t maskKey = 0; // key bytes in wire order, first byte most significant
    std::uint8_t opcode = 0;
    std::uint8_t rsv = 0;      // RSV1 = 4, RSV2 = 2, RSV3 = 1
    bool fin = true;
    bool masked = false;
    LengthEncoding lengthEncoding = LengthEncoding::Short7;
    std::uint8_t headerLength = 2; // 2 to 14 bytes

    // Mask key as the 4 wire bytes.
    void maskKeyBytes(std::uint8_t out[4]) const
    {
        out[0] = std::uint8_t(maskKey >> 24);
        out[1] = std::uint8_t(maskKey >> 16);
        out[2] = std::uint8_t(maskKey >> 8);
        out[3] = std::uint8_t(maskKey);
    }
};

} // namespace wslens
