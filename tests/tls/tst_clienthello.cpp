// The ClientHello peek (SNI before the handshake) and the pass-through host
// globs: real ClientHellos from QSslSocket, every truncation, bad records.
#include "relay/hostpattern.h"
#include "tls/clienthello.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QtTest>

using namespace wslens;
using tls::ClientHelloPeek;

namespace {

// The first bytes a QSslSocket sends when it connects to `peerName` (SNI).
QByteArray realClientHello(const QString &peerName)
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return {};
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone);
    client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort(), peerName);
    QTcpSocket *s = nullptr;
    QByteArray bytes;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 3000) {
        QTest::qWait(5);
        if (!s)
            s = server.nextPendingConnection();
        if (!s)
            continue;
        bytes += s->readAll();
        if (tls::peekClientHello(bytes.constData(), bytes.size()).status != ClientHelloPeek::Status::NeedMore)
            break;
    }
    client.abort();
    return bytes;
}

} // namespace

class TestClientHello : public QObject
{
    Q_OBJECT
private slots:
    void realHello_data();
    void realHello();
    void everyTruncationNeedsMore();
    void notTls_data();
    void notTls();
    void corruptLengthsNeverCrash();
    void globs_data();
    void globs();
    void patternCheck_data();
    void patternCheck();
};

void TestClientHello::realHello_data()
{
    QTest::addColumn<QString>("peerName");
    QTest::addColumn<QByteArray>("sni");
    QTest::newRow("name") << QStringLiteral("ws.example.test") << QByteArray("ws.example.test");
    QTest::newRow("localhost") << QStringLiteral("localhost") << QByteArray("localhost");
    QTest::newRow("IP: no SNI") << QStringLiteral("127.0.0.1") << QByteArray();
}

void TestClientHello::realHello()
{
    QFETCH(QString, peerName);
    QFETCH(QByteArray, sni);
    const QByteArray hello = realClientHello(peerName);
    QVERIFY(hello.size() > 50);
    const ClientHelloPeek p = tls::peekClientHello(hello.constData(), hello.size());
    QCOMPARE(p.status, ClientHelloPeek::Status::Complete);
    QCOMPARE(p.serverName, sni);
}

void TestClientHello::everyTruncationNeedsMore()
{
    const QByteArray hello = realClientHello(QStringLiteral("example.test"));
    const qsizetype record = 5 + ((qsizetype(quint8(hello.at(3))) << 8) | quint8(hello.at(4)));
    QVERIFY(record <= hello.size());
    for (qsizetype n = 0; n < record; ++n)
        QCOMPARE(tls::peekClientHello(hello.constData(), n).status, ClientHelloPeek::Status::NeedMore);
    QCOMPARE(tls::peekClientHello(hello.constData(), record).status, ClientHelloPeek::Status::Complete);
}

void TestClientHello::notTls_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("HTTP") << QByteArray("GET / HTTP/1.1\r\n");
    QTest::newRow("SSLv2-ish") << QByteArray("\x80\x2e\x01\x03\x01", 5);
    QTest::newRow("wrong major version") << QByteArray("\x16\x02\x01\x00\x10", 5);
    QTest::newRow("empty record") << QByteArray("\x16\x03\x01\x00\x00", 5);
    QTest::newRow("record too long") << QByteArray("\x16\x03\x01\xff\xff", 5);
}

void TestClientHello::notTls()
{
    QFETCH(QByteArray, bytes);
    QCOMPARE(tls::peekClientHello(bytes.constData(), bytes.size()).status, ClientHelloPeek::Status::NotTls);
}

void TestClientHello::corruptLengthsNeverCrash()
{
    // Every single-byte corruption of a real hello: a decision, never a read
    // past the buffer (ASan/UBSan builds check the latter).
    const QByteArray hello = realClientHello(QStringLiteral("corrupt.example.test"));
    QVERIFY(!hello.isEmpty());
    for (qsizetype i = 0; i < hello.size(); ++i) {
        for (const char v : {char(0x00), char(0xff), char(0x7f)}) {
            QByteArray c = hello;
            c[i] = v;
            const ClientHelloPeek p = tls::peekClientHello(c.constData(), c.size());
            QVERIFY(p.serverName.size() <= c.size());
        }
    }
}

void TestClientHello::globs_data()
{
    QTest::addColumn<QStringList>("patterns");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("matches");
    const QStringList google{QStringLiteral("*.google.com")};
    QTest::newRow("subdomain") << google << QStringLiteral("www.google.com") << true;
    QTest::newRow("deep subdomain") << google << QStringLiteral("a.b.google.com") << true;
    QTest::newRow("apex not matched") << google << QStringLiteral("google.com") << false;
    QTest::newRow("suffix trick") << google << QStringLiteral("evilgoogle.com") << false;
    QTest::newRow("other") << google << QStringLiteral("example.com") << false;
    QTest::newRow("case") << google << QStringLiteral("WWW.Google.COM.") << true;
    QTest::newRow("exact") << QStringList{QStringLiteral("example.com")} << QStringLiteral("example.com") << true;
    QTest::newRow("question mark") << QStringList{QStringLiteral("ws?.example.com")} << QStringLiteral("ws1.example.com") << true;
    QTest::newRow("ip glob") << QStringList{QStringLiteral("10.0.*")} << QStringLiteral("10.0.3.4") << true;
    QTest::newRow("ipv6 brackets") << QStringList{QStringLiteral("::1")} << QStringLiteral("[::1]") << true;
    QTest::newRow("bracketed ipv6 pattern") << QStringList{QStringLiteral("[::1]")} << QStringLiteral("::1") << true;
    QTest::newRow("bracketed ipv6 pattern with port") << QStringList{QStringLiteral("[::1]:443")} << QStringLiteral("::1") << true;
    QTest::newRow("ipv6 not cut at a colon") << QStringList{QStringLiteral("::")} << QStringLiteral("::1") << false;
    QTest::newRow("pattern with port") << QStringList{QStringLiteral("example.com:443")} << QStringLiteral("example.com") << true;
    QTest::newRow("glob with port") << QStringList{QStringLiteral("*.example.com:8443")} << QStringLiteral("ws.example.com") << true;
    QTest::newRow("pattern with trailing dot") << QStringList{QStringLiteral("example.com.")} << QStringLiteral("example.com") << true;
    QTest::newRow("spaces around") << QStringList{QStringLiteral("  Example.com ")} << QStringLiteral("example.com") << true;
    QTest::newRow("second pattern") << QStringList{QStringLiteral("a.test"), QStringLiteral("*.b.test")} << QStringLiteral("x.b.test") << true;
    QTest::newRow("empty list") << QStringList() << QStringLiteral("x") << false;
    QTest::newRow("many stars") << QStringList{QStringLiteral("*a*a*a*a*a*b")} << QString(200, QLatin1Char('a')) << false;
}

void TestClientHello::globs()
{
    QFETCH(QStringList, patterns);
    QFETCH(QString, host);
    QFETCH(bool, matches);
    QCOMPARE(relay::HostPatternList(patterns).matches(host), matches);
}

void TestClientHello::patternCheck_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("problem"); // part of the message, "" = usable
    QTest::newRow("glob") << QStringLiteral("*.example.com") << QString();
    QTest::newRow("every host") << QStringLiteral("*") << QString();
    QTest::newRow("host with port") << QStringLiteral("example.com:443") << QString();
    QTest::newRow("ipv6") << QStringLiteral("[::1]") << QString();
    QTest::newRow("only a port") << QStringLiteral("*:443") << QStringLiteral("ports are not matched");
    QTest::newRow("bracketed star") << QStringLiteral("[*]") << QStringLiteral("ports are not matched");
    QTest::newRow("empty") << QStringLiteral("  ") << QStringLiteral("empty pattern");
    QTest::newRow("space inside") << QStringLiteral("a b") << QStringLiteral("not a host pattern");
}

void TestClientHello::patternCheck()
{
    QFETCH(QString, pattern);
    QFETCH(QString, problem);
    const QString got = relay::HostPatternList::check(pattern);
    if (problem.isEmpty())
        QVERIFY2(got.isEmpty(), qPrintable(got));
    else
        QVERIFY2(got.contains(problem), qPrintable(got));
}

QTEST_GUILESS_MAIN(TestClientHello)
#include "tst_clienthello.moc"
