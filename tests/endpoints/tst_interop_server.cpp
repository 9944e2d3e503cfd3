// Our server against python3-websockets and node-ws clients: text, binary,
// 16 MiB, permessage-deflate, subprotocol, ping, close codes.

#include "peers.h"

#include "endpoints/wsserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace wslens;
using namespace wslens::test;

class tst_InteropServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peerClients_data();
    void peerClients();
};

void tst_InteropServer::peerClients_data()
{
    QTest::addColumn<Peer>("peer");
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<int>("bigMiB");
    // python3-websockets masks uncompressed payloads in pure Python here
    // (seconds for 16 MiB): its uncompressed row uses 4 MiB.
    QTest::newRow("python") << Peer::Python << false << 4;
    QTest::newRow("python deflate, 16 MiB") << Peer::Python << true << 16;
    QTest::newRow("node, 16 MiB") << Peer::Node << false << 16;
    QTest::newRow("node deflate, 16 MiB") << Peer::Node << true << 16;
}

void tst_InteropServer::peerClients()
{
    QFETCH(Peer, peer);
    QFETCH(bool, deflate);
    QFETCH(int, bigMiB);
    endpoints::WsServer server;
    endpoints::ServerOptions options;
    options.subprotocols = {QByteArrayLiteral("superchat"), QByteArrayLiteral("chat")};
    QString error;
    QVERIFY2(server.listen(options, &error), qPrintable(error));
    QSignalSpy closed(&server, &endpoints::WsServer::connectionClosed);

    ChildProcess client;
    QStringList args{server.url() + QStringLiteral("/interop")};
    if (deflate)
        args << QStringLiteral("--deflate");
    args << QStringLiteral("--big-mib") << QString::number(bigMiB);
    QVERIFY(startPeer(client, peer, peer == Peer::Python ? QStringLiteral("py_check_client.py")
                                                         : QStringLiteral("node_check_client.js"), args));
    const int code = client.waitForExit(30000);
    const QByteArray out = client.allStdout();
    QVERIFY2(code == 0, qPrintable(peerName(peer) + QStringLiteral(" exit %1: %2 %3").arg(code).arg(
                                       QString::fromUtf8(out), QString::fromUtf8(client.allStderr()))));
    const QJsonObject results = QJsonDocument::fromJson(out.trimmed().split('\n').last()).object();
    QCOMPARE(results.value(QLatin1String("big")).toBool(), true);
    QCOMPARE(results.value(QLatin1String("close_code")).toInt(), 4001);
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
    QCOMPARE(closed.first().at(1).toInt(), 4001); // the peer's close code
    QCOMPARE(closed.first().at(2).toInt(), 4001); // echoed
}

QTEST_GUILESS_MAIN(tst_InteropServer)
#include "tst_interop_server.moc"
