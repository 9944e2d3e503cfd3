// python3-websockets and node-ws peers through the relay in both modes, with
// permessage-deflate negotiated and the inflated messages captured.
#include "relaytestsupport.h"
#include "testsupport.h"

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

class TestRelayPeers : public QObject
{
    Q_OBJECT
private slots:
    void peers_data();
    void peers();
};

void TestRelayPeers::peers_data()
{
    QTest::addColumn<QString>("client");
    QTest::addColumn<QString>("server");
    QTest::addColumn<bool>("explicitProxy");
    QTest::newRow("python -> python, reverse") << QStringLiteral("python") << QStringLiteral("python") << false;
    QTest::newRow("python -> python, explicit") << QStringLiteral("python") << QStringLiteral("python") << true;
    QTest::newRow("node -> node, reverse") << QStringLiteral("node") << QStringLiteral("node") << false;
    QTest::newRow("node -> node, explicit") << QStringLiteral("node") << QStringLiteral("node") << true;
    QTest::newRow("node -> python, reverse") << QStringLiteral("node") << QStringLiteral("python") << false;
    QTest::newRow("python -> node, explicit") << QStringLiteral("python") << QStringLiteral("node") << true;
}

void TestRelayPeers::peers()
{
    QFETCH(QString, client);
    QFETCH(QString, server);
    QFETCH(bool, explicitProxy);
    const QString peers = testDataPath(QStringLiteral("relay/peers/"));
    const QStringList nodeEnv = {QStringLiteral("NODE_PATH=") + nodeModulesPath()};
    auto program = [&](const QString &kind) -> QString { return kind == QLatin1String("python") ? debianPython() : nodeBinary(); };
    auto script = [&](const QString &kind, const char *role) -> QString {
        return peers + (kind == QLatin1String("python") ? QStringLiteral("py_") : QStringLiteral("node_"))
               + QLatin1String(role) + (kind == QLatin1String("python") ? QStringLiteral(".py") : QStringLiteral(".js"));
    };
    if (!QFile::exists(program(client)) || !QFile::exists(program(server)))
        QSKIP("python3 or node missing");

    ChildProcess serverProcess;
    QVERIFY2(serverProcess.start(program(server), {script(server, "server")}, nodeEnv), qPrintable(serverProcess.errorString()));
    const quint16 serverPort = portFromListeningLine(serverProcess.waitForLine("listening on"));
    QVERIFY2(serverPort, qPrintable(serverProcess.errorString()));

    MemorySink sink;
    auto relay = startRelay(explicitProxy ? RelayMode::ExplicitProxy : RelayMode::ReverseProxy, serverPort, &sink);
    QVERIFY(relay);
    QStringList args{script(client, "client")};
    if (explicitProxy) {
        args << QStringLiteral("ws://127.0.0.1:%1/peer").arg(serverPort);
        args << (client == QLatin1String("python") ? QStringLiteral("127.0.0.1:%1").arg(relay->listenPort())
                                                   : QString::number(relay->listenPort()));
    } else {
        args << QStringLiteral("ws://127.0.0.1:%1/peer").arg(relay->listenPort());
    }
    ChildProcess clientProcess;
    QVERIFY(clientProcess.start(program(client), args, nodeEnv));
    const int rc = clientProcess.waitForExit(20000);
    QVERIFY2(rc == 0, qPrintable(QString::fromUtf8(clientProcess.allStdout() + clientProcess.allStderr())));
    QVERIFY(clientProcess.allStdout().contains("ok"));

    QTRY_VERIFY_WITH_TIMEOUT(sink.connectionCount() == 1 && sink.allClosed(), 5000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY2(c.extensions.contains("permessage-deflate"), c.extensions.constData());
    QCOMPARE(c.clientCloseCode, 1000);
    QCOMPARE(c.serverCloseCode, 1000);
    const QByteArray greeting = client == QLatin1String("python") ? "hello from python" : "hello from node";
    const QList<QByteArray> expected = {greeting, QByteArray("compressible ").repeated(200), QByteArray("\x00\x01", 2)};
    for (const Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
        const QList<QByteArray> got = sink.messages(d);
        QCOMPARE(got.size(), 3);
        QCOMPARE(got.at(0), expected.at(0));
        QCOMPARE(got.at(1), expected.at(1));
        QVERIFY(got.at(2).startsWith(expected.at(2)));
        bool compressed = false;
        for (const FrameRecord &f : sink.frames(d)) {
            QCOMPARE(f.violation, Violation::None);
            if ((f.header.rsv & Rsv::Rsv1) && f.hasMessage && f.message == expected.at(1)) {
                compressed = true;
                QVERIFY(f.payload.size() < f.message.size()); // recorded as on the wire: compressed
            }
        }
        QVERIFY2(compressed, "the long message went compressed and was inflated for display");
    }
}

QTEST_GUILESS_MAIN(TestRelayPeers)
#include "tst_relay_peers.moc"
