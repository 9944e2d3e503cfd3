// Byte-exactness: crafted streams (valid or not) go through the relay untouched
// in both directions, and the capture records what was on the wire.
#include "relaytestsupport.h"

#include <zlib.h>

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

namespace {

struct Expected
{
    QList<int> violations;     // per parsed frame (Violation as int)
    QList<QByteArray> payloads; // per parsed frame, unmasked
    QList<QByteArray> messages; // decoded messages, in order
    int unparsedBytes = 0;
};

struct Builder
{
    QByteArray wire;
    Expected exp;
    bool masked;
    explicit Builder(bool maskedFrames) : masked(maskedFrames) {}

    Builder &frame(std::uint8_t opcode, const QByteArray &payload, bool fin = true, std::uint8_t rsv = 0,
                   Violation v = Violation::None, std::optional<bool> mask = {})
    {
        FrameSpec spec;
        spec.opcode = opcode;
        spec.fin = fin;
        spec.rsv = rsv;
        spec.masked = mask.value_or(masked);
        spec.maskKey = 0x1a2b3c4du + std::uint32_t(wire.size());
        FrameWriter::append(wire, spec, payload);
        exp.violations << int(v);
        exp.payloads << payload;
        return *this;
    }
    Builder &message(const QByteArray &m)
    {
        exp.messages << m;
        return *this;
    }
};

QByteArray deflateRaw(const QByteArray &in)
{
    z_stream z = {};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(in.size())) + 16), Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(int(out.size() - z.avail_out));
    deflateEnd(&z);
    if (out.endsWith(QByteArray("\x00\x00\xff\xff", 4)))
        out.chop(4); // RFC 7692 7.2.1
    return out;
}

} // namespace

Q_DECLARE_METATYPE(Expected)

class TestRelayBytes : public QObject
{
    Q_OBJECT
private slots:
    void transparent_data();
    void transparent();
};

void TestRelayBytes::transparent_data()
{
    QTest::addColumn<bool>("fromClient");
    QTest::addColumn<QByteArray>("extensions");
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<Expected>("expected");

    for (const bool fromClient : {true, false}) {
        const char *dir = fromClient ? "client->server" : "server->client";
        auto row = [&](const char *name, const Builder &b, const QByteArray &ext = {}) {
            QTest::addRow("%s: %s", dir, name) << fromClient << ext << b.wire << b.exp;
        };
        {
            Builder b(fromClient);
            b.frame(Opcode::Text, "Hel", false)
                .frame(Opcode::Ping, "p1")
                .frame(Opcode::Continuation, "lo", false)
                .frame(Opcode::Pong, "")
                .frame(Opcode::Continuation, " world", true)
                .message("Hello world");
            row("fragmented message with pings between", b);
        }
        {
            Builder b(fromClient);
            b.frame(Opcode::Binary, "rsv", true, Rsv::Rsv2 | Rsv::Rsv3, Violation::ReservedBitsSet).message("rsv");
            b.frame(Opcode::Binary, "rsv1", true, Rsv::Rsv1, Violation::ReservedBitsSet).message("rsv1");
            row("RSV bits without an extension", b);
        }
        {
            Builder b(fromClient);
            b.frame(Opcode::Text, QByteArray("ok\xff\xfe", 4), true, 0, Violation::InvalidUtf8);
            b.exp.messages << QByteArray("ok\xff\xfe", 4);
            row("invalid UTF-8", b);
        }
        {
            Builder b(fromClient);
            b.frame(0x3, "three", true, 0, Violation::ReservedOpcode).frame(0xB, "eleven", true, 0, Violation::ReservedOpcode);
            row("reserved opcodes", b);
        }
        {
            Builder b(fromClient);
            b.frame(Opcode::Text, "", true).message("").frame(Opcode::Binary, "").message("").frame(Opcode::Ping, "");
            b.frame(Opcode::Close, "");
            row("empty payloads", b);
        }
        {
            Builder b(fromClient);
            const QByteArray big(16 << 20, 'b');
            b.frame(Opcode::Binary, big).message(big);
            row("16 MiB payload", b);
        }
        {
            Builder b(fromClient);
            const Violation v = fromClient ? Violation::ClientFrameUnmasked : Violation::ServerFrameMasked;
            b.frame(Opcode::Text, "wrong mask", true, 0, v, !fromClient).message("wrong mask");
            row(fromClient ? "unmasked client frame" : "masked server frame", b);
        }
        {
            Builder b(fromClient);
            FrameSpec spec;
            spec.opcode = Opcode::Binary;
            spec.masked = fromClient;
            spec.maskKey = 0x01020304;
            spec.lengthEncoding = LengthEncoding::Long64;
            FrameWriter::append(b.wire, spec, QByteArray("short"));
            b.exp.violations << int(Violation::NonMinimalLength);
            b.exp.payloads << QByteArray("short");
            b.message("short");
            row("non-minimal length", b);
        }
        {
            Builder b(fromClient);
            const QByteArray text = QByteArray("compressed hello ").repeated(50);
            b.frame(Opcode::Text, deflateRaw(text), true, Rsv::Rsv1).message(text);
            // A second message in two fragments, compressed as one.
            const QByteArray second = deflateRaw(QByteArray("again again again"));
            b.frame(Opcode::Binary, second.left(3), false, Rsv::Rsv1)
                .frame(Opcode::Continuation, second.mid(3), true)
                .message("again again again");
            row("permessage-deflate", b, "permessage-deflate");
        }
        {
            Builder b(fromClient);
            b.frame(Opcode::Text, "before").message("before");
            FrameSpec spec;
            spec.opcode = Opcode::Binary;
            spec.masked = fromClient;
            spec.maskKey = 0x01020304;
            spec.declaredLength = std::uint64_t(1) << 62;
            const QByteArray tail("garbage after an absurd length");
            FrameWriter::append(b.wire, spec, tail);
            b.exp.violations << int(Violation::FrameTooLarge);
            b.exp.payloads << QByteArray();
            b.exp.unparsedBytes = int(tail.size());
            row("absurd length: framing lost", b);
        }
    }
}

void TestRelayBytes::transparent()
{
    QFETCH(bool, fromClient);
    QFETCH(QByteArray, extensions);
    QFETCH(QByteArray, wire);
    QFETCH(Expected, expected);

    RawUpgradeServer server(extensions);
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink);
    QVERIFY(relay);
    RawUpgradeClient client;
    QVERIFY(client.connectAndUpgrade(relay->listenPort(), "/bytes", extensions));
    QTRY_VERIFY_WITH_TIMEOUT(server.upgraded(), 5000);
    if (!extensions.isEmpty())
        QVERIFY(client.responseHead().contains(QByteArray("Sec-WebSocket-Extensions: " + extensions)));

    if (fromClient) {
        client.socket().write(wire);
        QTRY_VERIFY_WITH_TIMEOUT(server.received().size() >= wire.size(), 20000);
        QVERIFY(server.received() == wire); // same bytes, same boundaries, same mask keys
    } else {
        server.socket()->write(wire);
        QTRY_VERIFY_WITH_TIMEOUT(client.received().size() >= wire.size(), 20000);
        QVERIFY(client.received() == wire);
    }

    const Direction dir = fromClient ? Direction::ClientToServer : Direction::ServerToClient;
    const int parsed = int(expected.payloads.size());
    QTRY_VERIFY_WITH_TIMEOUT(int(sink.frames(dir).size()) >= parsed, 5000);
    QTest::qWait(20);
    const std::vector<FrameRecord> frames = sink.frames(dir);
    int unparsed = 0;
    QList<int> violations;
    QList<QByteArray> payloads;
    for (const FrameRecord &f : frames) {
        if (f.unparsed) {
            unparsed += int(f.payload.size());
            continue;
        }
        violations << int(f.violation);
        payloads << f.payload;
    }
    QCOMPARE(violations, expected.violations);
    QCOMPARE(payloads.size(), expected.payloads.size());
    for (int i = 0; i < payloads.size(); ++i)
        QVERIFY2(payloads.at(i) == expected.payloads.at(i), qPrintable(QStringLiteral("payload %1").arg(i)));
    QCOMPARE(sink.messages(dir).size(), expected.messages.size());
    QVERIFY(sink.messages(dir) == expected.messages);
    QCOMPARE(unparsed, expected.unparsedBytes);
    // Nothing went the other way.
    QCOMPARE(int(sink.frames(fromClient ? Direction::ServerToClient : Direction::ClientToServer).size()), 0);
}

QTEST_GUILESS_MAIN(TestRelayBytes)
#include "tst_relay_bytes.moc"
