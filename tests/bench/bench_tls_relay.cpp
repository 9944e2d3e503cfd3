// bench_tls_relay: WebSocket throughput and new connections per second, ws and
// wss, direct and through the relay's CONNECT path (wss: TLS intercepted with a
// leaf from the relay's CA and TLS again to the server), with frame capture on.
//
//   bench_tls_relay [--mib N] [--frame BYTES] [--connections N] [--tls-buffer BYTES] [--peers lean|qt]
//                   [--repeat N]   (best of N runs per throughput column, interleaved)
//                   [--only 0-3]   (one throughput column, e.g. for perf; no connection test)
//
// Threads: the server (counts bytes, no parsing), the relay's listener + 2
// workers, and the client (this thread, blocking). The peers (client and
// server) are tls::TlsSocket (--peers lean, the default) or QSslSocket
// (--peers qt); QSslSocket peers are slower than the relay's own TLS, so with
// them "wss" mostly measures the peers.
// The client sends masked binary frames; the server answers one empty binary
// frame once it has received them all. Payload MB/s = payload bytes / time from
// the first frame written to the answer read.
#include "relay/relay.h"
#include "store/capturerecords.h"
#include "tls/certificateauthority.h"
#include "tls/tlscontext.h"
#include "tls/tlssocket.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <memory>

using namespace wslens;

namespace {

// Counts what the relay captures (the store has its own benchmark).
class CountingSink : public CaptureSink
{
public:
    quint64 openConnection(const ConnectionInfo &) override { return ++m_ids; }
    void updateConnection(const ConnectionInfo &) override {}
    void appendFrame(FrameRecord &&) override { ++frames; }
    std::atomic<quint64> m_ids{0};
    std::atomic<quint64> frames{0};
};

// Answers the upgrade, then counts `bytes=N` bytes and sends an empty binary frame.
class SinkServer : public QTcpServer
{
public:
    bool lean = true;
    std::optional<QSslConfiguration> tls;       // qt peers
    std::shared_ptr<tls::TlsContext> leanTls;   // lean peers (with leaf)
    tls::LeafCertificate leaf;

protected:
    void incomingConnection(qintptr fd) override
    {
        if (lean) {
            auto *s = new tls::TlsSocket(this);
            s->setSocketDescriptor(fd);
            s->setReadBufferSize(qint64(64) << 10); // as the Qt peers and the relay's TLS sockets
            serve(s);
            if (leanTls)
                s->startServerEncryption(leanTls, leaf);
            return;
        }
        auto *s = new QSslSocket(this);
        s->setSocketDescriptor(fd);
        // Qt + OpenSSL's memory BIO cost grows with what is buffered: keep it small
        // (as the relay did) so "direct" is a fair baseline.
        s->setReadBufferSize(qint64(64) << 10);
        serve(s);
        if (tls) {
            s->setSslConfiguration(*tls);
            s->startServerEncryption();
        }
    }

private:
    template<typename S>
    void serve(S *s)
    {
        auto head = std::make_shared<QByteArray>();
        auto want = std::make_shared<qint64>(-1);
        auto got = std::make_shared<qint64>(0);
        connect(s, &S::readyRead, s, [s, head, want, got] {
            if (*want < 0) {
                *head += s->readAll();
                const qsizetype end = head->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const qsizetype at = head->indexOf("bytes=");
                *want = head->mid(at + 6, head->indexOf(' ', at) - at - 6).toLongLong();
                *got = head->size() - (end + 4);
                s->write(QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
            } else {
                *got += s->skip(s->bytesAvailable());
            }
            if (*got >= *want && *want >= 0) {
                s->write(QByteArray("\x82\x00", 2));
                *want = -2; // done; further bytes (a close) are ignored
                *got = -1;
            }
        });
        connect(s, &S::disconnected, s, &QObject::deleteLater);
    }
};

QByteArray frameHeader(qint64 payload)
{
    QByteArray h;
    h.append(char(0x82));
    if (payload < 126) {
        h.append(char(0x80 | payload));
    } else if (payload < 65536) {
        h.append(char(0x80 | 126));
        h.append(char(payload >> 8)).append(char(payload & 0xff));
    } else {
        h.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            h.append(char((payload >> (8 * i)) & 0xff));
    }
    h.append(QByteArray(4, '\0')); // mask key 0: the payload goes out as is
    return h;
}

struct Target
{
    quint16 port = 0;        // where the client connects
    quint16 serverPort = 0;  // the server (CONNECT target when proxied)
    bool viaProxy = false;
    bool tls = false;
    QSslConfiguration clientTls;                 // qt peers
    std::shared_ptr<tls::TlsContext> leanClient; // lean peers
};

// What differs between the two kinds of client socket.
void startTls(QSslSocket &s, const Target &t)
{
    s.setSslConfiguration(t.clientTls);
    s.setPeerVerifyName(QStringLiteral("127.0.0.1"));
    s.startClientEncryption();
}
void startTls(tls::TlsSocket &s, const Target &t)
{
    s.startClientEncryption(t.leanClient, QStringLiteral("127.0.0.1"));
}
void connectTo(QSslSocket &s, quint16 port)
{
    s.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
}
void connectTo(tls::TlsSocket &s, quint16 port)
{
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
}
qint64 queued(const QSslSocket &s)
{
    return s.bytesToWrite() + s.encryptedBytesToWrite();
}
qint64 queued(const tls::TlsSocket &s)
{
    return s.bytesToWrite();
}

template<typename S>
bool readHead(S &s, QByteArray &buf)
{
    while (buf.indexOf("\r\n\r\n") < 0) {
        if (!s.waitForReadyRead(10000))
            return false;
        buf += s.readAll();
    }
    return true;
}

// Opens (CONNECT, TLS, upgrade); returns false on any failure.
template<typename S>
bool openSocket(S &s, const Target &t, qint64 sinkBytes, QByteArray *after = nullptr)
{
    connectTo(s, t.port);
    if (!s.waitForConnected(5000))
        return false;
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QByteArray buf;
    if (t.viaProxy) {
        s.write(QByteArray("CONNECT 127.0.0.1:" + QByteArray::number(t.serverPort) + " HTTP/1.1\r\n\r\n"));
        if (!readHead(s, buf) || !buf.startsWith("HTTP/1.1 200"))
            return false;
        buf.clear();
    }
    if (t.tls) {
        startTls(s, t);
        if (!s.waitForEncrypted(10000)) {
            std::fprintf(stderr, "TLS: %s\n", qPrintable(s.errorString()));
            return false;
        }
    }
    s.write(QByteArray("GET /sink?bytes=" + QByteArray::number(sinkBytes)
                       + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    if (!readHead(s, buf) || !buf.startsWith("HTTP/1.1 101"))
        return false;
    if (after)
        *after = buf.mid(buf.indexOf("\r\n\r\n") + 4);
    return true;
}

template<typename S>
bool waitForDone(S &s, QByteArray got = QByteArray())
{
    while (!got.contains(QByteArray("\x82\x00", 2))) {
        if (!s.waitForReadyRead(30000))
            return false;
        got += s.readAll();
    }
    return true;
}

// Payload MB/s (1e6 bytes per second), or -1.
template<typename S>
double throughput(const Target &t, qint64 totalPayload, qint64 frameSize)
{
    const QByteArray payload(int(frameSize), 'x');
    const QByteArray frame = frameHeader(frameSize) + payload;
    const qint64 frames = totalPayload / frameSize;
    S s;
    if (!openSocket(s, t, frames * frame.size()))
        return -1;
    QElapsedTimer timer;
    timer.start();
    for (qint64 i = 0; i < frames; ++i) {
        s.write(frame);
        while (queued(s) > (qint64(4) << 20))
            s.waitForBytesWritten(10000);
    }
    if (!waitForDone(s))
        return -1;
    const double seconds = timer.nsecsElapsed() / 1e9;
    s.abort();
    return double(frames * frameSize) / seconds / 1e6;
}

// New connections (TCP [+ CONNECT] [+ TLS] + upgrade + first frame) per second.
template<typename S>
double connectionsPerSecond(const Target &t, int count)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        S s;
        QByteArray after;
        if (!openSocket(s, t, 0, &after) || !waitForDone(s, after))
            return -1;
        s.abort();
    }
    return count / (timer.nsecsElapsed() / 1e9);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 mib = 256;
    qint64 frameSize = 64 * 1024;
    int connections = 300;
    qint64 tlsBuffer = relay::RelayConfig().tlsReadBufferSize;
    bool leanPeers = true;
    int repeat = 1;
    int only = -1;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QLatin1String("--mib"))
            mib = args.at(i + 1).toLongLong();
        else if (args.at(i) == QLatin1String("--frame"))
            frameSize = args.at(i + 1).toLongLong();
        else if (args.at(i) == QLatin1String("--connections"))
            connections = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--tls-buffer"))
            tlsBuffer = args.at(i + 1).toLongLong();
        else if (args.at(i) == QLatin1String("--only"))
            only = qBound(0, args.at(i + 1).toInt(), 3);
        else if (args.at(i) == QLatin1String("--repeat"))
            repeat = qMax(1, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--peers"))
            leanPeers = args.at(i + 1) != QLatin1String("qt");
    }

    QTemporaryDir dir;
    auto relayCa = std::make_shared<tls::CertificateAuthority>(dir.filePath(QStringLiteral("relay")));
    tls::CertificateAuthority serverCa(dir.filePath(QStringLiteral("server")));
    if (!relayCa->loadOrCreate() || !serverCa.loadOrCreate())
        return 1;

    // Servers on their own thread: plain and TLS.
    QThread serverThread;
    auto *plain = new SinkServer;
    auto *secure = new SinkServer;
    plain->lean = secure->lean = leanPeers;
    secure->tls = serverCa.serverConfigurationFor(QStringLiteral("127.0.0.1"));
    secure->leanTls = tls::TlsContext::makeServer({});
    secure->leaf = serverCa.leafFor(QStringLiteral("127.0.0.1"));
    plain->listen(QHostAddress::LocalHost, 0);
    secure->listen(QHostAddress::LocalHost, 0);
    plain->moveToThread(&serverThread);
    secure->moveToThread(&serverThread);
    serverThread.start();

    CountingSink sink;
    relay::RelayConfig cfg;
    cfg.mode = relay::RelayMode::ExplicitProxy;
    cfg.tunnelPolicy = relay::TunnelPolicy::Intercept;
    cfg.certificateAuthority = relayCa;
    cfg.upstreamCaFile = serverCa.certificateFilePath();
    cfg.tlsReadBufferSize = tlsBuffer;
    relay::Relay relay;
    relay.setConfig(cfg);
    relay.setCaptureSink(&sink);
    if (!relay.start()) {
        std::fprintf(stderr, "relay: %s\n", qPrintable(relay.errorString()));
        return 1;
    }

    QSslConfiguration trustServer = QSslConfiguration::defaultConfiguration();
    trustServer.setCaCertificates({serverCa.caCertificate()});
    QSslConfiguration trustRelay = QSslConfiguration::defaultConfiguration();
    trustRelay.setCaCertificates({relayCa->caCertificate()});

    tls::TlsContext::ClientOptions leanTrustServer;
    leanTrustServer.useSystemStore = false;
    leanTrustServer.extraCaCertificates = {serverCa.caCertificate()};
    tls::TlsContext::ClientOptions leanTrustRelay = leanTrustServer;
    leanTrustRelay.extraCaCertificates = {relayCa->caCertificate()};

    const Target wsDirect{plain->serverPort(), plain->serverPort(), false, false, {}, {}};
    const Target wsRelay{relay.listenPort(), plain->serverPort(), true, false, {}, {}};
    const Target wssDirect{secure->serverPort(), secure->serverPort(), false, true, trustServer,
                           tls::TlsContext::makeClient(leanTrustServer)};
    const Target wssRelay{relay.listenPort(), secure->serverPort(), true, true, trustRelay,
                          tls::TlsContext::makeClient(leanTrustRelay)};
    const auto throughputOf = [leanPeers](const Target &t, qint64 total, qint64 frame) {
        return leanPeers ? throughput<tls::TlsSocket>(t, total, frame) : throughput<QSslSocket>(t, total, frame);
    };
    const auto connectionsOf = [leanPeers](const Target &t, int count) {
        return leanPeers ? connectionsPerSecond<tls::TlsSocket>(t, count) : connectionsPerSecond<QSslSocket>(t, count);
    };

    std::printf("payload %lld MiB in %lld-byte frames; relay: CONNECT, 2 workers, capture on (counting sink), "
                "TLS read buffer %lld; peers: %s; best of %d\n",
                mib, frameSize, tlsBuffer, leanPeers ? "lean (tls::TlsSocket)" : "qt (QSslSocket)", repeat);
    const qint64 total = mib << 20;
    throughputOf(wssRelay, qint64(8) << 20, frameSize); // warm up (leaf cache, TLS libraries)
    // Interleaved rounds, best of each column: other load on a shared machine
    // only ever makes a run slower.
    double r[4] = {0, 0, 0, 0};
    const Target *targets[4] = {&wsDirect, &wsRelay, &wssDirect, &wssRelay};
    for (int round = 0; round < repeat; ++round)
        for (int i = 0; i < 4; ++i)
            if (only < 0 || only == i)
                r[i] = qMax(r[i], throughputOf(*targets[i], total, frameSize));
    if (only >= 0) {
        const char *names[4] = {"ws direct", "ws relay", "wss direct", "wss relay"};
        std::printf("throughput MB/s: %s %.0f\n", names[only], r[only]);
        relay.stop();
        QMetaObject::invokeMethod(plain, [plain] { delete plain; }, Qt::BlockingQueuedConnection);
        QMetaObject::invokeMethod(secure, [secure] { delete secure; }, Qt::BlockingQueuedConnection);
        serverThread.quit();
        serverThread.wait();
        return 0;
    }
    std::printf("throughput MB/s: ws direct %.0f | ws relay %.0f | wss direct %.0f | wss relay %.0f\n", r[0], r[1], r[2],
                r[3]);
    std::printf("wss relay / ws relay = %.0f%%; wss relay / wss direct = %.0f%%\n", 100 * r[3] / r[1],
                100 * r[3] / r[2]);
    std::printf("frames captured: %llu\n", static_cast<unsigned long long>(sink.frames.load()));

    const double c[4] = {connectionsOf(wsDirect, connections), connectionsOf(wsRelay, connections),
                         connectionsOf(wssDirect, connections), connectionsOf(wssRelay, connections)};
    std::printf("new connections/s (sequential, %d each): ws direct %.0f | ws relay %.0f | wss direct %.0f | "
                "wss relay %.0f\n",
                connections, c[0], c[1], c[2], c[3]);

    relay.stop();
    QMetaObject::invokeMethod(plain, [plain] { delete plain; }, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(secure, [secure] { delete secure; }, Qt::BlockingQueuedConnection);
    serverThread.quit();
    serverThread.wait();
    return 0;
}
