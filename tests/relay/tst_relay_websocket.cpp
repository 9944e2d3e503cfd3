// QWebSocket client <-> relay <-> QWebSocketServer, in both relay modes.
#include "relaytestsupport.h"

#include <QNetworkProxy>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

namespace {

// Echo server: every message comes back unchanged.
class EchoServer : public QObject
{
public:
    EchoServer()
        : m_server(QStringLiteral("echo"), QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection()) {
                ws->setParent(this);
                QObject::connect(ws, &QWebSocket::textMessageReceived, ws,
                                 [ws](const QString &m) { ws->sendTextMessage(m); });
                QObject::connect(ws, &QWebSocket::binaryMessageReceived, ws,
                                 [ws](const QByteArray &m) { ws->sendBinaryMessage(m); });
                QObject::connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QWebSocketServer m_server;
};

} // namespace

class TestRelayWebSocket : public QObject
{
    Q_OBJECT
private slots:
    void echoThroughRelay_data();
    void echoThroughRelay();
    void noLeakedDescriptors();
    void stopClosesConnections();
    void warnsWhenNotLoopback();
};

void TestRelayWebSocket::echoThroughRelay_data()
{
    QTest::addColumn<bool>("explicitProxy");
    QTest::newRow("reverse proxy") << false;
    QTest::newRow("explicit proxy (CONNECT)") << true;
}

void TestRelayWebSocket::echoThroughRelay()
{
    QFETCH(bool, explicitProxy);
    EchoServer server;
    QVERIFY(server.port());
    MemorySink sink;
    auto relay = startRelay(explicitProxy ? RelayMode::ExplicitProxy : RelayMode::ReverseProxy, server.port(), &sink);
    QVERIFY(relay);
    QCOMPARE(relay->state(), relay::Relay::State::Listening);
    QVERIFY(relay->proxyAddress().startsWith(QLatin1String("127.0.0.1:")));

    QWebSocket client;
    QUrl url;
    if (explicitProxy) {
        client.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), relay->listenPort()));
        url = QUrl(QStringLiteral("ws://127.0.0.1:%1/chat?room=1").arg(server.port()));
    } else {
        client.setProxy(QNetworkProxy::NoProxy);
        url = QUrl(QStringLiteral("ws://127.0.0.1:%1/chat?room=1").arg(relay->listenPort()));
    }
    QStringList texts;
    QList<QByteArray> binaries;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { texts << m; });
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &m) { binaries << m; });
    client.open(url);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);

    const QByteArray big(200000, 'x');
    client.sendTextMessage(QStringLiteral("hello relay"));
    client.sendBinaryMessage(QByteArray("\x00\x01\x02\xff", 4));
    client.sendBinaryMessage(big);
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(binaries.size(), 2, 5000);
    QCOMPARE(texts.first(), QStringLiteral("hello relay"));
    QCOMPARE(binaries.at(1), big);

    client.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(sink.connectionCount() == 1 && sink.allClosed(), 5000);

    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.responseStatus, 101);
    QCOMPARE(c.url, QStringLiteral("ws://127.0.0.1:%1/chat?room=1").arg(server.port()));
    QCOMPARE(c.requestTarget, QByteArray("/chat?room=1"));
    QCOMPARE(c.mode, explicitProxy ? ConnectionMode::ExplicitProxy : ConnectionMode::ReverseProxy);
    QVERIFY(c.openedUs > 0 && c.handshakeDoneUs >= c.openedUs && c.closedUs >= c.handshakeDoneUs);
    QCOMPARE(c.clientCloseCode, 1000);
    QCOMPARE(c.clientCloseReason, QStringLiteral("bye"));
    if (c.serverCloseCode != 1000)
        for (const FrameRecord &f : sink.frames(Direction::ServerToClient))
            qDebug() << "s2c" << f.header.opcode << f.payload.left(20) << int(f.violation) << c.error;
    QCOMPARE(c.serverCloseCode, 1000);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    bool hostRewritten = false;
    for (const auto &h : c.requestHeaders)
        if (h.first.compare("Host", Qt::CaseInsensitive) == 0)
            hostRewritten = h.second == QByteArray("127.0.0.1:") + QByteArray::number(server.port());
    QVERIFY(hostRewritten);

    const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
    const QList<QByteArray> down = sink.messages(Direction::ServerToClient);
    QCOMPARE(up.size(), 3);
    QCOMPARE(up.at(0), QByteArray("hello relay"));
    QCOMPARE(up.at(2), big);
    QCOMPARE(down, up);
    for (const FrameRecord &f : sink.frames(Direction::ClientToServer)) {
        QVERIFY(f.header.masked); // client frames as the client masked them
        QCOMPARE(f.violation, Violation::None);
    }
    relay->stop();
    QCOMPARE(relay->state(), relay::Relay::State::Stopped);
}

void TestRelayWebSocket::noLeakedDescriptors()
{
    EchoServer server;
    MemorySink sink;
    const int before = openFdCount();
    {
        auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink);
        QVERIFY(relay);
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(relay->listenPort()));
        for (int round = 0; round < 3; ++round) {
            std::vector<std::unique_ptr<QWebSocket>> clients;
            for (int i = 0; i < 10; ++i) {
                clients.push_back(std::make_unique<QWebSocket>());
                clients.back()->setProxy(QNetworkProxy::NoProxy);
                clients.back()->open(url);
            }
            for (auto &c : clients)
                QTRY_COMPARE_WITH_TIMEOUT(c->state(), QAbstractSocket::ConnectedState, 5000);
            // Half close normally, half just vanish.
            for (int i = 0; i < 10; ++i) {
                if (i % 2)
                    clients[i]->close();
                else
                    clients[i]->abort();
            }
            for (auto &c : clients)
                QTRY_COMPARE_WITH_TIMEOUT(c->state(), QAbstractSocket::UnconnectedState, 5000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(sink.connectionCount() == 30 && sink.allClosed(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(relay->activeConnections(), 0, 5000);
        relay->stop();
    }
    QTest::qWait(50); // the echo server deletes its sockets later
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), before, 5000);
    int vanished = 0;
    for (const auto &c : sink.connections())
        if (c.error.contains(QLatin1String("without a close frame")))
            ++vanished;
    QCOMPARE(vanished, 15);
}

void TestRelayWebSocket::stopClosesConnections()
{
    EchoServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ReverseProxy, server.port(), &sink);
    QVERIFY(relay);
    QWebSocket client;
    client.setProxy(QNetworkProxy::NoProxy);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(relay->listenPort())));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    QCOMPARE(relay->activeConnections(), 1);
    relay->stop();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QCOMPARE(sink.connectionCount(), 1);
    QCOMPARE(sink.connections().first().error, QStringLiteral("relay stopped"));
    QVERIFY(sink.connections().first().closedUs > 0);
}

void TestRelayWebSocket::warnsWhenNotLoopback()
{
    relay::Relay relay;
    relay::RelayConfig cfg;
    cfg.listenAddress = QHostAddress(QHostAddress::AnyIPv4);
    relay.setConfig(cfg);
    QSignalSpy warnings(&relay, &relay::Relay::warning);
    QVERIFY(relay.start());
    QCOMPARE(warnings.size(), 1);
    relay.stop();

    relay::RelayConfig reverse;
    reverse.mode = RelayMode::ReverseProxy;
    relay.setConfig(reverse);
    QVERIFY(!relay.start());
    QCOMPARE(relay.state(), relay::Relay::State::Failed);
    QVERIFY(relay.errorString().contains(QLatin1String("upstream")));
}

QTEST_GUILESS_MAIN(TestRelayWebSocket)
#include "tst_relay_websocket.moc"
