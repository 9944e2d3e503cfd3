#pragma once

// A raw client for conformance tests: does the opening handshake by hand over
// a blocking QTcpSocket, sends crafted bytes and collects exactly what the
// server answers until it closes TCP.

#include "protocol/framewriter.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QTcpSocket>

namespace wslens::test {

constexpr std::uint32_t kTestMaskKey = 0x37fa213d;

// A masked client frame (fixed key, so the bytes are reproducible).
inline QByteArray clientFrame(std::uint8_t opcode, const QByteArray &payload, bool fin = true, std::uint8_t rsv = 0)
{
    QByteArray out;
    FrameWriter::appendFrame(out, opcode, payload, fin, rsv, true, kTestMaskKey);
    return out;
}

// An unmasked server frame.
inline QByteArray serverFrame(std::uint8_t opcode, const QByteArray &payload, bool fin = true, std::uint8_t rsv = 0)
{
    QByteArray out;
    FrameWriter::appendFrame(out, opcode, payload, fin, rsv, false, 0);
    return out;
}

inline QByteArray clientClose(int code, const QByteArray &reason = QByteArray())
{
    return clientFrame(0x8, FrameWriter::closePayload(code, reason));
}

inline QByteArray serverClose(int code, const QByteArray &reason = QByteArray())
{
    return serverFrame(0x8, FrameWriter::closePayload(code, reason));
}

struct Exchange
{
    bool handshakeOk = false;
    QByteArray handshakeResponse;
    QByteArray received;  // every byte after the 101 response
    bool closedByServer = false;
    qint64 closedAfterMs = -1;
};

// Connects, upgrades (extensions: Sec-WebSocket-Extensions offer or empty),
// writes each chunk (waiting pauseMs between chunks), then reads until the
// server closes or timeoutMs pass.
Exchange runExchange(quint16 port, const QList<QByteArray> &chunks, const QByteArray &extensions = QByteArray(),
                     int timeoutMs = 5000, int pauseMs = 0);

} // namespace wslens::test
