#pragma once

#include "protocol/frame.h"

#include <QByteArray>
#include <QString>

#include <chrono>

namespace wslens::relay {

// A close frame the relay injects (strict mode). masked: sent toward a server.
struct BuiltFrame
{
    FrameHeader header;
    QByteArray payload; // unmasked
    QByteArray wire;    // what goes on the wire
};
BuiltFrame buildCloseFrame(quint16 code, const QByteArray &reason, bool masked);

// Microseconds since the Unix epoch.
inline qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace wslens::relay
