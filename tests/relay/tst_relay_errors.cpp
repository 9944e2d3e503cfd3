// Error cases: refused upstream, peers closing mid-frame, strict mode, back-pressure.
#include "relaytestsupport.h"

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

class TestRelayErrors : public QObject
{
    Q_OBJECT
private slots:
    void upstreamRefuses();
    void silentUpstreamTimesOutWith502();
    void peerClosesMidFrame_data();
    void peerClosesMidFrame();
    void strictClosesOffender_data();
    void strictClosesOffender();
    void backPressureBoundsMemory();
};

void TestRelayErrors::upstreamRefuses()
{
    quint16 port = 0;
    {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        port = s.serverPort();
    }
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, port, &sink);
    QVERIFY(relay);
    RawUpgradeClient client;
    QVERIFY(!client.connectAndUpgrade(relay->listenPort(), "/x"));
    QVERIFY2(client.responseHead().startsWith("HTTP/1.1 502 Bad Gateway"), client.responseHead().constData());
    QTRY_COMPARE_WITH_TIMEOUT(sink.connectionCount(), 1, 3000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY2(c.error.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(c.error));
    QVERIFY(c.closedUs > 0);
    QTRY_COMPARE_WITH_TIMEOUT(client.socket().state(), QAbstractSocket::UnconnectedState, 3000);
}

// A server that accepts TCP and never answers the TLS ClientHello: after the
// connect timeout the client gets 502 (not 504) with the reason, and a record.
void TestRelayErrors::silentUpstreamTimesOutWith502()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    QList<QTcpSocket *> accepted;
    connect(&silent, &QTcpServer::newConnection, this, [&] { accepted.append(silent.nextPendingConnection()); });
    MemorySink sink;
    auto r = std::make_unique<relay::Relay>();
    relay::RelayConfig cfg;
    cfg.mode = RelayMode::ReverseProxy;
    cfg.listenPort = 0;
    cfg.upstream = QUrl(QStringLiteral("wss://127.0.0.1:%1/").arg(silent.serverPort()));
    cfg.connectTimeoutMs = 700;
    r->setConfig(cfg);
    r->setCaptureSink(&sink);
    QVERIFY(r->start());
    RawUpgradeClient client;
    QElapsedTimer t;
    t.start();
    QVERIFY(!client.connectAndUpgrade(r->listenPort(), "/x"));
    QVERIFY2(client.responseHead().startsWith("HTTP/1.1 502 Bad Gateway"), client.responseHead().constData());
    QVERIFY2(t.elapsed() >= 600, qPrintable(QString::number(t.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(sink.connectionCount(), 1, 3000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.responseStatus, 502);
    QVERIFY2(c.error.contains(QLatin1String("timed out in the TLS handshake")), qPrintable(c.error));
    QVERIFY2(c.error.contains(QStringLiteral("127.0.0.1:%1").arg(silent.serverPort())), qPrintable(c.error));
    QTRY_COMPARE_WITH_TIMEOUT(r->activeConnections(), 0, 3000);
    qDeleteAll(accepted);
}

void TestRelayErrors::peerClosesMidFrame_data()
{
    QTest::addColumn<bool>("serverCloses");
    QTest::newRow("server closes mid-frame") << true;
    QTest::newRow("client vanishes mid-frame") << false;
}

void TestRelayErrors::peerClosesMidFrame()
{
    QFETCH(bool, serverCloses);
    RawUpgradeServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink);
    QVERIFY(relay);
    RawUpgradeClient client;
    QVERIFY(client.connectAndUpgrade(relay->listenPort(), "/mid"));
    QTRY_VERIFY_WITH_TIMEOUT(server.upgraded(), 3000);
    // A whole frame, then half of a second one.
    FrameSpec spec;
    spec.masked = !serverCloses;
    spec.maskKey = 0x11223344;
    QByteArray wire = FrameWriter::frame(spec, QByteArray("complete"));
    wire += FrameWriter::frame(spec, QByteArray(1000, 'h')).left(300);
    if (serverCloses) {
        server.socket()->write(wire);
        server.socket()->flush();
        server.socket()->disconnectFromHost();
        QTRY_COMPARE_WITH_TIMEOUT(client.socket().state(), QAbstractSocket::UnconnectedState, 5000);
        QVERIFY(client.received() == wire); // everything the server sent arrived before the close
    } else {
        client.socket().write(wire);
        client.socket().flush();
        QTRY_VERIFY_WITH_TIMEOUT(server.received().size() == wire.size(), 5000);
        client.socket().abort();
        QTRY_COMPARE_WITH_TIMEOUT(server.socket()->state(), QAbstractSocket::UnconnectedState, 5000);
    }
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed(), 5000);
    const ConnectionInfo c = sink.connections().first();
    const QString who = serverCloses ? QStringLiteral("server") : QStringLiteral("client");
    QVERIFY2(c.error.startsWith(who) && c.error.contains(QLatin1String("middle of a frame")), qPrintable(c.error));
    const auto frames = sink.frames(serverCloses ? Direction::ServerToClient : Direction::ClientToServer);
    QCOMPARE(int(frames.size()), 1); // the complete frame; the cut one is not a frame
    QCOMPARE(frames.front().payload, QByteArray("complete"));
    QTRY_COMPARE_WITH_TIMEOUT(relay->activeConnections(), 0, 5000);
}

void TestRelayErrors::strictClosesOffender_data()
{
    QTest::addColumn<bool>("clientOffends");
    QTest::newRow("client sends an unmasked frame") << true;
    QTest::newRow("server sends a reserved opcode") << false;
}

void TestRelayErrors::strictClosesOffender()
{
    QFETCH(bool, clientOffends);
    RawUpgradeServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink, /*strict*/ true);
    QVERIFY(relay);
    RawUpgradeClient client;
    QVERIFY(client.connectAndUpgrade(relay->listenPort(), "/strict"));
    QTRY_VERIFY_WITH_TIMEOUT(server.upgraded(), 3000);

    FrameSpec good;
    good.masked = clientOffends;
    good.maskKey = 0x0a0b0c0d;
    FrameSpec bad = good;
    if (clientOffends)
        bad.masked = false; // RFC 6455 5.1
    else
        bad.opcode = 0x5;   // reserved
    const QByteArray okFrame = FrameWriter::frame(good, QByteArray("fine"));
    const QByteArray wire = okFrame + FrameWriter::frame(bad, QByteArray("bad")) + FrameWriter::frame(good, QByteArray("after"));
    const Violation expected = clientOffends ? Violation::ClientFrameUnmasked : Violation::ReservedOpcode;
    const quint16 expectedCode = violationInfo(expected).closeCode;

    QTcpSocket *offender = clientOffends ? &client.socket() : server.socket();
    offender->write(wire);
    // The other side gets the good frame, then a clean 1001 close; never the bad frame.
    auto otherReceived = [&] { return clientOffends ? server.received() : client.received(); };
    auto offenderReceived = [&] { return clientOffends ? client.received() : server.received(); };
    QTRY_VERIFY_WITH_TIMEOUT(otherReceived().size() > okFrame.size(), 5000);
    QVERIFY(otherReceived().startsWith(okFrame));
    const QByteArray toOther = otherReceived().mid(okFrame.size());
    QCOMPARE(quint8(toOther.at(0)), quint8(0x88));
    QCOMPARE(bool(quint8(toOther.at(1)) & 0x80), clientOffends); // masked toward the server
    QTRY_VERIFY_WITH_TIMEOUT(offenderReceived().size() >= 4, 5000);
    const QByteArray toOffender = offenderReceived();
    QCOMPARE(quint8(toOffender.at(0)), quint8(0x88));
    QCOMPARE(bool(quint8(toOffender.at(1)) & 0x80), !clientOffends);
    if (clientOffends) { // unmasked toward the client: the code is readable directly
        QCOMPARE(quint16((quint8(toOffender.at(2)) << 8) | quint8(toOffender.at(3))), expectedCode);
    }
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed(), 8000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY2(c.error.startsWith(QLatin1String("strict:")), qPrintable(c.error));
    QVERIFY(c.error.contains(QLatin1String(violationInfo(expected).id)));
    // Records: the violation on the offending frame, and the two injected closes.
    int injected = 0;
    bool sawViolation = false;
    for (const Direction d : {Direction::ClientToServer, Direction::ServerToClient})
        for (const FrameRecord &f : sink.frames(d)) {
            if (f.edit == EditMark::Injected) {
                ++injected;
                QCOMPARE(f.header.opcode, Opcode::Close);
            }
            if (f.violation == expected)
                sawViolation = true;
        }
    QCOMPARE(injected, 2);
    QVERIFY(sawViolation);
}

void TestRelayErrors::backPressureBoundsMemory()
{
    RawUpgradeServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink);
    QVERIFY(relay);
    RawUpgradeClient client;
    QVERIFY(client.connectAndUpgrade(relay->listenPort(), "/slow"));
    QTRY_VERIFY_WITH_TIMEOUT(server.upgraded(), 3000);
    server.setReading(false); // a slow reader

    FrameSpec spec;
    spec.masked = true;
    spec.maskKey = 0x55667788;
    QByteArray wire;
    const QByteArray payload(1 << 20, 'm');
    for (int i = 0; i < 64; ++i)
        FrameWriter::append(wire, spec, payload);
    client.socket().write(wire);
    QTest::qWait(1500);
    // The relay holds at most a few MiB (its 2 MiB bound + Qt and kernel socket
    // buffers, ~25 MiB on loopback for the whole chain): the rest
    // must still be waiting in the sender.
    const qint64 unsent = client.socket().bytesToWrite();
    QVERIFY2(unsent > 32 * (1 << 20), qPrintable(QString::number(unsent)));
    server.setReading(true);
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() >= wire.size(), 20000);
    QVERIFY(server.received() == wire);
    QTRY_COMPARE_WITH_TIMEOUT(int(sink.frames(Direction::ClientToServer).size()), 64, 5000);
}

QTEST_GUILESS_MAIN(TestRelayErrors)
#include "tst_relay_errors.moc"
