#include "relay/closeframe.h"

#include "protocol/masking.h"

#include <QRandomGenerator>

namespace wslens::relay {

BuiltFrame buildCloseFrame(quint16 code, const QByteArray &reason, bool masked)
{
    BuiltFrame f;
    f.payload.reserve(2 + reason.size());
    f.payload.append(char(code >> 8));
    f.payload.append(char(code & 0xff));
    f.payload.append(reason.left(123)); // control frame payload <= 125
    f.header.opcode = Opcode::Close;
    f.header.fin = true;
    f.header.masked = masked;
    f.header.payloadLength = quint64(f.payload.size());
    f.header.headerLength = masked ? 6 : 2;
    f.wire.append(char(0x80 | Opcode::Close));
    f.wire.append(char((masked ? 0x80 : 0) | f.payload.size()));
    QByteArray body = f.payload;
    if (masked) {
        f.header.maskKey = QRandomGenerator::global()->generate();
        std::uint8_t key[4];
        f.header.maskKeyBytes(key);
        f.wire.append(reinterpret_cast<const char *>(key), 4);
        applyMaskInPlace(body.data(), std::size_t(body.size()), f.header.maskKey);
    }
    f.wire.append(body);
    return f;
}

} // namespace wslens::relay
