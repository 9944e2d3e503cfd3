// Server behaviours and client options in process: broadcast, subprotocol
// choice, Origin allow-list, capture of every frame (with violations),
// wss:// with the local CA, HTTP CONNECT proxy.

#include "endpoints/framespectext.h"
#include "endpoints/wsclient.h"
#include "endpoints/wsserver.h"
#include "tls/certificateauthority.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::endpoints;

namespace {

// A thread-safe in-memory CaptureSink.
class RecordingSink : public CaptureSink
{
public:
    quint64 openConnection(const ConnectionInfo &info) override
    {
        QMutexLocker lock(&m_mutex);
        m_connections.append(info);
        m_connections.last().id = quint64(m_connections.size());
        return m_connections.last().id;
    }
    void updateConnection(const ConnectionInfo &info) override
    {
        QMutexLocker lock(&m_mutex);
        if (info.id >= 1 && info.id <= quint64(m_connections.size()))
            m_connections[qsizetype(info.id - 1)] = info;
    }
    void appendFrame(FrameRecord &&frame) override
    {
        QMutexLocker lock(&m_mutex);
        m_frames.append(std::move(frame));
    }
    QList<ConnectionInfo> connections() const
    {
        QMutexLocker lock(&m_mutex);
        return m_connections;
    }
    QList<FrameRecord> frames() const
    {
        QMutexLocker lock(&m_mutex);
        return m_frames;
    }

private:
    mutable QMutex m_mutex;
    QList<ConnectionInfo> m_connections;
    QList<FrameRecord> m_frames;
};

// A minimal HTTP CONNECT proxy (one tunnel at a time is enough here).
class ConnectProxy : public QObject
{
public:
    explicit ConnectProxy(bool refuse)
        : m_refuse(refuse)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            QTcpSocket *down = m_server.nextPendingConnection();
            auto *buffer = new QByteArray;
            connect(down, &QObject::destroyed, this, [buffer]() { delete buffer; });
            connect(down, &QTcpSocket::readyRead, this, [this, down, buffer]() {
                if (down->property("tunnel").toBool())
                    return;
                *buffer += down->readAll();
                const qsizetype end = buffer->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                m_requestLine = buffer->left(buffer->indexOf("\r\n"));
                if (m_refuse) {
                    down->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                    down->disconnectFromHost();
                    return;
                }
                const QByteArray target = m_requestLine.split(' ').value(1);
                const qsizetype colon = target.lastIndexOf(':');
                auto *up = new QTcpSocket(down);
                down->setProperty("tunnel", true);
                disconnect(down, &QTcpSocket::readyRead, this, nullptr);
                connect(up, &QTcpSocket::connected, down, [down, up]() {
                    down->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    connect(down, &QTcpSocket::readyRead, up, [down, up]() { up->write(down->readAll()); });
                    connect(up, &QTcpSocket::readyRead, down, [down, up]() { down->write(up->readAll()); });
                    connect(up, &QTcpSocket::disconnected, down, [down]() { down->disconnectFromHost(); });
                    connect(down, &QTcpSocket::disconnected, up, [up]() { up->disconnectFromHost(); });
                });
                up->connectToHost(QString::fromLatin1(target.left(colon)), quint16(target.mid(colon + 1).toUInt()));
            });
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray requestLine() const { return m_requestLine; }

private:
    QTcpServer m_server;
    bool m_refuse;
    QByteArray m_requestLine;
};

struct ClientSpies
{
    explicit ClientSpies(WsClient &c)
        : connected(&c, &WsClient::connected)
        , failed(&c, &WsClient::failed)
        , messages(&c, &WsClient::messageReceived)
        , closes(&c, &WsClient::closeReceived)
        , disconnected(&c, &WsClient::disconnected)
    {
    }
    QSignalSpy connected, failed, messages, closes, disconnected;
};

ClientOptions optionsFor(const WsServer &server, const QString &path = QStringLiteral("/"))
{
    ClientOptions o;
    o.url = QUrl(server.url() + path);
    return o;
}

} // namespace

class tst_Endpoints : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void broadcast();
    void subprotocolPreference();
    void originAllowList_data();
    void originAllowList();
    void captureBothSides();
    void serverSendsIntoConnection();
    void wss();
    void proxy();
    void proxyRefuses();
};

void tst_Endpoints::broadcast()
{
    WsServer server;
    ServerOptions so;
    so.behaviour = []() { return makeBroadcastBehaviour(); };
    QVERIFY(server.listen(so));
    WsClient a, b, c;
    ClientSpies sa(a), sb(b), sc(c);
    for (WsClient *client : {&a, &b, &c})
        client->open(optionsFor(server));
    QTRY_COMPARE_WITH_TIMEOUT(sa.connected.size() + sb.connected.size() + sc.connected.size(), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 3, 5000);
    a.sendText(QStringLiteral("from a"));
    QTRY_COMPARE_WITH_TIMEOUT(sb.messages.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(sc.messages.size(), 1, 5000);
    QCOMPARE(sb.messages.first().at(1).toByteArray(), QByteArray("from a"));
    QCOMPARE(sc.messages.first().at(1).toByteArray(), QByteArray("from a"));
    b.sendBinary(QByteArray::fromHex("0102"));
    QTRY_COMPARE_WITH_TIMEOUT(sa.messages.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(sc.messages.size(), 2, 5000);
    QCOMPARE(sa.messages.first().at(1).toByteArray(), QByteArray::fromHex("0102"));
    QCOMPARE(sb.messages.size(), 1); // never its own message
}

void tst_Endpoints::subprotocolPreference()
{
    WsServer server;
    ServerOptions so;
    so.subprotocols = {QByteArrayLiteral("v2"), QByteArrayLiteral("v1")};
    QVERIFY(server.listen(so));
    WsClient client;
    ClientSpies s(client);
    ClientOptions o = optionsFor(server);
    o.subprotocols = {QByteArrayLiteral("v1"), QByteArrayLiteral("v2"), QByteArrayLiteral("v3")};
    client.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.connected.size(), 1, 5000);
    QCOMPARE(s.connected.first().first().value<ConnectionInfo>().subprotocol, QByteArray("v2"));

    WsClient other;
    ClientSpies so2(other);
    o.subprotocols = {QByteArrayLiteral("v9")};
    other.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(so2.connected.size(), 1, 5000);
    QCOMPARE(so2.connected.first().first().value<ConnectionInfo>().subprotocol, QByteArray());
}

void tst_Endpoints::originAllowList_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("allowed") << QByteArray("https://app.example") << true;
    QTest::newRow("allowed, other case") << QByteArray("HTTPS://APP.EXAMPLE") << true;
    QTest::newRow("other origin") << QByteArray("https://evil.example") << false;
    QTest::newRow("no origin (not a browser)") << QByteArray() << true;
}

void tst_Endpoints::originAllowList()
{
    QFETCH(QByteArray, origin);
    QFETCH(bool, accepted);
    WsServer server;
    ServerOptions so;
    so.allowedOrigins = {QByteArrayLiteral("https://app.example")};
    QVERIFY(server.listen(so));
    QSignalSpy rejected(&server, &WsServer::handshakeRejected);
    WsClient client;
    ClientSpies s(client);
    ClientOptions o = optionsFor(server);
    o.origin = origin;
    client.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.connected.size() + s.failed.size(), 1, 5000);
    QCOMPARE(s.connected.size(), accepted ? 1 : 0);
    if (!accepted) {
        QVERIFY2(s.failed.first().first().toString().contains(QLatin1String("403")),
                 qPrintable(s.failed.first().first().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, 5000);
    }
}

void tst_Endpoints::captureBothSides()
{
    RecordingSink serverSink, clientSink;
    WsServer server;
    ServerOptions so;
    so.capture = &serverSink;
    QVERIFY(server.listen(so));
    WsClient client;
    ClientSpies s(client);
    ClientOptions o = optionsFor(server, QStringLiteral("/cap?x=1"));
    o.capture = &clientSink;
    o.deflate = true;
    client.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.connected.size(), 1, 5000);
    client.sendText(QStringLiteral("compressed hello hello hello"));
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 1, 5000);
    CraftedFrame bad;
    QString error;
    QVERIFY(parseFrameSpec(QStringLiteral("opcode=3,text=reserved"), true, &bad, &error));
    client.sendRaw(bad.toBytes());
    QTRY_COMPARE_WITH_TIMEOUT(s.disconnected.size(), 1, 5000);
    QCOMPARE(s.closes.first().first().toInt(), 1002);

    QTRY_COMPARE_WITH_TIMEOUT(serverSink.connections().value(0).closedUs != 0, true, 5000);
    for (RecordingSink *sink : {&serverSink, &clientSink}) {
        const bool isServer = sink == &serverSink;
        const QList<ConnectionInfo> conns = sink->connections();
        QCOMPARE(conns.size(), 1);
        QCOMPARE(conns.first().mode, isServer ? ConnectionMode::LocalServer : ConnectionMode::LocalClient);
        QCOMPARE(conns.first().requestTarget, QByteArray("/cap?x=1"));
        QVERIFY(conns.first().extensions.startsWith("permessage-deflate"));
        QCOMPARE(conns.first().serverCloseCode, 1002);
        QCOMPARE(conns.first().clientCloseCode, 1002);
        // text (compressed) both ways, the bad frame, the server's close, the client's close reply
        QList<FrameRecord> frames = sink->frames();
        QCOMPARE(frames.size(), 5);
        int textMessages = 0;
        bool sawViolation = false;
        for (const FrameRecord &f : frames) {
            QCOMPARE(f.header.masked, f.direction == Direction::ClientToServer);
            if (f.header.opcode == Opcode::Text) {
                QCOMPARE(f.header.rsv, Rsv::Rsv1);
                QVERIFY(f.hasMessage);
                QCOMPARE(f.message, QByteArray("compressed hello hello hello"));
                ++textMessages;
            }
            if (f.header.opcode == 3) {
                QCOMPARE(f.violation, Violation::ReservedOpcode);
                QCOMPARE(f.payload, QByteArray("reserved"));
                sawViolation = true;
            }
        }
        QCOMPARE(textMessages, 2);
        QVERIFY(sawViolation);
    }
}

void tst_Endpoints::serverSendsIntoConnection()
{
    WsServer server;
    ServerOptions so;
    so.behaviour = []() { return makeSilentBehaviour(); };
    QVERIFY(server.listen(so));
    QSignalSpy opened(&server, &WsServer::connectionOpened);
    QSignalSpy received(&server, &WsServer::messageReceived);
    WsClient client;
    ClientSpies s(client);
    client.open(optionsFor(server));
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 5000);
    const quint64 id = opened.first().first().toULongLong();
    server.sendMessage(id, Opcode::Text, "pushed");
    server.sendRaw(id, QByteArray::fromHex("820201ff"));
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 2, 5000);
    QCOMPARE(s.messages.at(0).at(1).toByteArray(), QByteArray("pushed"));
    QCOMPARE(s.messages.at(1).at(1).toByteArray(), QByteArray::fromHex("01ff"));
    client.sendText(QStringLiteral("up"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
    QCOMPARE(received.first().at(2).toByteArray(), QByteArray("up"));
    server.closeConnection(id, 4444, "server says bye");
    QTRY_COMPARE_WITH_TIMEOUT(s.disconnected.size(), 1, 5000);
    QCOMPARE(s.closes.first().at(0).toInt(), 4444);
    QCOMPARE(s.closes.first().at(1).toString(), QStringLiteral("server says bye"));
}

void tst_Endpoints::wss()
{
    QTemporaryDir dir;
    tls::CertificateAuthority ca(dir.path());
    QString error;
    QVERIFY2(ca.loadOrCreate(&error), qPrintable(error));
    WsServer server;
    ServerOptions so;
    so.tls = ca.serverConfigurationFor(QStringLiteral("127.0.0.1"), &error);
    QVERIFY2(!so.tls->localCertificate().isNull(), qPrintable(error));
    QVERIFY(server.listen(so));
    QVERIFY(server.url().startsWith(QLatin1String("wss://")));

    WsClient trusting;
    ClientSpies s(trusting);
    ClientOptions o = optionsFor(server);
    o.caCertificates = {ca.caCertificate()};
    o.useSystemCaCertificates = false;
    trusting.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.connected.size() + s.failed.size(), 1, 10000);
    QVERIFY2(s.failed.isEmpty(), s.failed.isEmpty() ? "" : qPrintable(s.failed.first().first().toString()));
    QVERIFY(s.connected.first().first().value<ConnectionInfo>().tls);
    trusting.sendText(QStringLiteral("over tls"));
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 1, 5000);
    QCOMPARE(s.messages.first().at(1).toByteArray(), QByteArray("over tls"));
    trusting.close(1000);
    QTRY_COMPARE_WITH_TIMEOUT(s.disconnected.size(), 1, 5000);

    WsClient untrusting;
    ClientSpies u(untrusting);
    untrusting.open(optionsFor(server)); // system CAs only: our CA is unknown
    QTRY_COMPARE_WITH_TIMEOUT(u.failed.size(), 1, 10000);
    QVERIFY2(u.failed.first().first().toString().startsWith(QLatin1String("TLS")),
             qPrintable(u.failed.first().first().toString()));
}

void tst_Endpoints::proxy()
{
    WsServer server;
    QVERIFY(server.listen(ServerOptions()));
    ConnectProxy proxy(false);
    WsClient client;
    ClientSpies s(client);
    ClientOptions o = optionsFor(server);
    o.proxyHost = QStringLiteral("127.0.0.1");
    o.proxyPort = proxy.port();
    client.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.connected.size() + s.failed.size(), 1, 5000);
    QVERIFY2(s.failed.isEmpty(), s.failed.isEmpty() ? "" : qPrintable(s.failed.first().first().toString()));
    QCOMPARE(proxy.requestLine(), "CONNECT 127.0.0.1:" + QByteArray::number(server.serverPort()) + " HTTP/1.1");
    client.sendText(QStringLiteral("through the proxy"));
    QTRY_COMPARE_WITH_TIMEOUT(s.messages.size(), 1, 5000);
    QCOMPARE(s.messages.first().at(1).toByteArray(), QByteArray("through the proxy"));
}

void tst_Endpoints::proxyRefuses()
{
    ConnectProxy proxy(true);
    WsClient client;
    ClientSpies s(client);
    ClientOptions o;
    o.url = QUrl(QStringLiteral("ws://127.0.0.1:9/"));
    o.proxyHost = QStringLiteral("127.0.0.1");
    o.proxyPort = proxy.port();
    client.open(o);
    QTRY_COMPARE_WITH_TIMEOUT(s.failed.size(), 1, 5000);
    QVERIFY2(s.failed.first().first().toString().contains(QLatin1String("403")),
             qPrintable(s.failed.first().first().toString()));
}

QTEST_GUILESS_MAIN(tst_Endpoints)
#include "tst_endpoints.moc"
