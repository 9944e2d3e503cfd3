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
    explicit EchoServer(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
        : m_server(QStringLiteral("echo"), QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *ws = m_server.nextPendingConnection()) {
                ws->setParent(this);
                paths << ws->requestUrl().toString(QUrl::RemoveScheme | QUrl::RemoveAuthority);
                QObject::connect(ws, &QWebSocket::textMessageReceived, ws,
                                 [ws](const QString &m) { ws->sendTextMessage(m); });
                QObject::connect(ws, &QWebSocket::binaryMessageReceived, ws,
                                 [ws](const QByteArray &m) { ws->sendBinaryMessage(m); });
                QObject::connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
            }
        });
        m_server.listen(address, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QStringList paths; // path?query of every request the server accepted

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
    void reverseProxyPath_data();
    void reverseProxyPath();
    void ipv6_data();
    void ipv6();
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

void TestRelayWebSocket::reverseProxyPath_data()
{
    QTest::addColumn<QString>("upstreamPath"); // after ws://127.0.0.1:PORT
    QTest::addColumn<QString>("clientPath");   // what the client asks the relay for
    QTest::addColumn<QString>("serverPath");   // what reaches the server
    QTest::newRow("no upstream path") << QString() << QStringLiteral("/chat?room=1") << QStringLiteral("/chat?room=1");
    QTest::newRow("upstream path, client asks for /") << QStringLiteral("/feed?v=2") << QStringLiteral("/")
                                                      << QStringLiteral("/feed?v=2");
    QTest::newRow("upstream path, client asks for the same") << QStringLiteral("/feed") << QStringLiteral("/feed")
                                                             << QStringLiteral("/feed");
    QTest::newRow("upstream path, client asks for another") << QStringLiteral("/feed") << QStringLiteral("/other?x")
                                                            << QStringLiteral("/other?x");
    QTest::newRow("upstream /, client path kept") << QStringLiteral("/") << QStringLiteral("/a/b") << QStringLiteral("/a/b");
}

// Reverse proxy: the client's path and query go upstream unchanged; a client
// asking for "/" gets the upstream URL's own path (--upstream ws://h:p/feed).
void TestRelayWebSocket::reverseProxyPath()
{
    QFETCH(QString, upstreamPath);
    QFETCH(QString, clientPath);
    QFETCH(QString, serverPath);
    EchoServer server;
    QVERIFY(server.port());
    MemorySink sink;
    auto r = std::make_unique<relay::Relay>();
    relay::RelayConfig cfg;
    cfg.mode = RelayMode::ReverseProxy;
    cfg.listenPort = 0;
    cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(server.port()).arg(upstreamPath));
    r->setConfig(cfg);
    r->setCaptureSink(&sink);
    QVERIFY(r->start());
    QWebSocket client;
    client.setProxy(QNetworkProxy::NoProxy);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(r->listenPort()).arg(clientPath)));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(server.paths, QStringList{serverPath}, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(sink.connectionCount(), 1, 5000);
    QCOMPARE(sink.connections().first().url, QStringLiteral("ws://127.0.0.1:%1%2").arg(server.port()).arg(serverPath));
    QCOMPARE(sink.connections().first().requestTarget, serverPath.toLatin1());
    client.close();
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed(), 5000);
}

void TestRelayWebSocket::ipv6_data()
{
    QTest::addColumn<int>("how"); // 0 reverse proxy, 1 absolute-form, 2 CONNECT
    QTest::newRow("reverse proxy to ws://[::1]") << 0;
    QTest::newRow("GET http://[::1]:port/ (absolute-form)") << 1;
    QTest::newRow("CONNECT [::1]:port") << 2;
}

// The relay listening on ::1 and reaching a server on ::1, in each way a
// client can name an IPv6 server.
void TestRelayWebSocket::ipv6()
{
    QFETCH(int, how);
    EchoServer server{QHostAddress(QHostAddress::LocalHostIPv6)};
    if (!server.port())
        QSKIP("no IPv6 loopback here");
    const QByteArray authority = "[::1]:" + QByteArray::number(server.port());
    MemorySink sink;
    auto r = std::make_unique<relay::Relay>();
    relay::RelayConfig cfg;
    cfg.mode = how == 0 ? RelayMode::ReverseProxy : RelayMode::ExplicitProxy;
    cfg.listenAddress = QHostAddress(QHostAddress::LocalHostIPv6);
    cfg.listenPort = 0;
    if (how == 0)
        cfg.upstream = QUrl(QStringLiteral("ws://") + QString::fromLatin1(authority) + QLatin1Char('/'));
    r->setConfig(cfg);
    r->setCaptureSink(&sink);
    QVERIFY2(r->start(), qPrintable(r->errorString()));
    QVERIFY2(r->proxyAddress().startsWith(QLatin1String("[::1]:")), qPrintable(r->proxyAddress()));

    QTcpSocket s;
    s.connectToHost(QHostAddress(QHostAddress::LocalHostIPv6), r->listenPort());
    QVERIFY(s.waitForConnected(3000));
    QByteArray buffer;
    QByteArray head;
    if (how == 2) {
        s.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
        QVERIFY(readHead(s, buffer, head));
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
    }
    const QByteArray target = how == 1 ? "http://" + authority + "/v6?x=1" : QByteArray("/v6?x=1");
    s.write("GET " + target + " HTTP/1.1\r\nHost: " + authority
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n");
    QVERIFY(readHead(s, buffer, head));
    QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
    FrameSpec spec;
    spec.masked = true;
    spec.maskKey = 0x01020304;
    spec.opcode = Opcode::Text;
    s.write(FrameWriter::frame(spec, QByteArray("over ipv6")));
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages(Direction::ServerToClient), QList<QByteArray>{"over ipv6"}, 5000);
    QCOMPARE(server.paths, QStringList{QStringLiteral("/v6?x=1")});
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, QStringLiteral("ws://") + QString::fromLatin1(authority) + QStringLiteral("/v6?x=1"));
    QCOMPARE(c.serverEndpoint, QString::fromLatin1(authority));
    QVERIFY2(c.clientEndpoint.startsWith(QLatin1String("[::1]:")), qPrintable(c.clientEndpoint));
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
