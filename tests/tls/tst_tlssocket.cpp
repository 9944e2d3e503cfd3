// TlsSocket + TlsContext over real loopback connections, against QSslSocket,
// against itself, and against independent peers (Python's ssl module and
// `openssl s_client`): handshakes, SNI, ALPN, cipher preference, bulk data both
// ways byte for byte, bytes read before TLS started, half close, a peer that
// vanishes, certificate errors, back-pressure.
#include "testsupport.h"
#include "tls/certificateauthority.h"
#include "tls/tlscontext.h"
#include "tls/tlssocket.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace wslens;
using tls::TlsContext;
using tls::TlsSocket;

namespace {

// Collects accepted descriptors; the test decides what socket owns them.
class FdServer : public QTcpServer
{
public:
    QList<qintptr> fds;
    ~FdServer() override
    {
        for (qintptr fd : fds)
            ::close(int(fd));
    }
    qintptr take()
    {
        return fds.isEmpty() ? -1 : fds.takeFirst();
    }

protected:
    void incomingConnection(qintptr fd) override { fds.append(fd); }
};

QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    auto *words = reinterpret_cast<quint32 *>(b.data());
    QRandomGenerator::global()->fillRange(words, n / 4);
    for (qsizetype i = (n / 4) * 4; i < n; ++i)
        b[i] = char(QRandomGenerator::global()->bounded(256));
    return b;
}

// Reads into *sink whenever data arrives.
template<typename S>
void collect(S *s, QByteArray *sink)
{
    QObject::connect(s, &S::readyRead, s, [s, sink] { sink->append(s->readAll()); });
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TstTlsSocket : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<tls::CertificateAuthority> m_ca;
    std::shared_ptr<TlsContext> m_server;
    std::shared_ptr<TlsContext> m_client; // trusts m_ca only
    QString m_chainPem;
    QString m_keyPem;
    QString m_caPem;

    std::shared_ptr<TlsContext> clientContext(bool trustCa, bool verify)
    {
        TlsContext::ClientOptions o;
        o.useSystemStore = false;
        if (trustCa)
            o.extraCaCertificates = {m_ca->caCertificate()};
        o.verifyPeer = verify;
        QString error;
        auto c = TlsContext::makeClient(o, &error);
        if (!c)
            qWarning() << error;
        return c;
    }

    // A connected lean client + lean server (plain), over `address`.
    bool leanPair(FdServer &listener, std::unique_ptr<TlsSocket> &client, std::unique_ptr<TlsSocket> &server,
                  const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
    {
        if (!listener.listen(address, 0))
            return false;
        client = std::make_unique<TlsSocket>();
        client->connectToHost(address.toString(), listener.serverPort());
        if (!client->waitForConnected(5000))
            return false;
        if (!QTest::qWaitFor([&] { return !listener.fds.isEmpty(); }, 5000))
            return false;
        server = std::make_unique<TlsSocket>();
        return server->setSocketDescriptor(listener.take());
    }

    bool encryptPair(TlsSocket &client, TlsSocket &server, const QString &name = QStringLiteral("127.0.0.1"))
    {
        if (!server.startServerEncryption(m_server, m_ca->leafFor(name)))
            return false;
        if (!client.startClientEncryption(m_client, name))
            return false;
        return QTest::qWaitFor([&] { return client.isEncrypted() && server.isEncrypted(); }, 10000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ca = std::make_unique<tls::CertificateAuthority>(m_dir.filePath(QStringLiteral("ca")));
        QString error;
        QVERIFY2(m_ca->loadOrCreate(&error), qPrintable(error));
        m_server = TlsContext::makeServer({}, &error);
        QVERIFY2(m_server, qPrintable(error));
        m_client = clientContext(true, true);
        QVERIFY(m_client);
        const tls::LeafCertificate leaf = m_ca->leafFor(QStringLiteral("localhost"));
        m_chainPem = m_dir.filePath(QStringLiteral("chain.pem"));
        m_keyPem = m_dir.filePath(QStringLiteral("key.pem"));
        QVERIFY(writeFile(m_chainPem, leaf.certificate.toPem() + m_ca->caCertificate().toPem()));
        QVERIFY(writeFile(m_keyPem, leaf.privateKey.toPem()));
        m_caPem = m_ca->certificateFilePath();
    }

    // Our server, Qt's client: SNI, ALPN http/1.1 only, AES-128-GCM first.
    void leanServerQtClient_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("expectedSni");
        QTest::newRow("ipv4 address") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1") << QByteArray();
        QTest::newRow("dns name") << QStringLiteral("127.0.0.1") << QStringLiteral("localhost") << QByteArray("localhost");
        QTest::newRow("ipv6 address") << QStringLiteral("::1") << QStringLiteral("::1") << QByteArray();
    }
    void leanServerQtClient()
    {
        QFETCH(QString, address);
        QFETCH(QString, name);
        QFETCH(QByteArray, expectedSni);
        FdServer listener;
        if (!listener.listen(QHostAddress(address), 0))
            QSKIP("address not available here");
        QSslSocket client;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates({m_ca->caCertificate()});
        config.setAllowedNextProtocols({QByteArrayLiteral("h2"), QByteArrayLiteral("http/1.1")});
        client.setSslConfiguration(config);
        client.connectToHostEncrypted(address, listener.serverPort(), name);
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        TlsSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        QCOMPARE(server.peerPort(), client.localPort());
        QSignalSpy encrypted(&server, &TlsSocket::encrypted);
        QVERIFY(server.startServerEncryption(m_server, m_ca->leafFor(name)));
        // Both ends live in this thread: wait with an event loop, never with waitForEncrypted().
        QTRY_VERIFY_WITH_TIMEOUT(client.isEncrypted(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(encrypted.size(), 1, 5000);
        QCOMPARE(client.sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1"));
        QCOMPARE(server.negotiatedAlpn(), QByteArray("http/1.1"));
        QCOMPARE(server.requestedServerName(), expectedSni);
        QCOMPARE(server.cipherName(), QStringLiteral("TLS_AES_128_GCM_SHA256"));
        QCOMPARE(server.protocolName(), QStringLiteral("TLSv1.3"));

        QByteArray atServer;
        QByteArray atClient;
        collect(&server, &atServer);
        collect(&client, &atClient);
        client.write("ping");
        server.write(QByteArray("pong"));
        QTRY_COMPARE_WITH_TIMEOUT(atServer, QByteArray("ping"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(atClient, QByteArray("pong"), 5000);
    }

    // Our client, Qt's server (the relay's upstream case).
    void leanClientQtServer()
    {
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        TlsSocket client;
        QSignalSpy connected(&client, &TlsSocket::connected);
        client.connectToHost(QStringLiteral("localhost"), listener.serverPort());
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, 5000);
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        QSslSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        server.setSslConfiguration(m_ca->serverConfigurationFor(QStringLiteral("localhost")));
        server.startServerEncryption();
        QVERIFY(client.startClientEncryption(m_client, QStringLiteral("localhost")));
        QTRY_VERIFY_WITH_TIMEOUT(client.isEncrypted() && server.isEncrypted(), 10000);
        QVERIFY(client.certificateErrors().isEmpty());
        QCOMPARE(client.negotiatedAlpn(), QByteArray("http/1.1"));
        QCOMPARE(QSslCertificate(client.peerCertificateDer(), QSsl::Der), server.localCertificate());
        QByteArray atServer;
        QByteArray atClient;
        collect(&server, &atServer);
        collect(&client, &atClient);
        const QByteArray up = randomBytes(300000);
        const QByteArray down = randomBytes(200000);
        client.write(up);
        server.write(down);
        QTRY_COMPARE_WITH_TIMEOUT(atServer.size(), up.size(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), down.size(), 10000);
        QVERIFY(atServer == up);
        QVERIFY(atClient == down);
    }

    // Both ways at once, record-boundary sizes, with and without a read limit.
    void bulkBothWays_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<qsizetype>("size");
        QTest::addColumn<qint64>("readLimit");
        for (bool tls : {false, true}) {
            const char *mode = tls ? "tls" : "plain";
            for (qsizetype size : {qsizetype(1), qsizetype(16383), qsizetype(16384), qsizetype(16385),
                                   qsizetype(4 * 1024 * 1024 + 7)}) {
                QTest::addRow("%s %lld unbounded", mode, qlonglong(size)) << tls << size << qint64(0);
                QTest::addRow("%s %lld limit 64K", mode, qlonglong(size)) << tls << size << qint64(65536);
            }
        }
    }
    void bulkBothWays()
    {
        QFETCH(bool, tls);
        QFETCH(qsizetype, size);
        QFETCH(qint64, readLimit);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        if (tls)
            QVERIFY(encryptPair(*client, *server));
        client->setReadBufferSize(readLimit);
        server->setReadBufferSize(readLimit);
        QByteArray atServer;
        QByteArray atClient;
        qint64 maxBuffered = 0;
        for (TlsSocket *s : {client.get(), server.get()}) {
            QByteArray *sink = s == client.get() ? &atClient : &atServer;
            connect(s, &TlsSocket::readyRead, s, [s, sink, &maxBuffered] {
                maxBuffered = qMax(maxBuffered, s->bytesAvailable());
                // Read in pieces, as the relay does, so partial reads are exercised.
                while (s->bytesAvailable() > 0)
                    sink->append(s->read(40000));
            });
        }
        const QByteArray up = randomBytes(size);
        const QByteArray down = randomBytes(size);
        // Split into uneven writes (small ones are coalesced).
        for (qsizetype at = 0, step = 1; at < size; at += step, step = step * 3 + 1) {
            client->write(up.mid(at, step));
            server->write(down.mid(at, step));
        }
        QTRY_COMPARE_WITH_TIMEOUT(atServer.size(), size, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), size, 20000);
        QVERIFY(atServer == up);
        QVERIFY(atClient == down);
        QTRY_COMPARE_WITH_TIMEOUT(client->bytesToWrite() + server->bytesToWrite(), 0, 5000);
        if (readLimit > 0)
            QVERIFY2(maxBuffered <= readLimit, qPrintable(QString::number(maxBuffered)));
    }

    void backPressure_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<int>("pieces"); // the data goes in as this many writes
        QTest::newRow("tls, one write") << true << 1;
        QTest::newRow("plain, one write") << false << 1;
        // Plain writes are gathered (sendmsg over up to 16 queued buffers), and
        // the kernel takes a partial gather anywhere inside a buffer.
        QTest::newRow("plain, 3000 uneven writes") << false << 3000;
    }
    // A reader that stops reading slows the writer down instead of buffering everything.
    void backPressure()
    {
        QFETCH(bool, tls);
        QFETCH(int, pieces);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        if (tls)
            QVERIFY(encryptPair(*client, *server));
        server->setReadBufferSize(65536);
        const QByteArray data = randomBytes(48 * 1024 * 1024);
        if (pieces == 1) {
            client->write(data);
        } else {
            // Sizes cycle through small (coalesced) and large (queued by reference) writes.
            const qsizetype sizes[] = {1, 16385, 7, 65536 + 3, 40000, 3, 2 * 16384};
            const qsizetype average = data.size() / pieces;
            qsizetype at = 0;
            for (int i = 0; at < data.size(); ++i) {
                const qsizetype n = qMin(data.size() - at, sizes[i % 7] * average / 25000 + 1);
                client->write(data.mid(at, n));
                at += n;
            }
        }
        QTest::qWait(400);
        QVERIFY(server->bytesAvailable() > 0);
        QVERIFY(server->bytesAvailable() <= 65536);
        QVERIFY2(client->bytesToWrite() > 0, "the kernel cannot hold 48 MiB: the writer must be waiting");
        QByteArray got;
        connect(server.get(), &TlsSocket::readyRead, server.get(), [&] { got += server->readAll(); });
        got += server->readAll(); // resumes reading
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), data.size(), 20000);
        QVERIFY(got == data);
        QTRY_COMPARE_WITH_TIMEOUT(client->bytesToWrite(), 0, 5000);
    }

    // Bytes read in plain mode that belong to the TLS stream (the relay peeks a
    // ClientHello, or reads a CONNECT line with the ClientHello right behind it).
    void plainBytesThenTls()
    {
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        QSslSocket client;
        client.connectToHost(QHostAddress(QHostAddress::LocalHost), listener.serverPort());
        QVERIFY(client.waitForConnected(5000));
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates({m_ca->caCertificate()});
        client.setSslConfiguration(config);
        client.setPeerVerifyName(QStringLiteral("localhost"));
        const QByteArray line("CONNECT localhost:443 HTTP/1.1\r\n\r\n");
        client.write(line);
        client.startClientEncryption(); // ClientHello follows at once
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        TlsSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        QTRY_VERIFY_WITH_TIMEOUT(server.bytesAvailable() > line.size() + 5, 5000);
        char first = 0;
        QCOMPARE(server.peek(&first, 1), qint64(1));
        QCOMPARE(first, 'C');
        QCOMPARE(server.read(line.size()), line);
        QCOMPARE(server.peek(1), QByteArray("\x16")); // a TLS handshake record
        QVERIFY(server.startServerEncryption(m_server, m_ca->leafFor(QStringLiteral("localhost"))));
        QCOMPARE(server.bytesAvailable(), 0); // handed to TLS
        QTRY_VERIFY_WITH_TIMEOUT(client.isEncrypted() && server.isEncrypted(), 10000);
        QCOMPARE(server.requestedServerName(), QByteArray("localhost"));
        QByteArray atServer;
        collect(&server, &atServer);
        client.write("GET / HTTP/1.1\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(atServer, QByteArray("GET / HTTP/1.1\r\n\r\n"), 5000);
    }

    // shutdownWrite(): the peer sees the end of the stream, can still answer,
    // and what it answers arrives before our disconnected().
    void halfClose_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("plain") << false;
        QTest::newRow("tls") << true;
    }
    void halfClose()
    {
        QFETCH(bool, tls);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        if (tls)
            QVERIFY(encryptPair(*client, *server));
        QByteArray atServer;
        QByteArray atClient;
        collect(server.get(), &atServer);
        collect(client.get(), &atClient);
        const QByteArray reply = randomBytes(200000);
        connect(server.get(), &TlsSocket::errorOccurred, server.get(), [&](QAbstractSocket::SocketError e) {
            if (e == QAbstractSocket::RemoteHostClosedError)
                server->write(reply); // the peer closed only its sending side
        });
        QSignalSpy serverGone(server.get(), &TlsSocket::disconnected);
        QSignalSpy clientGone(client.get(), &TlsSocket::disconnected);
        const QByteArray request = randomBytes(100000);
        client->write(request);
        client->shutdownWrite(); // after the queued bytes
        QTRY_COMPARE_WITH_TIMEOUT(serverGone.size(), 1, 10000);
        QCOMPARE(atServer.size(), request.size());
        QVERIFY(atServer == request);
        QTRY_COMPARE_WITH_TIMEOUT(clientGone.size(), 1, 10000);
        QCOMPARE(atClient.size(), reply.size());
        QVERIFY(atClient == reply);
        QCOMPARE(client->state(), QAbstractSocket::UnconnectedState);
    }

    // The other end goes away: politely, with a reset, or in the middle of the handshake.
    void peerVanishes_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("close after handshake") << QStringLiteral("close");
        QTest::newRow("reset after handshake") << QStringLiteral("reset");
        QTest::newRow("close during handshake") << QStringLiteral("handshake");
    }
    void peerVanishes()
    {
        QFETCH(QString, how);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        QSignalSpy errors(client.get(), &TlsSocket::errorOccurred);
        QSignalSpy gone(client.get(), &TlsSocket::disconnected);
        QByteArray atClient;
        collect(client.get(), &atClient);
        if (how == QLatin1String("handshake")) {
            QVERIFY(client->startClientEncryption(m_client, QStringLiteral("127.0.0.1")));
            QTest::qWait(50);
            server.reset(); // closes the descriptor without a word
            QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
            QCOMPARE(client->error(), QAbstractSocket::SslHandshakeFailedError);
            QVERIFY(!client->isEncrypted());
            return;
        }
        QVERIFY(encryptPair(*client, *server));
        server->write(QByteArray("last words"));
        QTRY_COMPARE_WITH_TIMEOUT(server->bytesToWrite(), 0, 5000);
        if (how == QLatin1String("reset")) {
            const linger l{1, 0};
            ::setsockopt(int(server->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof l);
            QTRY_COMPARE_WITH_TIMEOUT(atClient, QByteArray("last words"), 5000);
        }
        QSignalSpy serverGone(server.get(), &TlsSocket::disconnected);
        server->abort();
        QCOMPARE(serverGone.size(), 1); // abort() reports the close, as QAbstractSocket does
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QCOMPARE(client->state(), QAbstractSocket::UnconnectedState);
        QVERIFY(!errors.isEmpty());
        QCOMPARE(client->error(), QAbstractSocket::RemoteHostClosedError);
        QCOMPARE(atClient, QByteArray("last words"));
    }

    // Certificate problems: refused with Qt's wording, or only recorded in insecure mode.
    void badCertificate_data()
    {
        QTest::addColumn<bool>("trustCa");
        QTest::addColumn<bool>("verify");
        QTest::addColumn<QString>("peerName");
        QTest::addColumn<QString>("expected");
        QTest::newRow("untrusted issuer") << false << true << QStringLiteral("localhost")
                                          << QStringLiteral("self-signed, and untrusted");
        QTest::newRow("wrong name") << true << true << QStringLiteral("other.example")
                                    << QStringLiteral("host name did not match");
        QTest::newRow("wrong ip") << true << true << QStringLiteral("127.0.0.2")
                                  << QStringLiteral("host name did not match");
        QTest::newRow("insecure: recorded, not refused") << false << false << QStringLiteral("localhost")
                                                          << QStringLiteral("self-signed, and untrusted");
    }
    void badCertificate()
    {
        QFETCH(bool, trustCa);
        QFETCH(bool, verify);
        QFETCH(QString, peerName);
        QFETCH(QString, expected);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        QSignalSpy clientErrors(client.get(), &TlsSocket::errorOccurred);
        QSignalSpy clientGone(client.get(), &TlsSocket::disconnected);
        QVERIFY(server->startServerEncryption(m_server, m_ca->leafFor(QStringLiteral("localhost"))));
        QVERIFY(client->startClientEncryption(clientContext(trustCa, verify), peerName));
        if (verify) {
            QTRY_COMPARE_WITH_TIMEOUT(clientGone.size(), 1, 10000);
            QCOMPARE(clientErrors.size(), 1);
            QCOMPARE(client->error(), QAbstractSocket::SslHandshakeFailedError);
            QVERIFY2(client->errorString().contains(expected), qPrintable(client->errorString()));
            QVERIFY(!client->isEncrypted());
            // The server sees the connection end.
            QTRY_COMPARE_WITH_TIMEOUT(server->state(), QAbstractSocket::UnconnectedState, 5000);
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(client->isEncrypted(), 10000);
            QVERIFY(clientErrors.isEmpty());
        }
        QVERIFY2(client->certificateErrors().join(QLatin1Char('|')).contains(expected),
                 qPrintable(client->certificateErrors().join(QLatin1Char('|'))));
    }

    // A client that does not trust us aborts the handshake: our server reports it.
    void clientRefusesOurCertificate()
    {
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        QSslSocket client; // default configuration: system CAs only
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), listener.serverPort(), QStringLiteral("localhost"));
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        TlsSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        QSignalSpy gone(&server, &TlsSocket::disconnected);
        QVERIFY(server.startServerEncryption(m_server, m_ca->leafFor(QStringLiteral("localhost"))));
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 10000);
        QVERIFY(!client.isEncrypted());
        QCOMPARE(server.error(), QAbstractSocket::SslHandshakeFailedError); // Qt closes without an alert
    }

    // disconnectFromHost() writes what is queued first; abort() does not.
    void disconnectFlushes()
    {
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        QVERIFY(encryptPair(*client, *server));
        QByteArray atClient;
        collect(client.get(), &atClient);
        const QByteArray data = randomBytes(8 * 1024 * 1024);
        QSignalSpy gone(server.get(), &TlsSocket::disconnected);
        server->write(data);
        server->disconnectFromHost();
        QVERIFY(server->state() == QAbstractSocket::ClosingState || gone.size() == 1);
        QCOMPARE(server->write(QByteArray("late")), qint64(-1));
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), data.size(), 10000);
        QVERIFY(atClient == data);
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 5000);
    }

    // flush() sends at once but reports from the event loop, never from inside the call.
    void flushSendsNowReportsLater_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("plain") << false;
        QTest::newRow("tls") << true;
    }
    void flushSendsNowReportsLater()
    {
        QFETCH(bool, tls);
        FdServer listener;
        std::unique_ptr<TlsSocket> client;
        std::unique_ptr<TlsSocket> server;
        QVERIFY(leanPair(listener, client, server));
        if (tls)
            QVERIFY(encryptPair(*client, *server));
        QSignalSpy written(client.get(), &TlsSocket::bytesWritten);
        QByteArray got;
        collect(server.get(), &got);
        const QByteArray data = randomBytes(1000);
        client->write(data);
        QCOMPARE(client->bytesToWrite(), qint64(1000));
        QVERIFY(client->flush());
        QCOMPARE(client->bytesToWrite(), qint64(0)); // in the kernel already
        QCOMPARE(written.size(), 0);                 // but not reported from inside flush()
        QVERIFY(!client->flush());                   // nothing left
        QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, 5000);
        QCOMPARE(written.first().first().toLongLong(), qint64(1000));
        QTRY_COMPARE_WITH_TIMEOUT(got, data, 5000);
        QTest::qWait(20);
        QCOMPARE(written.size(), 1); // reported once
    }

    void connectionRefused()
    {
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        const quint16 port = listener.serverPort();
        listener.close();
        TlsSocket client;
        QSignalSpy errors(&client, &TlsSocket::errorOccurred);
        QSignalSpy gone(&client, &TlsSocket::disconnected);
        client.connectToHost(QStringLiteral("127.0.0.1"), port);
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 5000);
        QCOMPARE(client.error(), QAbstractSocket::ConnectionRefusedError);
        QCOMPARE(client.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(gone.size(), 0);
    }

    // ---- independent peers ----

    void pythonServer()
    {
        test::ChildProcess py;
        QVERIFY2(py.start(test::debianPython(), {test::testDataPath(QStringLiteral("tls/peers/ssl_peer.py")),
                                                 QStringLiteral("server"), m_chainPem, m_keyPem,
                                                 QStringLiteral("h2,http/1.1")}),
                 qPrintable(py.errorString()));
        const quint16 port = test::portFromListeningLine(py.waitForLine("listening on "));
        QVERIFY2(port, qPrintable(py.errorString() + QString::fromUtf8(py.allStderr())));
        TlsSocket client;
        client.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(client.waitForConnected(5000));
        QVERIFY(client.startClientEncryption(m_client, QStringLiteral("localhost")));
        QVERIFY2(client.waitForEncrypted(10000), qPrintable(client.errorString()));
        const QByteArray handshake = py.waitForLine("handshake ");
        QVERIFY2(handshake.contains("sni=localhost"), handshake.constData());
        QVERIFY2(handshake.contains("alpn=http/1.1"), handshake.constData());
        QVERIFY2(handshake.contains("version=TLSv1.3"), handshake.constData());
        QByteArray echoed;
        collect(&client, &echoed);
        QSignalSpy gone(&client, &TlsSocket::disconnected);
        const QByteArray data = randomBytes(3 * 1024 * 1024 + 11);
        client.write(data);
        client.shutdownWrite();
        QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), data.size(), 15000);
        QVERIFY(echoed == data);
        QCOMPARE(py.waitForLine("echoed "), QByteArray::number(data.size()));
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        QCOMPARE(py.waitForExit(5000), 0);
    }

    void pythonClient()
    {
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        test::ChildProcess py;
        const qsizetype size = 2 * 1024 * 1024 + 5;
        QVERIFY(py.start(test::debianPython(), {test::testDataPath(QStringLiteral("tls/peers/ssl_peer.py")),
                                                QStringLiteral("client"), QString::number(listener.serverPort()),
                                                m_caPem, QStringLiteral("localhost"), QString::number(size)}));
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        TlsSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        server.setReadBufferSize(65536);
        connect(&server, &TlsSocket::readyRead, &server, [&] { server.write(server.readAll()); }); // echo
        QVERIFY(server.startServerEncryption(m_server, m_ca->leafFor(QStringLiteral("localhost"))));
        // ChildProcess::waitForLine() blocks without an event loop: poll in short steps.
        QByteArray handshake;
        QVERIFY2(QTest::qWaitFor([&] { return !(handshake = py.waitForLine("handshake ", 10)).isEmpty(); }, 10000),
                 QByteArray(py.allStdout()).append(py.allStderr()).constData());
        QVERIFY2(handshake.contains("alpn=http/1.1"), handshake.constData());
        QVERIFY2(handshake.contains("version=TLSv1.3"), handshake.constData());
        QCOMPARE(server.requestedServerName(), QByteArray("localhost"));
        QByteArray result;
        QVERIFY(QTest::qWaitFor([&] { return !(result = py.waitForLine("", 10)).isEmpty(); }, 20000));
        QVERIFY2(result.startsWith(QByteArray(QByteArray("ok ") + QByteArray::number(size))), qPrintable(QString::fromUtf8(result + py.allStderr())));
        QCOMPARE(py.waitForExit(5000), 0);
    }

    // openssl s_client: ALPN answer, protocol floor and cipher preference.
    void opensslClient_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("h2 + http/1.1 offered") << QStringList{QStringLiteral("-alpn"), QStringLiteral("h2,http/1.1")}
                                              << QByteArray("ALPN protocol: http/1.1");
        QTest::newRow("h2 only offered") << QStringList{QStringLiteral("-alpn"), QStringLiteral("h2")}
                                         << QByteArray("No ALPN negotiated");
        QTest::newRow("TLS 1.3 cipher") << QStringList{QStringLiteral("-tls1_3")}
                                        << QByteArray("Cipher is TLS_AES_128_GCM_SHA256");
        QTest::newRow("TLS 1.2 cipher") << QStringList{QStringLiteral("-tls1_2")}
                                        << QByteArray("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
        QTest::newRow("TLS 1.1 refused") << QStringList{QStringLiteral("-tls1_1")}
                                         << QByteArray("Cipher is (NONE)");
    }
    void opensslClient()
    {
        QFETCH(QStringList, options);
        QFETCH(QByteArray, expected);
        FdServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"),
                      QStringList{QStringLiteral("s_client"), QStringLiteral("-connect"),
                                  QStringLiteral("127.0.0.1:%1").arg(listener.serverPort()),
                                  QStringLiteral("-servername"), QStringLiteral("localhost"),
                                  QStringLiteral("-CAfile"), m_caPem}
                          + options);
        QVERIFY(openssl.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(!listener.fds.isEmpty(), 5000);
        TlsSocket server;
        QVERIFY(server.setSocketDescriptor(listener.take()));
        QVERIFY(server.startServerEncryption(m_server, m_ca->leafFor(QStringLiteral("localhost"))));
        QTRY_VERIFY_WITH_TIMEOUT(server.isEncrypted() || server.state() == QAbstractSocket::UnconnectedState, 10000);
        openssl.closeWriteChannel();
        QVERIFY(openssl.waitForFinished(10000));
        const QByteArray out = openssl.readAll();
        QVERIFY2(out.contains(expected), out.constData());
    }
};

QTEST_GUILESS_MAIN(TstTlsSocket)
#include "tst_tlssocket.moc"
