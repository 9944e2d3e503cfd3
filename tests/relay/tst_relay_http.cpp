// Explicit HTTP-proxy mode: plain HTTP forwarded untouched (bodies, keep-alive),
// CONNECT tunnels, and 502/400 answers with connection records.
#include "relaytestsupport.h"

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

namespace {

// A tiny HTTP/1.1 origin server. Answers by path; remembers request heads and bodies.
class TinyHttpServer : public QObject
{
public:
    TinyHttpServer()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                ++m_connections;
                auto state = std::make_shared<Conn>();
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, state] { onRead(s, *state); });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<HttpHead> requests;
    QList<QByteArray> bodies;
    int connections() const { return m_connections; }

    static QByteArray responseFor(const QByteArray &path, const QByteArray &body)
    {
        if (path == "/len")
            return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
        if (path == "/chunked")
            return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n";
        if (path == "/close")
            return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the connection closes";
        if (path == "/echo")
            return "HTTP/1.1 201 Created\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    }

private:
    struct Conn
    {
        QByteArray buffer;
        HttpHeadParser parser{HttpMessageKind::Request};
        HttpHead head;
        relay::BodyTracker body;
        QByteArray bodyBytes;
        bool inBody = false;
    };
    void onRead(QTcpSocket *s, Conn &c)
    {
        c.buffer += s->readAll();
        for (;;) {
            if (!c.inBody) {
                std::size_t len = 0;
                const HttpHeadParser::Status st = c.parser.feed(c.buffer, &len);
                c.buffer.remove(0, qsizetype(len));
                if (st != HttpHeadParser::Status::Complete)
                    return; // NeedMore: the parser keeps what it took
                c.head = c.parser.takeHead();
                c.parser.reset();
                c.body.setupForRequest(c.head);
                c.bodyBytes.clear();
                c.inBody = true;
            }
            const qsizetype n = c.body.consume(c.buffer.constData(), c.buffer.size());
            c.bodyBytes += c.buffer.left(n);
            c.buffer.remove(0, n);
            if (!c.body.done())
                return;
            c.inBody = false;
            requests << c.head;
            bodies << c.bodyBytes;
            const QByteArray path = c.head.target;
            s->write(responseFor(path, c.bodyBytes));
            if (path == "/close")
                s->disconnectFromHost();
        }
    }
    QTcpServer m_server;
    int m_connections = 0;
};

// Reads from s until the collected bytes satisfy done() or the timeout passes.
template<typename Pred>
QByteArray readUntil(QTcpSocket &s, Pred done, int timeoutMs = 5000)
{
    QByteArray got;
    QElapsedTimer t;
    t.start();
    while (!done(got) && t.elapsed() < timeoutMs) {
        QTest::qWait(5);
        got += s.readAll();
    }
    return got;
}

// Sends request to the relay and returns everything it answers until it closes.
QByteArray answerTo(quint16 relayPort, const QByteArray &request)
{
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relayPort);
    if (!client.waitForConnected(3000))
        return {};
    client.write(request);
    return readUntil(client, [&](const QByteArray &) { return client.state() == QAbstractSocket::UnconnectedState; })
           + client.readAll();
}

quint16 closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort(); // closed when s goes away
}

} // namespace

class TestRelayHttp : public QObject
{
    Q_OBJECT
private slots:
    void keepAliveAndBodies();
    void bodyUntilClose();
    void requestBodies();
    void badGateway_data();
    void badGateway();
    void connectTunnelForwardsRawBytes();
    void originFormIsRejected();
    void badRequestHead_data();
    void badRequestHead();
    void absoluteFormUpgradeIsCaptured();
};

void TestRelayHttp::keepAliveAndBodies()
{
    TinyHttpServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, &sink);
    QVERIFY(relay);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    const QByteArray base = "http://127.0.0.1:" + QByteArray::number(server.port());
    const QList<QByteArray> paths = {"/len", "/chunked", "/len"};
    for (const QByteArray &path : paths) {
        client.write("GET " + base + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Connection: keep-alive\r\n"
                     "Proxy-Authorization: Basic eDp5\r\n\r\n");
        const QByteArray expected = TinyHttpServer::responseFor(path, {});
        const QByteArray got = readUntil(client, [&](const QByteArray &g) { return g.size() >= expected.size(); });
        QCOMPARE(got, expected); // forwarded untouched, chunk extensions and trailers included
    }
    QCOMPARE(client.state(), QAbstractSocket::ConnectedState); // kept alive
    QCOMPARE(server.connections(), 1);                         // and the server connection reused
    QCOMPARE(server.requests.size(), 3);
    for (const HttpHead &h : server.requests) {
        QVERIFY(h.target.startsWith('/')); // origin-form upstream
        QVERIFY(!h.hasHeader("Proxy-Connection"));
        QVERIFY(!h.hasHeader("Proxy-Authorization"));
    }
    QCOMPARE(sink.connectionCount(), 0); // plain HTTP that worked is not a WebSocket connection
}

void TestRelayHttp::bodyUntilClose()
{
    TinyHttpServer server;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, nullptr);
    QVERIFY(relay);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    client.write("GET http://127.0.0.1:" + QByteArray::number(server.port()) + "/close HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray got = readUntil(client, [&](const QByteArray &) {
        return client.state() == QAbstractSocket::UnconnectedState;
    });
    QCOMPARE(got + client.readAll(), TinyHttpServer::responseFor("/close", {}));
    QCOMPARE(client.state(), QAbstractSocket::UnconnectedState);
}

void TestRelayHttp::requestBodies()
{
    TinyHttpServer server;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, nullptr);
    QVERIFY(relay);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    const QByteArray url = "http://127.0.0.1:" + QByteArray::number(server.port()) + "/echo";
    QByteArray body(300000, 'p');
    for (int i = 0; i < body.size(); i += 7)
        body[i] = char('a' + i % 26);
    client.write("POST " + url + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size())
                 + "\r\n\r\n" + body);
    QByteArray expected = TinyHttpServer::responseFor("/echo", body);
    QByteArray got = readUntil(client, [&](const QByteArray &g) { return g.size() >= expected.size(); }, 10000);
    QVERIFY(got == expected);
    // Chunked request body, in the same connection.
    client.write("POST " + url + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    expected = TinyHttpServer::responseFor("/echo", "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    got = readUntil(client, [&](const QByteArray &g) { return g.size() >= expected.size(); });
    QCOMPARE(got, expected);
    QCOMPARE(server.bodies.size(), 2);
    QVERIFY(server.bodies.at(0) == body);
}

void TestRelayHttp::badGateway_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QString>("errorPart");
    const QByteArray port = QByteArray::number(closedPort());
    QTest::newRow("refused (absolute-form)")
        << QByteArray("GET http://127.0.0.1:" + port + "/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        << QStringLiteral("127.0.0.1:") + QString::fromLatin1(port);
    QTest::newRow("refused (CONNECT)") << QByteArray("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                                       << QStringLiteral("refused");
    QTest::newRow("unresolvable (websocket upgrade)")
        << QByteArray("GET http://nonexistent.invalid/ws HTTP/1.1\r\nHost: nonexistent.invalid\r\nUpgrade: websocket\r\n"
                      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        << QStringLiteral("nonexistent.invalid");
}

void TestRelayHttp::badGateway()
{
    QFETCH(QByteArray, request);
    QFETCH(QString, errorPart);
    MemorySink sink;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, &sink);
    QVERIFY(relay);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    client.write(request);
    const QByteArray got = readUntil(client, [&](const QByteArray &) {
        return client.state() == QAbstractSocket::UnconnectedState;
    }, 8000) + client.readAll();
    QVERIFY2(got.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), got.constData());
    QVERIFY(got.contains("\r\n\r\nwslens: could not connect to"));
    QTRY_COMPARE_WITH_TIMEOUT(sink.connectionCount(), 1, 3000);
    const ConnectionInfo c = sink.connections().first();
    QVERIFY2(c.error.contains(errorPart, Qt::CaseInsensitive), qPrintable(c.error));
    QCOMPARE(c.responseStatus, 502);
    QVERIFY(c.closedUs > 0);
}

void TestRelayHttp::connectTunnelForwardsRawBytes()
{
    QTcpServer echo;
    QVERIFY(echo.listen(QHostAddress::LocalHost, 0));
    connect(&echo, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *s = echo.nextPendingConnection();
        connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
    });
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, nullptr);
    QVERIFY(relay);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(echo.serverPort());
    client.write("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
    QByteArray buffer, head;
    QVERIFY(readHead(client, buffer, head));
    QVERIFY(head.startsWith("HTTP/1.1 200"));
    // Looks like a TLS ClientHello: forwarded as an opaque tunnel.
    QByteArray hello("\x16\x03\x01\x00\x05hello", 10);
    hello += QByteArray(100000, '\x01');
    client.write(hello);
    const QByteArray got = buffer + readUntil(client, [&](const QByteArray &g) { return g.size() + buffer.size() >= hello.size(); });
    QVERIFY(got == hello);
}

void TestRelayHttp::badRequestHead_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    QTest::addColumn<QByteArray>("why");
    const QByteArray start = "GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: 127.0.0.1:9\r\n";
    QTest::newRow("head over 64 KiB") << start + "X-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n"
                                      << QByteArray("HTTP/1.1 431 Request Header Fields Too Large") << QByteArray("limit");
    QByteArray many = start;
    for (int i = 0; i < 250; ++i)
        many += "X-" + QByteArray::number(i) + ": 1\r\n";
    QTest::newRow("250 header lines") << many + "\r\n" << QByteArray("HTTP/1.1 431 Request Header Fields Too Large")
                                      << QByteArray("header lines");
    QTest::newRow("request line without version") << QByteArray("GET http://127.0.0.1:9/\r\n\r\n")
                                                  << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("request line");
    QTest::newRow("header without colon") << start + "NoColon\r\n\r\n" << QByteArray("HTTP/1.1 400 Bad Request")
                                          << QByteArray("");
    QTest::newRow("HTTP/2.0") << QByteArray("GET http://127.0.0.1:9/ HTTP/2.0\r\n\r\n")
                              << QByteArray("HTTP/1.1 400 Bad Request") << QByteArray("version");
}

// The relay's request heads go through protocol/httpmessage.h's HttpHeadParser:
// limits answer 431, malformed heads 400, with the parser's reason in the body.
void TestRelayHttp::badRequestHead()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QFETCH(QByteArray, why);
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, nullptr);
    QVERIFY(relay);
    const QByteArray got = answerTo(relay->listenPort(), request);
    QVERIFY2(got.startsWith(QByteArray(statusLine + "\r\n")), got.left(200).constData());
    QVERIFY2(got.contains("\r\n\r\nwslens: ") && got.contains(why), got.left(400).constData());
}

void TestRelayHttp::originFormIsRejected()
{
    MemorySink sink;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, &sink);
    QVERIFY(relay);
    const QByteArray got = answerTo(relay->listenPort(), "GET / HTTP/1.1\r\nHost: example\r\n\r\n");
    QVERIFY2(got.startsWith("HTTP/1.1 400 Bad Request\r\n"), got.constData());
    QVERIFY(got.contains("absolute"));
}

void TestRelayHttp::absoluteFormUpgradeIsCaptured()
{
    RawUpgradeServer server;
    MemorySink sink;
    auto relay = startRelay(RelayMode::ExplicitProxy, 0, &sink);
    QVERIFY(relay);
    RawUpgradeClient client; // GET http://host:port/path with Upgrade, as some proxy clients send it
    const QByteArray target = "http://127.0.0.1:" + QByteArray::number(server.port()) + "/abs?q=1";
    QVERIFY(client.connectAndUpgrade(relay->listenPort(), target));
    QTRY_VERIFY_WITH_TIMEOUT(server.upgraded(), 3000);
    QVERIFY(server.requestHead().startsWith("GET /abs?q=1 HTTP/1.1\r\n")); // origin-form upstream
    FrameSpec spec;
    spec.masked = true;
    spec.maskKey = 0xdeadbeef;
    spec.opcode = Opcode::Text;
    const QByteArray frame = FrameWriter::frame(spec, QByteArray("absolute"));
    client.socket().write(frame);
    QTRY_COMPARE_WITH_TIMEOUT(server.received(), frame, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(sink.messages(Direction::ClientToServer), QList<QByteArray>{"absolute"}, 3000);
    const ConnectionInfo c = sink.connections().first();
    QCOMPARE(c.url, QStringLiteral("ws://127.0.0.1:%1/abs?q=1").arg(server.port()));
    QCOMPARE(c.mode, ConnectionMode::ExplicitProxy);
    QCOMPARE(c.responseStatus, 101);
}

QTEST_GUILESS_MAIN(TestRelayHttp)
#include "tst_relay_http.moc"
