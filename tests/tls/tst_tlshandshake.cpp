// Real TLS handshakes over loopback: a QSslSocket server using
// serverConfigurationFor() and a QSslSocket client that trusts only our CA.
#include "tls/certificateauthority.h"

#include <QtTest>
#include <QSslSocket>
#include <QTcpServer>

using wslens::tls::CertificateAuthority;

namespace {

// Accepts TCP connections and starts a TLS server handshake on each with the
// leaf made for `name`, then echoes whatever arrives.
class TlsEchoServer : public QTcpServer
{
public:
    TlsEchoServer(CertificateAuthority &ca, const QString &name)
        : m_ca(ca)
        , m_name(name)
    {
    }

    QString lastError;
    int encryptedCount = 0;
    QByteArray negotiatedProtocol;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            lastError = socket->errorString();
            delete socket;
            return;
        }
        QString error;
        const QSslConfiguration config = m_ca.serverConfigurationFor(m_name, &error);
        if (config.localCertificate().isNull()) {
            lastError = error;
            delete socket;
            return;
        }
        socket->setSslConfiguration(config);
        connect(socket, &QSslSocket::encrypted, this, [this, socket] {
            ++encryptedCount;
            negotiatedProtocol = socket->sslConfiguration().nextNegotiatedProtocol();
        });
        connect(socket, &QSslSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
        connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QSslSocket::errorOccurred, socket, &QObject::deleteLater);
        socket->startServerEncryption();
    }

private:
    CertificateAuthority &m_ca;
    QString m_name;
};

QSslConfiguration clientTrusting(const QSslCertificate &ca)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates({ca});
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // A browser offers HTTP/2 first; the relay must end up with http/1.1.
    config.setAllowedNextProtocols({QSslConfiguration::ALPNProtocolHTTP2, QSslConfiguration::NextProtocolHttp1_1});
    return config;
}

} // namespace

class TestTlsHandshake : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void handshakeSucceeds_data();
    void handshakeSucceeds();
    void failsAgainstAnotherCa();
    void failsForAnotherName();

private:
    QTemporaryDir m_tmp;
    std::unique_ptr<CertificateAuthority> m_ca;
    std::unique_ptr<CertificateAuthority> m_otherCa;
};

void TestTlsHandshake::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QFAIL("Qt has no TLS backend");
    m_ca = std::make_unique<CertificateAuthority>(m_tmp.filePath(QStringLiteral("ca")));
    m_otherCa = std::make_unique<CertificateAuthority>(m_tmp.filePath(QStringLiteral("other")));
    QString error;
    QVERIFY2(m_ca->loadOrCreate(&error), qPrintable(error));
    QVERIFY2(m_otherCa->loadOrCreate(&error), qPrintable(error));
}

void TestTlsHandshake::handshakeSucceeds_data()
{
    QTest::addColumn<QString>("listenAddress");
    QTest::addColumn<QString>("certificateName"); // what the relay would pass to serverConfigurationFor
    QTest::addColumn<QString>("peerName");        // what the client verifies
    QTest::newRow("localhost (DNS SAN)") << QStringLiteral("127.0.0.1") << QStringLiteral("localhost") << QStringLiteral("localhost");
    QTest::newRow("127.0.0.1 (IP SAN)") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1") << QStringLiteral("127.0.0.1");
    QTest::newRow("::1 (IPv6 SAN)") << QStringLiteral("::1") << QStringLiteral("[::1]") << QStringLiteral("::1");
}

void TestTlsHandshake::handshakeSucceeds()
{
    QFETCH(QString, listenAddress);
    QFETCH(QString, certificateName);
    QFETCH(QString, peerName);

    TlsEchoServer server(*m_ca, certificateName);
    if (!server.listen(QHostAddress(listenAddress), 0)) {
        if (listenAddress.contains(QLatin1Char(':')))
            QSKIP("no IPv6 loopback here");
        QFAIL(qPrintable(server.errorString()));
    }

    QSslSocket client;
    client.setSslConfiguration(clientTrusting(m_ca->caCertificate()));
    QList<QSslError> clientErrors;
    connect(&client, &QSslSocket::sslErrors, this, [&](const QList<QSslError> &errors) { clientErrors = errors; });
    QSignalSpy encrypted(&client, &QSslSocket::encrypted);
    client.connectToHostEncrypted(listenAddress, server.serverPort(), peerName);
    QVERIFY2(encrypted.wait(10000) || !encrypted.isEmpty(),
             qPrintable(clientErrors.value(0).errorString() + QLatin1Char(' ') + client.errorString()
                        + QLatin1Char(' ') + server.lastError));
    QVERIFY(clientErrors.isEmpty());

    QCOMPARE(client.peerCertificateChain().value(0), m_ca->leafFor(certificateName).certificate);
    QCOMPARE(client.sslConfiguration().nextNegotiatedProtocol(), QByteArrayLiteral("http/1.1"));
    QCOMPARE(client.sslConfiguration().nextProtocolNegotiationStatus(), QSslConfiguration::NextProtocolNegotiationNegotiated);
    QTRY_COMPARE_WITH_TIMEOUT(server.encryptedCount, 1, 5000);
    QCOMPARE(server.negotiatedProtocol, QByteArrayLiteral("http/1.1"));

    // Application data flows through the session.
    client.write("ping over TLS");
    QByteArray echoed;
    QTRY_VERIFY_WITH_TIMEOUT((echoed += client.readAll()) == QByteArrayLiteral("ping over TLS"), 5000);
}

// Connects a client that trusts `trusted` and checks `peerName` to a server
// presenting the leaf for "localhost"; expects the handshake to fail and
// returns the client's certificate errors.
static QList<QSslError> rejectedHandshake(CertificateAuthority &serverCa, const QSslCertificate &trusted,
                                          const QString &peerName)
{
    TlsEchoServer server(serverCa, QStringLiteral("localhost"));
    if (!server.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket client;
    client.setSslConfiguration(clientTrusting(trusted));
    QList<QSslError> clientErrors;
    QObject::connect(&client, &QSslSocket::sslErrors, &client,
                     [&](const QList<QSslError> &errors) { clientErrors = errors; });
    QSignalSpy failed(&client, &QSslSocket::errorOccurred);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort(), peerName);
    if (!failed.wait(10000) && failed.isEmpty())
        return {};
    if (client.isEncrypted()
        || failed.first().first().value<QAbstractSocket::SocketError>() != QAbstractSocket::SslHandshakeFailedError)
        return {};
    return clientErrors;
}

void TestTlsHandshake::failsAgainstAnotherCa()
{
    const QList<QSslError> errors = rejectedHandshake(*m_ca, m_otherCa->caCertificate(), QStringLiteral("localhost"));
    QVERIFY(!errors.isEmpty());
    bool untrusted = false;
    for (const QSslError &e : errors)
        untrusted = untrusted || e.error() == QSslError::UnableToGetLocalIssuerCertificate
                    || e.error() == QSslError::SelfSignedCertificateInChain
                    || e.error() == QSslError::UnableToVerifyFirstCertificate;
    QVERIFY2(untrusted, qPrintable(errors.first().errorString()));
}

void TestTlsHandshake::failsForAnotherName()
{
    const QList<QSslError> errors = rejectedHandshake(*m_ca, m_ca->caCertificate(), QStringLiteral("bank.example"));
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().error(), QSslError::HostNameMismatch);
}

QTEST_GUILESS_MAIN(TestTlsHandshake)
#include "tst_tlshandshake.moc"
