// Back-pressure through an intercepted TLS tunnel (issues 4 and 5): a peer
// pushes 64 MiB of frames through CONNECT + TLS while the other side does not
// read. The relay must stop reading the sender (what it holds stays bounded,
// the rest waits in the sender) and, once the reader reads, deliver every byte
// exactly once, in order. Both directions. The measure is the one of the plain
// test in tst_relay_errors.cpp: bytes in flight = written - still unsent in the
// sender - received by the reader; they include the kernel's socket buffers
// on loopback (the relay cannot shrink those) and whatever the relay holds.
// The sender writes as the socket drains, so it also shows how much the
// relay let in before it pushed back.
#include "protocol/framewriter.h"
#include "tlsrelaysupport.h"

#include <QTimer>

using namespace wslens;
using namespace wslens::test;

namespace {

constexpr int kFrames = 64;
constexpr qint64 kFrameBytes = qint64(1) << 20;
// Loopback socket buffers of the two hops (they grow up to tcp_rmem/tcp_wmem)
// plus the relay's 2 MiB write bound and read buffers: the plain test sees
// ~25 MiB, this one 10-17 MiB. Half of what is written.
constexpr qint64 kInFlightBound = qint64(32) << 20;

// A wss:// server that answers the upgrade and then only collects bytes, or
// writes what the test gives it. Reads nothing while paused.
class RawWssServer : public QTcpServer
{
public:
    explicit RawWssServer(QSslConfiguration tls)
        : m_tls(std::move(tls))
    {
    }
    QSslSocket *socket() const { return m_socket.data(); }
    bool upgraded() const { return m_upgraded; }
    const QByteArray &received() const { return m_received; }
    void setReading(bool on)
    {
        m_reading = on;
        if (on && m_socket)
            onRead();
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *s = new QSslSocket(this);
        if (m_socket || !s->setSocketDescriptor(descriptor)) {
            delete s;
            return;
        }
        m_socket = s;
        s->setReadBufferSize(64 * 1024); // when not reading, Qt stops taking bytes from the kernel
        s->setSslConfiguration(m_tls);
        connect(s, &QSslSocket::readyRead, this, [this] { onRead(); });
        s->startServerEncryption();
    }

private:
    void onRead()
    {
        if (!m_reading)
            return;
        m_received += m_socket->readAll();
        if (m_upgraded)
            return;
        const qsizetype end = m_received.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_received.left(end);
        m_received.remove(0, end + 4);
        const qsizetype key = head.indexOf("Sec-WebSocket-Key: ");
        m_socket->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: "
                        + computeWebSocketAccept(head.mid(key + 19, 24)) + "\r\n\r\n");
        m_upgraded = true;
    }

    QSslConfiguration m_tls;
    QPointer<QSslSocket> m_socket;
    QByteArray m_received;
    bool m_upgraded = false;
    bool m_reading = true;
};

QByteArray frames(bool masked)
{
    FrameSpec spec;
    spec.masked = masked;
    spec.maskKey = 0x11223344;
    QByteArray payload(kFrameBytes, '\0');
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char(i * 7 + i / 4096);
    QByteArray wire;
    wire.reserve(kFrames * (kFrameBytes + 14));
    for (int i = 0; i < kFrames; ++i) {
        payload[0] = char(i); // every frame differs: a repeated or lost one shows
        FrameWriter::append(wire, spec, payload);
    }
    return wire;
}

// Writes `wire` into a socket a piece at a time as it drains, keeping at most
// 1 MiB unsent there (Qt's TLS socket gets slow with tens of MiB buffered):
// when the relay stops reading, the feeder stops too, and what it has not
// written yet is what the back-pressure kept out of the relay.
class Feeder : public QObject
{
public:
    Feeder(QSslSocket *socket, const QByteArray &wire)
        : m_socket(socket)
        , m_wire(wire)
    {
        connect(socket, &QSslSocket::encryptedBytesWritten, this, &Feeder::topUp);
        connect(socket, &QIODevice::bytesWritten, this, &Feeder::topUp);
        connect(&m_timer, &QTimer::timeout, this, &Feeder::topUp);
        m_timer.start(10);
        topUp();
    }
    qint64 written() const { return m_written; }
    // Plain bytes not yet encrypted plus encrypted ones the kernel has not taken
    // (QSslSocket::bytesToWrite() counts only the former). The TLS record
    // overhead (~0.2%) makes it slightly large.
    qint64 unsent() const { return m_socket->bytesToWrite() + m_socket->encryptedBytesToWrite(); }

private:
    void topUp()
    {
        while (m_written < m_wire.size() && unsent() < (qint64(1) << 20)) {
            const qint64 n = qMin<qint64>(256 * 1024, m_wire.size() - m_written);
            m_socket->write(m_wire.constData() + m_written, n);
            m_written += n;
        }
    }

    QSslSocket *m_socket;
    const QByteArray &m_wire;
    QTimer m_timer;
    qint64 m_written = 0;
};

// Waits until the feeder has written nothing new for 500 ms (the chain is
// full and stalled) or 10 s pass.
void waitUntilStalled(const Feeder &feeder)
{
    QElapsedTimer total;
    total.start();
    qint64 last = -1;
    int stable = 0;
    while (stable < 5 && total.elapsed() < 10000) {
        QTest::qWait(100);
        stable = feeder.written() == last ? stable + 1 : 0;
        last = feeder.written();
    }
}

} // namespace

class TestRelayTlsBackpressure : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void slowReaderBoundsTheRelay_data();
    void slowReaderBoundsTheRelay();

private:
    TlsWorld m_world;
};

void TestRelayTlsBackpressure::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(m_world.init());
}

void TestRelayTlsBackpressure::slowReaderBoundsTheRelay_data()
{
    QTest::addColumn<bool>("towardServer");
    QTest::newRow("client pushes, server stalls") << true;
    QTest::newRow("server pushes, client stalls") << false;
}

void TestRelayTlsBackpressure::slowReaderBoundsTheRelay()
{
    QFETCH(bool, towardServer);
    RawWssServer server(m_world.serverCa->serverConfigurationFor(QStringLiteral("127.0.0.1")));
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    MemorySink sink;
    auto relay = startTlsRelay(m_world.interceptingProxy(), &sink);
    QVERIFY(relay);

    const QByteArray authority = "127.0.0.1:" + QByteArray::number(server.serverPort());
    auto client = openTunnel(relay->listenPort(), authority);
    QVERIFY(client);
    QVERIFY2(encryptTunnel(*client, m_world.relayCa->caCertificate()), qPrintable(client->errorString()));
    client->write(upgradeRequest(authority, "/push"));
    QByteArray clientReceived;
    QByteArray head;
    QVERIFY(readHead(*client, clientReceived, head));
    QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
    QVERIFY(server.upgraded());
    client->setReadBufferSize(64 * 1024);

    // The sender writes as fast as the relay takes it; the reader does not read.
    QSslSocket *sender = towardServer ? client.get() : server.socket();
    const QByteArray wire = frames(towardServer);
    if (towardServer)
        server.setReading(false);
    QElapsedTimer phase;
    phase.start();
    Feeder feeder(sender, wire);
    waitUntilStalled(feeder);
    const qint64 delivered = towardServer ? server.received().size() : clientReceived.size() + client->bytesAvailable();
    const qint64 inFlight = feeder.written() - feeder.unsent() - delivered;
    const Direction direction = towardServer ? Direction::ClientToServer : Direction::ServerToClient;
    qInfo("%s: stalled after %lld ms with %.1f MiB of %.0f written, %.1f MiB in flight (relay + socket buffers), "
          "%.1f MiB delivered, %d frames parsed by the relay",
          towardServer ? "up" : "down", phase.restart(), feeder.written() / 1048576.0, wire.size() / 1048576.0,
          inFlight / 1048576.0, delivered / 1048576.0, int(sink.frames(direction).size()));
    QVERIFY2(inFlight < kInFlightBound, qPrintable(QString::number(inFlight)));
    QVERIFY2(feeder.written() < wire.size() - kInFlightBound, qPrintable(QString::number(feeder.written())));

    // The reader reads (as bytes arrive): every byte arrives, once, in order.
    if (towardServer) {
        server.setReading(true);
    } else {
        connect(client.get(), &QSslSocket::readyRead, client.get(), [&] { clientReceived += client->readAll(); });
        clientReceived += client->readAll();
    }
    const QByteArray &received = towardServer ? server.received() : clientReceived;
    QTRY_VERIFY_WITH_TIMEOUT(received.size() >= wire.size(), 20000);
    QVERIFY(received == wire);
    qInfo("drained in %lld ms", phase.elapsed());
    QTRY_COMPARE_WITH_TIMEOUT(int(sink.frames(direction).size()), kFrames, 5000);
    QCOMPARE(sink.connections().size(), 1);
    QVERIFY(sink.connections().first().tls);
}

QTEST_GUILESS_MAIN(TestRelayTlsBackpressure)
#include "tst_relay_tls_backpressure.moc"
