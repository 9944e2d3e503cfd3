#pragma once

#include "protocol/frame.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace wslens {

// Every field of a frame to write, including deliberately invalid values.
struct FrameSpec
{
    std::uint8_t opcode = Opcode::Binary; // any value 0-15 (higher bits are dropped)
    std::uint8_t rsv = 0;                 // any of Rsv::Rsv1 | Rsv2 | Rsv3
    bool fin = true;
    bool masked = false;
    std::optional<std::uint32_t> maskKey;              // unset: a random key per frame
    std::optional<LengthEncoding> lengthEncoding;      // unset: minimal; set: forced (may be non-minimal)
    std::optional<std::uint64_t> declaredLength;       // unset: the payload size; set: written as is
};

// A control (or any) frame inserted between the fragments of a message.
struct InterleavedFrame
{
    int afterFragment = 0; // inserted after fragment number afterFragment (0-based)
    FrameSpec spec;
    QByteArray payload;
};

// Builds WebSocket frames (RFC 6455 5.2), valid or not. Stateless.
class FrameWriter
{
public:
    // Largest header: 2 + 8 (length) + 4 (mask key).
    static constexpr std::size_t MaxHeaderSize = 14;

    // Encodes header exactly as given (fin, rsv, opcode, mask flag and key,
    // lengthEncoding and payloadLength, even when they disagree: a length too
    // big for the chosen encoding is truncated to its bits). Returns the size
    // written to out (2-14) and does not read header.headerLength.
    static std::size_t encodeHeader(const FrameHeader &header, std::uint8_t *out);

    // The minimal length encoding for a payload size.
    static LengthEncoding minimalEncoding(std::uint64_t payloadLength);

    // The header a spec produces for a payload of payloadSize bytes (random key
    // resolved). Fills headerLength.
    static FrameHeader headerFor(const FrameSpec &spec, std::uint64_t payloadSize);

    // Appends header + (masked) payload to out. The payload is written as
    // given even when spec.declaredLength differs from its size.
    static void append(QByteArray &out, const FrameSpec &spec, QByteArrayView payload);
    static QByteArray frame(const FrameSpec &spec, QByteArrayView payload);

    // Fast path for normal frames: one allocation (at most) and one pass
    // that copies and masks the payload. mask == false ignores maskKey.
    static void appendFrame(QByteArray &out, std::uint8_t opcode, QByteArrayView payload,
                            bool fin = true, std::uint8_t rsv = 0, bool mask = false,
                            std::uint32_t maskKey = 0);
    // Writes a frame into dst (which must hold MaxHeaderSize + payload.size()
    // bytes); returns the bytes written. For callers with their own buffers.
    static std::size_t writeFrame(char *dst, std::uint8_t opcode, QByteArrayView payload,
                                  bool fin, std::uint8_t rsv, bool mask, std::uint32_t maskKey);

    // Close frame payload: 2-byte code (big endian) + reason; code < 0 = empty payload.
    static QByteArray closePayload(int code, QByteArrayView reason = {});
    static QByteArray closeFrame(int code, QByteArrayView reason = {}, bool mask = false,
                                 std::optional<std::uint32_t> maskKey = {});

    // A message split into `fragments` frames (at least 1). The first frame
    // uses first.opcode and first.rsv; the following ones are continuations
    // with rsv 0; every frame has FIN clear except the last; all use
    // first.masked / first.maskKey. Sizes differ by at most one byte (the
    // earlier fragments are larger); more fragments than bytes gives empty
    // fragments. `interleaved` frames are written after the fragment they
    // name (indexes past the end go after the last fragment).
    static QByteArray fragmentedMessage(const FrameSpec &first, QByteArrayView payload, int fragments,
                                        const std::vector<InterleavedFrame> &interleaved = {});

    // A random masking key (never 0, so a masked frame visibly differs).
    static std::uint32_t randomMaskKey();
};

} // namespace wslens
