// bench_tls_socket: bulk throughput over loopback, one connection at a time,
// the sender writing `chunk`-byte pieces (≤ 4 MiB queued), the receiver (its
// own thread) counting bytes and answering one byte at the end.
//
//   bench_tls_socket [--mib N] [--chunk BYTES]
//
// Pairs: plain TCP (QTcpSocket both ends), plain TlsSocket, QSslSocket both
// ends, TlsSocket both ends, and the two mixed pairs. TLS: leaf from a fresh
// CA (ECDSA P-256), whatever cipher the pair negotiates (printed).
#include "tls/certificateauthority.h"
#include "tls/tlscontext.h"
#include "tls/tlssocket.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSslCipher>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <memory>

using namespace wslens;

namespace {

enum class Kind { Qt, Lean };

struct Pair
{
    const char *name;
    Kind server;
    Kind client;
    bool tls;
};

// Receives `total` bytes (the first 8 say how many), then answers "!".
class Receiver : public QTcpServer
{
public:
    Kind kind = Kind::Qt;
    bool tls = false;
    QSslConfiguration qtConfig;
    std::shared_ptr<tls::TlsContext> leanContext;
    tls::LeafCertificate leaf;

protected:
    void incomingConnection(qintptr fd) override
    {
        auto want = std::make_shared<qint64>(-1);
        auto got = std::make_shared<qint64>(0);
        if (kind == Kind::Qt) {
            auto *s = new QSslSocket(this);
            s->setSocketDescriptor(fd);
            s->setReadBufferSize(qint64(64) << 10); // as bench_tls_relay: Qt's memory BIO dislikes more
            connect(s, &QSslSocket::readyRead, s, [s, want, got] { consume(s, *want, *got); });
            connect(s, &QSslSocket::disconnected, s, &QObject::deleteLater);
            if (tls) {
                s->setSslConfiguration(qtConfig);
                s->startServerEncryption();
            }
        } else {
            auto *s = new tls::TlsSocket(this);
            s->setSocketDescriptor(fd);
            s->setReadBufferSize(qint64(256) << 10);
            connect(s, &tls::TlsSocket::readyRead, s, [s, want, got] { consume(s, *want, *got); });
            connect(s, &tls::TlsSocket::disconnected, s, &QObject::deleteLater);
            if (tls)
                s->startServerEncryption(leanContext, leaf);
        }
    }

private:
    template<typename S>
    static void consume(S *s, qint64 &want, qint64 &got)
    {
        if (want < 0) {
            if (s->bytesAvailable() < 8)
                return;
            const QByteArray head = s->read(8);
            want = head.toLongLong(nullptr, 16);
        }
        got += s->skip(s->bytesAvailable());
        if (got >= want && want > 0) {
            s->write(QByteArray("!"));
            want = 0;
        }
    }
};

template<typename S>
double pump(S &s, qint64 total, qint64 chunk)
{
    const QByteArray piece(qsizetype(chunk), 'x');
    QElapsedTimer timer;
    timer.start();
    s.write(QByteArray::number(total, 16).rightJustified(8, '0'));
    for (qint64 sent = 0; sent < total; sent += chunk) {
        s.write(piece);
        while (s.bytesToWrite() > (qint64(4) << 20))
            if (!s.waitForBytesWritten(10000))
                return -1;
    }
    while (s.bytesAvailable() < 1)
        if (!s.waitForReadyRead(30000))
            return -1;
    return double(total) / (timer.nsecsElapsed() / 1e9) / 1e6;
}

double runQt(quint16 port, bool tls, const QSslCertificate &ca, qint64 total, qint64 chunk, QString *cipher)
{
    QSslSocket s;
    s.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    if (!s.waitForConnected(5000))
        return -1;
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (tls) {
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setCaCertificates({ca});
        s.setSslConfiguration(c);
        s.setPeerVerifyName(QStringLiteral("127.0.0.1"));
        s.startClientEncryption();
        if (!s.waitForEncrypted(10000)) {
            std::fprintf(stderr, "qt TLS: %s\n", qPrintable(s.errorString()));
            return -1;
        }
        *cipher = s.sessionCipher().name() + QLatin1Char('/') + s.sessionCipher().protocolString();
    }
    return pump(s, total, chunk);
}

double runLean(quint16 port, bool tls, const std::shared_ptr<tls::TlsContext> &context, qint64 total, qint64 chunk,
               QString *cipher)
{
    tls::TlsSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(5000))
        return -1;
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (tls) {
        s.startClientEncryption(context, QStringLiteral("127.0.0.1"));
        if (!s.waitForEncrypted(10000)) {
            std::fprintf(stderr, "lean TLS: %s\n", qPrintable(s.errorString()));
            return -1;
        }
        *cipher = s.cipherName() + QLatin1Char('/') + s.protocolName();
    }
    return pump(s, total, chunk);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 mib = 512;
    qint64 chunk = 64 * 1024;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QLatin1String("--mib"))
            mib = args.at(i + 1).toLongLong();
        else if (args.at(i) == QLatin1String("--chunk"))
            chunk = args.at(i + 1).toLongLong();
    }
    QTemporaryDir dir;
    tls::CertificateAuthority ca(dir.path());
    QString error;
    if (!ca.loadOrCreate(&error)) {
        std::fprintf(stderr, "CA: %s\n", qPrintable(error));
        return 1;
    }
    auto serverContext = tls::TlsContext::makeServer({}, &error);
    tls::TlsContext::ClientOptions clientOptions;
    clientOptions.useSystemStore = false;
    clientOptions.extraCaCertificates = {ca.caCertificate()};
    auto clientContext = tls::TlsContext::makeClient(clientOptions, &error);
    if (!serverContext || !clientContext) {
        std::fprintf(stderr, "context: %s\n", qPrintable(error));
        return 1;
    }

    QThread thread;
    auto *receiver = new Receiver;
    receiver->qtConfig = ca.serverConfigurationFor(QStringLiteral("127.0.0.1"));
    receiver->leanContext = serverContext;
    receiver->leaf = ca.leafFor(QStringLiteral("127.0.0.1"));
    receiver->listen(QHostAddress::LocalHost, 0);
    receiver->moveToThread(&thread);
    thread.start();

    const Pair pairs[] = {
        {"plain: QTcpSocket -> QTcpSocket", Kind::Qt, Kind::Qt, false},
        {"plain: TlsSocket -> TlsSocket", Kind::Lean, Kind::Lean, false},
        {"TLS: QSslSocket -> QSslSocket", Kind::Qt, Kind::Qt, true},
        {"TLS: TlsSocket -> TlsSocket", Kind::Lean, Kind::Lean, true},
        {"TLS: QSslSocket -> TlsSocket (receiver)", Kind::Lean, Kind::Qt, true},
        {"TLS: TlsSocket -> QSslSocket (receiver)", Kind::Qt, Kind::Lean, true},
    };
    std::printf("%lld MiB in %lld-byte writes, one connection, sender and receiver on two threads\n", mib, chunk);
    const qint64 total = mib << 20;
    for (const Pair &p : pairs) {
        QMetaObject::invokeMethod(receiver, [receiver, p] {
            receiver->kind = p.server;
            receiver->tls = p.tls;
        }, Qt::BlockingQueuedConnection);
        QString cipher;
        const double mbs = p.client == Kind::Qt
                               ? runQt(receiver->serverPort(), p.tls, ca.caCertificate(), total, chunk, &cipher)
                               : runLean(receiver->serverPort(), p.tls, clientContext, total, chunk, &cipher);
        std::printf("%-42s %7.0f MB/s  %s\n", p.name, mbs, qPrintable(cipher));
        std::fflush(stdout);
    }
    QMetaObject::invokeMethod(receiver, [receiver] { delete receiver; }, Qt::BlockingQueuedConnection);
    thread.quit();
    thread.wait();
    return 0;
}
