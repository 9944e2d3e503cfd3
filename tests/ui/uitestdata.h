#pragma once
// Small builders for captured frames and connections used by the UI tests.

#include "store/capturerecords.h"

namespace uitest {

inline wslens::FrameRecord frame(quint64 conn, wslens::Direction dir, quint8 opcode, const QByteArray &payload,
                                 qint64 tsUs = 1700000000000000, bool fin = true)
{
    wslens::FrameRecord f;
    f.connectionId = conn;
    f.direction = dir;
    f.timestampUs = tsUs;
    f.header.opcode = opcode;
    f.header.fin = fin;
    f.header.payloadLength = quint64(payload.size());
    f.header.masked = dir == wslens::Direction::ClientToServer;
    f.header.maskKey = f.header.masked ? 0x0a0b0c0du : 0;
    f.header.headerLength = f.header.masked ? 6 : 2;
    f.payload = payload;
    if (fin && (opcode == wslens::Opcode::Text || opcode == wslens::Opcode::Binary)) {
        f.hasMessage = true;
        f.message = payload;
    }
    return f;
}

inline wslens::ConnectionInfo connection(const QString &url)
{
    wslens::ConnectionInfo c;
    c.url = url;
    c.clientEndpoint = QStringLiteral("127.0.0.1:50000");
    c.serverEndpoint = QStringLiteral("127.0.0.1:9001");
    c.requestTarget = QByteArrayLiteral("/chat");
    c.requestHeaders = {{QByteArrayLiteral("Host"), QByteArrayLiteral("127.0.0.1:9001")},
                        {QByteArrayLiteral("Upgrade"), QByteArrayLiteral("websocket")},
                        {QByteArrayLiteral("Sec-WebSocket-Key"), QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ==")}};
    c.responseStatus = 101;
    c.responseReason = QByteArrayLiteral("Switching Protocols");
    c.responseHeaders = {{QByteArrayLiteral("Upgrade"), QByteArrayLiteral("websocket")},
                         {QByteArrayLiteral("Sec-WebSocket-Accept"), QByteArrayLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")}};
    c.openedUs = 1700000000000000;
    c.handshakeDoneUs = 1700000000001500;
    return c;
}

// A small mixed capture into any sink: 2 connections, 12 frames.
// Frame 0: c2s text {"hello":"world"}; 1: s2c text; 2: c2s binary; 3: c2s ping;
// 4: s2c pong; 5: c2s text with a violation (RSV2); 6: s2c text "Edited" (replaced);
// 7..9: conn 2 text fragments "frag" (fin=0), cont, cont(fin); 10: s2c binary; 11: c2s close 1000.
inline void fill(wslens::CaptureSink &sink)
{
    using namespace wslens;
    const quint64 a = sink.openConnection(connection(QStringLiteral("ws://127.0.0.1:9001/chat")));
    const quint64 b = sink.openConnection(connection(QStringLiteral("ws://127.0.0.1:9001/feed")));
    qint64 t = 1700000000002000;
    auto add = [&sink, &t](FrameRecord f) {
        f.timestampUs = (t += 1000);
        sink.appendFrame(std::move(f));
    };
    add(frame(a, Direction::ClientToServer, Opcode::Text, QByteArrayLiteral("{\"hello\":\"world\",\"n\":[1,2]}")));
    add(frame(a, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("Welcome to the Chat")));
    add(frame(a, Direction::ClientToServer, Opcode::Binary, QByteArray::fromHex("00ff10204142")));
    add(frame(a, Direction::ClientToServer, Opcode::Ping, QByteArrayLiteral("ping?")));
    add(frame(a, Direction::ServerToClient, Opcode::Pong, QByteArrayLiteral("ping?")));
    FrameRecord bad = frame(a, Direction::ClientToServer, Opcode::Text, QByteArrayLiteral("bad bits"));
    bad.header.rsv = Rsv::Rsv2;
    bad.violation = Violation::ReservedBitsSet;
    add(bad);
    FrameRecord edited = frame(a, Direction::ServerToClient, Opcode::Text, QByteArrayLiteral("Edited"));
    edited.edit = EditMark::Replaced;
    edited.original = QByteArrayLiteral("Original");
    add(edited);
    add(frame(b, Direction::ClientToServer, Opcode::Text, QByteArrayLiteral("frag"), 0, false));
    add(frame(b, Direction::ClientToServer, Opcode::Continuation, QByteArrayLiteral("ment"), 0, false));
    FrameRecord last = frame(b, Direction::ClientToServer, Opcode::Continuation, QByteArrayLiteral("ed"), 0, true);
    last.hasMessage = true;
    last.message = QByteArrayLiteral("fragmented");
    add(last);
    add(frame(b, Direction::ServerToClient, Opcode::Binary, QByteArray(300, 'x')));
    add(frame(a, Direction::ClientToServer, Opcode::Close, QByteArray::fromHex("03e8") + QByteArrayLiteral("bye")));
}

constexpr int kFrames = 12;

} // namespace uitest
