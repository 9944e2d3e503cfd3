// Half-closed TCP through the relay (issue 4): a peer that sends shutdown(SHUT_WR)
// still gets everything the other side sends, its FIN reaches the other side
// after its bytes, and the session ends (no descriptor left) once both
// directions are done. The peers are plain POSIX sockets on threads, because a
// QTcpSocket closes itself when it reads EOF.
#include "relay/closeframe.h"
#include "relaytestsupport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace wslens;
using namespace wslens::test;
using relay::RelayMode;

namespace {

constexpr int kTimeoutMs = 5000;

// One owned descriptor.
struct Fd
{
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

int listenLoopback(quint16 *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), len) != 0 || ::listen(fd, 4) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
        ::close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int connectLoopback(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool waitReadable(int fd, int timeoutMs)
{
    pollfd p = {fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

int acceptOne(int listenFd)
{
    if (!waitReadable(listenFd, kTimeoutMs))
        return -1;
    return ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
}

bool sendAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// Reads until EOF (eof = true) or until nothing came for timeoutMs.
QByteArray readToEof(int fd, bool *eof, int timeoutMs = kTimeoutMs)
{
    QByteArray got;
    *eof = false;
    char buf[65536];
    while (waitReadable(fd, timeoutMs)) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) {
            *eof = true;
            break;
        }
        if (n < 0)
            break;
        got.append(buf, n);
    }
    return got;
}

// Reads an HTTP head; what followed it stays in rest.
bool readHeadFd(int fd, QByteArray *head, QByteArray *rest)
{
    QByteArray buffer;
    char buf[4096];
    while (waitReadable(fd, kTimeoutMs)) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        buffer.append(buf, n);
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0) {
            *head = buffer.left(end + 4);
            *rest = buffer.mid(end + 4);
            return true;
        }
    }
    return false;
}

QByteArray pattern(int size, char seed)
{
    QByteArray b(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        b[i] = char(seed + i % 251);
    return b;
}

// What the server does once the TCP connection (and an optional upgrade) is up.
struct ServerScript
{
    bool answerUpgrade = false; // read a head, answer 101 (non-WebSocket upgrade)
    bool speaksFirst = false;   // send, half-close, then read to EOF; else read to EOF, then send and close
    QByteArray data;            // what the server sends
};

// A one-connection server on a thread.
class ScriptedServer
{
public:
    explicit ScriptedServer(ServerScript script)
        : m_script(std::move(script))
    {
        m_listen.fd = listenLoopback(&m_port);
    }
    ~ScriptedServer()
    {
        if (m_thread.joinable())
            m_thread.join();
    }
    quint16 port() const { return m_port; }
    void start()
    {
        m_thread = std::thread([this] { run(); });
    }
    // Joins the thread; true when the script ran to its end.
    bool finish()
    {
        if (m_thread.joinable())
            m_thread.join();
        return m_done;
    }
    QByteArray received;  // everything after the upgrade head (or the whole request)
    bool sawEof = false;  // the relay passed the FIN on

private:
    void run()
    {
        Fd conn(acceptOne(m_listen.fd));
        if (conn.fd < 0)
            return;
        QByteArray rest;
        if (m_script.answerUpgrade) {
            QByteArray head;
            if (!readHeadFd(conn.fd, &head, &rest))
                return;
            if (!sendAll(conn.fd, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: tcp-test\r\n\r\n"))
                return;
        }
        if (m_script.speaksFirst) {
            if (!sendAll(conn.fd, m_script.data))
                return;
            ::shutdown(conn.fd, SHUT_WR);
            received = rest + readToEof(conn.fd, &sawEof);
        } else {
            received = rest + readToEof(conn.fd, &sawEof);
            if (!sawEof || !sendAll(conn.fd, m_script.data))
                return;
        }
        m_done = true;
    }

    ServerScript m_script;
    Fd m_listen;
    quint16 m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_done{false};
};

// Sockets this process holds (other descriptors come and go with threads).
int openSocketCount()
{
    int n = 0;
    const QDir dir(QStringLiteral("/proc/self/fd"));
    for (const QFileInfo &fi : dir.entryInfoList(QDir::NoDotAndDotDot | QDir::System))
        if (fi.symLinkTarget().contains(QLatin1String("socket:")))
            ++n;
    return n;
}

QByteArray withPort(QByteArray text, quint16 port)
{
    return text.replace("{PORT}", QByteArray::number(port));
}

} // namespace

class TestRelayHalfClose : public QObject
{
    Q_OBJECT
private slots:
    void halfClose_data();
    void halfClose();
    void webSocketCloseAfterClientFin();
};

void TestRelayHalfClose::halfClose_data()
{
    QTest::addColumn<bool>("reverse");
    QTest::addColumn<QByteArray>("clientHead");   // CONNECT or upgrade request sent before the data (may be empty)
    QTest::addColumn<bool>("answerUpgrade");
    QTest::addColumn<bool>("serverFirst");        // the server half-closes first
    QTest::addColumn<QByteArray>("clientData");
    QTest::addColumn<QByteArray>("serverExpects"); // what reaches the server (empty: clientData)
    QTest::addColumn<QByteArray>("serverData");

    const QByteArray big = pattern(300 * 1024, 'a');
    const QByteArray small = pattern(70 * 1024, 'k');
    const QByteArray response = "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(big.size()) + "\r\n\r\n" + big;
    const QByteArray untilClose = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big;
    const QByteArray connect = "CONNECT 127.0.0.1:{PORT} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n";
    const QByteArray upgrade = "GET /raw HTTP/1.1\r\nHost: example\r\nConnection: Upgrade\r\nUpgrade: tcp-test\r\n\r\n";

    QTest::newRow("absolute-form: client FIN after the request")
        << false << QByteArray() << false << false
        << QByteArray("GET http://127.0.0.1:{PORT}/x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n")
        << QByteArray("GET /x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n") << response;
    QTest::newRow("absolute-form: client FIN, response until close")
        << false << QByteArray() << false << false
        << QByteArray("GET http://127.0.0.1:{PORT}/x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n")
        << QByteArray("GET /x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n") << untilClose;
    QTest::newRow("absolute-form: client FIN after a request body")
        << false << QByteArray() << false << false
        << QByteArray("POST http://127.0.0.1:{PORT}/x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nContent-Length: 5\r\n\r\nhello")
        << QByteArray("POST /x HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nContent-Length: 5\r\n\r\nhello") << response;
    QTest::newRow("reverse: client FIN after the request")
        << true << QByteArray() << false << false << QByteArray("GET /x?q=1 HTTP/1.1\r\nHost: example\r\n\r\n")
        << QByteArray("GET /x?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n") << response;
    QTest::newRow("CONNECT tunnel: client FIN first") << false << connect << false << false << small << QByteArray() << big;
    QTest::newRow("CONNECT tunnel: server FIN first") << false << connect << false << true << small << QByteArray() << big;
    QTest::newRow("CONNECT tunnel: client sends nothing, server speaks first")
        << false << connect << false << true << QByteArray() << QByteArray() << big;
    QTest::newRow("non-WebSocket upgrade: client FIN first") << true << upgrade << true << false << small << QByteArray() << big;
    QTest::newRow("non-WebSocket upgrade: server FIN first") << true << upgrade << true << true << small << QByteArray() << big;
}

void TestRelayHalfClose::halfClose()
{
    QFETCH(bool, reverse);
    QFETCH(QByteArray, clientHead);
    QFETCH(bool, answerUpgrade);
    QFETCH(bool, serverFirst);
    QFETCH(QByteArray, clientData);
    QFETCH(QByteArray, serverExpects);
    QFETCH(QByteArray, serverData);

    ScriptedServer server({answerUpgrade, serverFirst, serverData});
    QVERIFY(server.port() != 0);
    const int fdsBefore = openFdCount();
    clientHead = withPort(clientHead, server.port());
    clientData = withPort(clientData, server.port());
    serverExpects = serverExpects.isEmpty() ? clientData : withPort(serverExpects, server.port());
    {
        auto relay = startRelay(reverse ? RelayMode::ReverseProxy : RelayMode::ExplicitProxy, server.port(), nullptr);
        QVERIFY(relay);
        const int socketsWithRelay = openSocketCount();
        server.start();

        Fd client(connectLoopback(relay->listenPort()));
        QVERIFY(client.fd >= 0);
        QByteArray got;
        if (!clientHead.isEmpty()) {
            QVERIFY(sendAll(client.fd, clientHead));
            QByteArray head;
            QVERIFY(readHeadFd(client.fd, &head, &got));
            QVERIFY2(head.startsWith("HTTP/1.1 200") || head.startsWith("HTTP/1.1 101"), head.constData());
        }
        bool eof = false;
        if (serverFirst) {
            // The server's FIN reaches the client after its bytes; the client still sends.
            got += readToEof(client.fd, &eof);
            QVERIFY(eof);
            QVERIFY(sendAll(client.fd, clientData));
            ::shutdown(client.fd, SHUT_WR);
        } else {
            // The client half-closes; the server sees the FIN after the bytes and answers.
            QVERIFY(sendAll(client.fd, clientData));
            ::shutdown(client.fd, SHUT_WR);
            got += readToEof(client.fd, &eof);
            QVERIFY(eof);
        }
        QVERIFY(server.finish());
        QVERIFY(server.sawEof);
        QCOMPARE(server.received.size(), serverExpects.size());
        QVERIFY(server.received == serverExpects);
        QCOMPARE(got.size(), serverData.size());
        QVERIFY(got == serverData);
        client.reset();
        // Both directions are done: the session is gone with every descriptor it held.
        QTRY_COMPARE_WITH_TIMEOUT(openSocketCount(), socketsWithRelay, 3000);
    }
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), fdsBefore, 3000);
}

// A client that sends its close frame and half-closes: the server gets the
// frame and then the FIN, its close reply is recorded, and the session ends
// with both close codes. (WebSocket sides write through Qt, which closed the
// client's descriptor at its FIN: the reply itself is not delivered.)
void TestRelayHalfClose::webSocketCloseAfterClientFin()
{
    const int fdsBefore = openFdCount();
    quint16 port = 0;
    Fd listener(listenLoopback(&port));
    QVERIFY(listener.fd >= 0);
    const QByteArray serverClose = relay::buildCloseFrame(1000, "bye", false).wire;
    const QByteArray clientClose = relay::buildCloseFrame(1001, "leaving", true).wire;
    QByteArray serverGot;
    std::atomic<bool> serverSawEof{false};
    std::thread serverThread([&] {
        Fd conn(acceptOne(listener.fd));
        QByteArray head, rest;
        if (conn.fd < 0 || !readHeadFd(conn.fd, &head, &rest))
            return;
        QByteArray key;
        for (const QByteArray &line : head.split('\n'))
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        sendAll(conn.fd, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " + computeWebSocketAccept(key) + "\r\n\r\n");
        bool eof = false;
        serverGot = rest + readToEof(conn.fd, &eof);
        serverSawEof = eof;
        sendAll(conn.fd, serverClose);
    });
    MemorySink sink;
    {
        auto relay = startRelay(RelayMode::ReverseProxy, port, &sink);
        QVERIFY(relay);
        const int socketsWithRelay = openSocketCount();
        Fd client(connectLoopback(relay->listenPort()));
        QVERIFY(client.fd >= 0);
        QVERIFY(sendAll(client.fd, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        QByteArray head, got;
        QVERIFY(readHeadFd(client.fd, &head, &got));
        QVERIFY(head.startsWith("HTTP/1.1 101"));
        // Our client, the relay's two sockets, the server's: a WebSocket keeps no
        // duplicate descriptors (10,000 of them must fit the descriptor limit).
        QTRY_COMPARE_WITH_TIMEOUT(openSocketCount(), socketsWithRelay + 4, 2000);
        QVERIFY(sendAll(client.fd, clientClose));
        ::shutdown(client.fd, SHUT_WR);
        bool eof = false;
        got += readToEof(client.fd, &eof);
        serverThread.join();
        QVERIFY(serverSawEof);
        QVERIFY(serverGot == clientClose);
        QVERIFY(eof);
        QVERIFY(got.isEmpty() || got == serverClose);
        QTRY_VERIFY_WITH_TIMEOUT(sink.connectionCount() == 1 && sink.allClosed(), 3000);
        const ConnectionInfo c = sink.connections().first();
        QCOMPARE(c.clientCloseCode, 1001);
        QCOMPARE(c.serverCloseCode, 1000);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    }
    listener.reset();
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), fdsBefore, 3000);
}

QTEST_GUILESS_MAIN(TestRelayHalfClose)
#include "tst_relay_halfclose.moc"
