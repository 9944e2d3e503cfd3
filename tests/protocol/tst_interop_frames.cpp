// Interoperability over loopback: frames from our FrameWriter are read
// correctly by QWebSocket (client and server) and Debian's python3-websockets
// (client and server), and the frames they send are parsed correctly by our
// FrameParser + MessageAssembler. The handshake is done by hand here (raw
// QTcpSocket / QTcpServer), so only the frame layer is under test.

#include "protocol/frameparser.h"
#include "protocol/framewriter.h"
#include "protocol/messageassembler.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <memory>
#include <vector>

using namespace wslens;
using namespace wslens::test;

namespace {

struct TestMessage
{
    bool text = false;
    QByteArray data;
    int fragments = 1; // > 1: fragmented by FrameWriter with a ping after the first fragment
};

QByteArray utf8Sample()
{
    return QByteArray("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80", 15);
}

QByteArray pattern(qsizetype n)
{
    QByteArray p(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        p[i] = char((i * 7 + (i >> 9)) & 0xFF);
    return p;
}

// Messages every peer must accept. splitCodePoints adds a text message
// fragmented in the middle of a code point (valid per RFC 6455; Qt WebSockets
// 6.4.2 rejects it with 1007, so it is only sent to python3-websockets).
QList<TestMessage> ourMessages(bool splitCodePoints)
{
    QList<TestMessage> m;
    m << TestMessage{true, QByteArrayLiteral("Hello"), 1} << TestMessage{true, utf8Sample(), 1}
      << TestMessage{false, QByteArray(), 1};
    for (qsizetype n : {1, 125, 126, 127, 65535, 65536, 1 << 20})
        m << TestMessage{false, pattern(n), 1};
    m << TestMessage{true, QByteArrayLiteral("fragmented ascii text message"), 3}
      << TestMessage{false, pattern(70000), 5};
    if (splitCodePoints) // 9 bytes in 2 fragments: 5 + 4, cutting the second euro sign
        m << TestMessage{true, QByteArray("\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 9), 2};
    return m;
}

int pingCount(const QList<TestMessage> &messages)
{
    int n = 0;
    for (const TestMessage &m : messages)
        n += m.fragments > 1 ? 1 : 0;
    return n;
}

QByteArray encode(const QList<TestMessage> &messages, bool mask)
{
    QByteArray out;
    for (const TestMessage &m : messages) {
        const std::uint8_t op = m.text ? Opcode::Text : Opcode::Binary;
        if (m.fragments <= 1) {
            FrameWriter::appendFrame(out, op, m.data, true, 0, mask, mask ? FrameWriter::randomMaskKey() : 0);
            continue;
        }
        FrameSpec first;
        first.opcode = op;
        first.masked = mask;
        InterleavedFrame ping;
        ping.afterFragment = 0;
        ping.spec.opcode = Opcode::Ping;
        ping.spec.masked = mask;
        ping.payload = QByteArrayLiteral("ping");
        out += FrameWriter::fragmentedMessage(first, m.data, m.fragments, {ping});
    }
    return out;
}

QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(QByteArray(key + QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")),
                                    QCryptographicHash::Sha1)
        .toBase64();
}

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

// One end of a connection driven by our frame layer. The handshake is done
// by hand; everything after it goes through FrameParser + MessageAssembler.
class RawEndpoint : public QObject
{
public:
    RawEndpoint(QTcpSocket *socket, Role ourRole, quint16 port = 0)
        : m_socket(socket)
        , m_role(ourRole)
    {
        ParserOptions o;
        o.sender = ourRole == Role::Client ? Role::Server : Role::Client;
        m_parser.setOptions(o);
        m_assembler.setMaxMessageSize(16 << 20);
        m_assembler.setMessageHandler([this](AssembledMessage &&m) { onMessage(std::move(m)); });
        m_assembler.setViolationHandler([this](Violation v, const FrameHeader &) { violations.append(v); });
        connect(m_socket, &QTcpSocket::readyRead, this, [this] { onReadyRead(); });
        if (ourRole == Role::Client) {
            auto sendRequest = [this, port] {
                m_socket->write(QByteArrayLiteral("GET / HTTP/1.1\r\nHost: 127.0.0.1:") + QByteArray::number(port)
                                + QByteArrayLiteral("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                    "Sec-WebSocket-Version: 13\r\n\r\n"));
            };
            if (m_socket->state() == QAbstractSocket::ConnectedState)
                sendRequest();
            else
                connect(m_socket, &QTcpSocket::connected, this, sendRequest);
        }
    }

    bool echo = false; // write every data message back (and answer pings / close)
    bool handshakeDone = false;
    QByteArray handshakeHead;
    std::vector<AssembledMessage> messages; // data messages
    int pongs = 0;
    int pings = 0;
    int closeCode = -1;
    QList<Violation> violations;

    void send(const QByteArray &bytes) { m_socket->write(bytes); }

private:
    void onReadyRead()
    {
        QByteArray data = m_socket->readAll();
        if (!handshakeDone) {
            m_head += data;
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            handshakeHead = m_head.left(end + 4);
            data = m_head.mid(end + 4);
            handshakeDone = true;
            if (m_role == Role::Server) {
                const QByteArray key = headerValue(handshakeHead, "Sec-WebSocket-Key");
                m_socket->write(QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                                  "Connection: Upgrade\r\nSec-WebSocket-Accept: ")
                                + acceptFor(key) + QByteArrayLiteral("\r\n\r\n"));
            }
        }
        if (!data.isEmpty())
            m_parser.feed(data.constData(), std::size_t(data.size()), m_assembler);
    }

    void onMessage(AssembledMessage &&m)
    {
        const bool mask = m_role == Role::Client;
        const std::uint32_t key = mask ? FrameWriter::randomMaskKey() : 0;
        if (m.opcode == Opcode::Pong) {
            ++pongs;
            return;
        }
        if (m.opcode == Opcode::Ping) {
            ++pings;
            QByteArray pong;
            FrameWriter::appendFrame(pong, Opcode::Pong, m.data, true, 0, mask, key);
            m_socket->write(pong);
            return;
        }
        if (m.opcode == Opcode::Close) {
            closeCode = m.data.size() >= 2 ? (quint8(m.data[0]) << 8) | quint8(m.data[1]) : 1005;
            if (echo) {
                QByteArray close;
                FrameWriter::appendFrame(close, Opcode::Close, m.data.left(2), true, 0, mask, key);
                m_socket->write(close);
                m_socket->disconnectFromHost();
            }
            return;
        }
        if (echo) {
            QByteArray out;
            FrameWriter::appendFrame(out, m.opcode, m.data, true, 0, mask, key);
            m_socket->write(out);
        }
        messages.push_back(std::move(m));
    }

    QTcpSocket *m_socket;
    Role m_role;
    QByteArray m_head;
    FrameParser m_parser;
    MessageAssembler m_assembler;
};

// Received messages equal the ones sent, in order.
bool sameMessages(const std::vector<AssembledMessage> &got, const QList<TestMessage> &sent, QString *why)
{
    if (got.size() != std::size_t(sent.size())) {
        *why = QStringLiteral("got %1 messages, sent %2").arg(got.size()).arg(sent.size());
        return false;
    }
    for (int i = 0; i < sent.size(); ++i) {
        const AssembledMessage &g = got[std::size_t(i)];
        if (int(g.opcode) != (sent[i].text ? 1 : 2) || g.data != sent[i].data || g.compressed || g.tooLarge) {
            *why = QStringLiteral("message %1 differs: opcode %2, %3 bytes vs %4 bytes")
                       .arg(i).arg(int(g.opcode)).arg(g.data.size()).arg(sent[i].data.size());
            return false;
        }
    }
    return true;
}

} // namespace

class TestInteropFrames : public QObject
{
    Q_OBJECT

private slots:
    void qwebsocketClientReadsOurServerFrames();
    void qwebsocketServerReadsOurClientFrames();
    void pythonServerReadsOurClientFrames();
    void pythonClientReadsOurServerFrames();
};

void TestInteropFrames::qwebsocketClientReadsOurServerFrames()
{
    // Our raw server writes unmasked frames; a QWebSocket client echoes every
    // message back (masked, fragmented by Qt when large); we parse the echoes.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QList<TestMessage> sent = ourMessages(false);
    std::unique_ptr<RawEndpoint> endpoint;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *s = server.nextPendingConnection();
        endpoint = std::make_unique<RawEndpoint>(s, Role::Server);
    });

    QWebSocket client;
    client.setMaxAllowedIncomingMessageSize(16 << 20);
    int received = 0;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
        ++received;
        client.sendTextMessage(text);
    });
    connect(&client, &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &data) {
        ++received;
        client.sendBinaryMessage(data);
    });
    bool qtSawError = false;
    connect(&client, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [&] { qtSawError = true; });
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())));
    QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::ConnectedState, 10000);
    QVERIFY(endpoint);
    QVERIFY(endpoint->handshakeDone);

    endpoint->send(encode(sent, false));
    QTRY_COMPARE_WITH_TIMEOUT(int(endpoint->messages.size()), sent.size(), 15000);
    QCOMPARE(received, sent.size());
    QString why;
    QVERIFY2(sameMessages(endpoint->messages, sent, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->pongs, pingCount(sent), 5000); // Qt answered our interleaved pings
    QCOMPARE(endpoint->violations, QList<Violation>());
    QVERIFY(!qtSawError);

    // Qt's close frame parses too.
    client.close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("bye"));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint->closeCode, 1001, 5000);
    QCOMPARE(endpoint->violations, QList<Violation>());
}

void TestInteropFrames::qwebsocketServerReadsOurClientFrames()
{
    // Our raw client writes masked frames; a QWebSocketServer echoes them
    // (unmasked); we parse the echoes.
    QWebSocketServer server(QStringLiteral("interop"), QWebSocketServer::NonSecureMode);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    std::unique_ptr<QWebSocket> peer;
    int received = 0;
    connect(&server, &QWebSocketServer::newConnection, this, [&] {
        peer.reset(server.nextPendingConnection());
        peer->setMaxAllowedIncomingMessageSize(16 << 20);
        connect(peer.get(), &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            ++received;
            peer->sendTextMessage(text);
        });
        connect(peer.get(), &QWebSocket::binaryMessageReceived, this, [&](const QByteArray &data) {
            ++received;
            peer->sendBinaryMessage(data);
        });
    });

    QTcpSocket socket;
    RawEndpoint endpoint(&socket, Role::Client, server.serverPort());
    socket.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(endpoint.handshakeDone, 10000);
    QVERIFY(endpoint.handshakeHead.startsWith("HTTP/1.1 101"));
    QCOMPARE(headerValue(endpoint.handshakeHead, "Sec-WebSocket-Accept"), QByteArrayLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

    const QList<TestMessage> sent = ourMessages(false);
    endpoint.send(encode(sent, true));
    QTRY_COMPARE_WITH_TIMEOUT(int(endpoint.messages.size()), sent.size(), 15000);
    QCOMPARE(received, sent.size());
    QString why;
    QVERIFY2(sameMessages(endpoint.messages, sent, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint.pongs, pingCount(sent), 5000);
    QCOMPARE(endpoint.violations, QList<Violation>());

    // Our close frame is understood: Qt answers with the same code.
    endpoint.send(FrameWriter::closeFrame(1000, "done", true));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint.closeCode, 1000, 5000);
    QVERIFY(peer);
    QCOMPARE(int(peer->closeCode()), 1000);
}

void TestInteropFrames::pythonServerReadsOurClientFrames()
{
    ChildProcess python;
    QVERIFY2(python.start(debianPython(), {testDataPath(QStringLiteral("protocol/peers/ws_frames_peer.py")),
                                          QStringLiteral("server")}),
             qPrintable(python.errorString()));
    const quint16 port = portFromListeningLine(python.waitForLine("listening on ", 15000));
    QVERIFY2(port != 0, qPrintable(python.errorString()));

    QTcpSocket socket;
    RawEndpoint endpoint(&socket, Role::Client, port);
    socket.connectToHost(QHostAddress::LocalHost, port);
    QTRY_VERIFY_WITH_TIMEOUT(endpoint.handshakeDone, 10000);
    QVERIFY2(endpoint.handshakeHead.startsWith("HTTP/1.1 101"), endpoint.handshakeHead.constData());

    const QList<TestMessage> sent = ourMessages(true);
    endpoint.send(encode(sent, true));
    QTRY_COMPARE_WITH_TIMEOUT(int(endpoint.messages.size()), sent.size(), 15000);
    QString why;
    QVERIFY2(sameMessages(endpoint.messages, sent, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint.pongs, pingCount(sent), 5000);
    QCOMPARE(endpoint.violations, QList<Violation>());

    endpoint.send(FrameWriter::closeFrame(1000, "done", true));
    QTRY_COMPARE_WITH_TIMEOUT(endpoint.closeCode, 1000, 5000);
    QCOMPARE(endpoint.violations, QList<Violation>());
}

void TestInteropFrames::pythonClientReadsOurServerFrames()
{
    // python3-websockets connects to our raw server, sends text, binary and
    // a fragmented message; our server parses them and echoes with our writer;
    // the client checks every echo and closes.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    std::unique_ptr<RawEndpoint> endpoint;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        endpoint = std::make_unique<RawEndpoint>(server.nextPendingConnection(), Role::Server);
        endpoint->echo = true;
    });
    ChildProcess python;
    QVERIFY2(python.start(debianPython(), {testDataPath(QStringLiteral("protocol/peers/ws_frames_peer.py")),
                                          QStringLiteral("client"),
                                          QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())}),
             qPrintable(python.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(python.process().state() == QProcess::NotRunning, 20000);
    const QByteArray out = python.process().readAllStandardOutput();
    QVERIFY2(python.process().exitCode() == 0, QByteArray(out + python.allStderr()).constData());
    QVERIFY2(out.contains("ok 5\n") && out.contains("done"), out.constData());
    QVERIFY(endpoint);
    QCOMPARE(int(endpoint->messages.size()), 6);
    QCOMPARE(endpoint->messages[1].data, utf8Sample());
    QCOMPARE(endpoint->messages[4].data.size(), 70000);
    // python sends each list item as a frame with FIN clear, then an empty final continuation.
    QCOMPARE(endpoint->messages[5].frameCount, 4);
    QCOMPARE(endpoint->messages[5].data, QByteArray("fragmented \xC3\xA9 text", 18));
    QCOMPARE(endpoint->closeCode, 1000);
    QCOMPARE(endpoint->violations, QList<Violation>());
}

QTEST_GUILESS_MAIN(TestInteropFrames)
#include "tst_interop_frames.moc"
