#pragma once

// Builders and comparisons shared by the store tests.

#include "store/capturerecords.h"

#include <QTest>

namespace wslens::test {

inline ConnectionInfo sampleConnection(int n)
{
    ConnectionInfo c;
    c.url = QStringLiteral("ws://127.0.0.1:%1/chat?x=%2").arg(8000 + n).arg(n);
    c.mode = ConnectionMode::ReverseProxy;
    c.clientEndpoint = QStringLiteral("127.0.0.1:5123%1").arg(n);
    c.serverEndpoint = QStringLiteral("127.0.0.1:%1").arg(8000 + n);
    c.requestTarget = QByteArrayLiteral("/chat?x=") + QByteArray::number(n);
    c.requestHeaders = {{QByteArrayLiteral("Host"), QByteArrayLiteral("127.0.0.1")},
                        {QByteArrayLiteral("Upgrade"), QByteArrayLiteral("websocket")},
                        {QByteArrayLiteral("Sec-WebSocket-Key"), QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ==")}};
    c.responseStatus = 101;
    c.responseReason = QByteArrayLiteral("Switching Protocols");
    c.responseHeaders = {{QByteArrayLiteral("Upgrade"), QByteArrayLiteral("websocket")},
                         {QByteArrayLiteral("X-Ünïcode"), QByteArrayLiteral("\xc3\xa9t\xc3\xa9")}};
    c.subprotocol = QByteArrayLiteral("chat");
    c.extensions = QByteArrayLiteral("permessage-deflate");
    c.openedUs = 1700000000000000 + n;
    c.handshakeDoneUs = c.openedUs + 1500;
    c.tls = n % 2;
    return c;
}

inline FrameRecord sampleFrame(quint64 conn, quint64 i)
{
    FrameRecord f;
    f.connectionId = conn;
    f.direction = i % 2 ? Direction::ServerToClient : Direction::ClientToServer;
    f.timestampUs = 1700000000000000 + qint64(i) * 1000;
    f.header.opcode = Opcode::Text;
    f.header.fin = true;
    f.header.masked = f.direction == Direction::ClientToServer;
    f.header.maskKey = f.header.masked ? 0x01020304u + quint32(i) : 0;
    f.payload = QByteArrayLiteral("message #") + QByteArray::number(i);
    f.header.payloadLength = quint64(f.payload.size());
    f.header.headerLength = f.header.masked ? 6 : 2;
    f.hasMessage = true;
    f.message = f.payload;
    return f;
}

inline void compareFrames(const FrameRecord &a, const FrameRecord &b)
{
    QCOMPARE(a.connectionId, b.connectionId);
    QCOMPARE(a.seq, b.seq);
    QCOMPARE(a.direction, b.direction);
    QCOMPARE(a.timestampUs, b.timestampUs);
    QCOMPARE(a.header.payloadLength, b.header.payloadLength);
    QCOMPARE(a.header.maskKey, b.header.maskKey);
    QCOMPARE(a.header.opcode, b.header.opcode);
    QCOMPARE(a.header.rsv, b.header.rsv);
    QCOMPARE(a.header.fin, b.header.fin);
    QCOMPARE(a.header.masked, b.header.masked);
    QCOMPARE(a.header.lengthEncoding, b.header.lengthEncoding);
    QCOMPARE(a.header.headerLength, b.header.headerLength);
    QCOMPARE(a.payload, b.payload);
    QCOMPARE(a.hasMessage, b.hasMessage);
    QCOMPARE(a.message, b.message);
    QCOMPARE(a.violation, b.violation);
    QCOMPARE(a.edit, b.edit);
    QCOMPARE(a.original, b.original);
    QCOMPARE(a.unparsed, b.unparsed);
}

inline void compareConnections(const ConnectionInfo &a, const ConnectionInfo &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.url, b.url);
    QCOMPARE(a.mode, b.mode);
    QCOMPARE(a.clientEndpoint, b.clientEndpoint);
    QCOMPARE(a.serverEndpoint, b.serverEndpoint);
    QCOMPARE(a.requestMethod, b.requestMethod);
    QCOMPARE(a.requestTarget, b.requestTarget);
    QCOMPARE(a.requestHeaders, b.requestHeaders);
    QCOMPARE(a.responseStatus, b.responseStatus);
    QCOMPARE(a.responseReason, b.responseReason);
    QCOMPARE(a.responseHeaders, b.responseHeaders);
    QCOMPARE(a.subprotocol, b.subprotocol);
    QCOMPARE(a.extensions, b.extensions);
    QCOMPARE(a.openedUs, b.openedUs);
    QCOMPARE(a.handshakeDoneUs, b.handshakeDoneUs);
    QCOMPARE(a.closedUs, b.closedUs);
    QCOMPARE(a.clientCloseCode, b.clientCloseCode);
    QCOMPARE(a.clientCloseReason, b.clientCloseReason);
    QCOMPARE(a.serverCloseCode, b.serverCloseCode);
    QCOMPARE(a.serverCloseReason, b.serverCloseReason);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.replayOf, b.replayOf);
    QCOMPARE(a.tls, b.tls);
    QCOMPARE(a.insecureUpstream, b.insecureUpstream);
}

} // namespace wslens::test
