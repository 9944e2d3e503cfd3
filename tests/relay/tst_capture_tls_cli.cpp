// `wslens capture` TLS options through the real binary: usage errors exit 2;
// --tls --upstream wss:// --upstream-ca --ca-dir relays our client's messages
// between two TLS connections and says so.
#include "relaytestsupport.h"
#include "testsupport.h"
#include "tlsrelaysupport.h"

#include <QSslCertificate>

using namespace wslens;
using namespace wslens::test;

class TestCaptureTlsCli : public QObject
{
    Q_OBJECT
private slots:
    void usageErrors_data();
    void usageErrors();
    void tlsListenerToWssUpstream();
};

void TestCaptureTlsCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("--tls in proxy mode") << QStringList{QStringLiteral("--tls")} << QByteArray("--tls is for reverse-proxy mode");
    QTest::newRow("missing CA file") << QStringList{QStringLiteral("--upstream-ca"), QStringLiteral("/nonexistent/ca.pem")}
                                     << QByteArray("does not exist");
    QTest::newRow("empty CA file name") << QStringList{QStringLiteral("--upstream-ca"), QString()}
                                        << QByteArray("--upstream-ca needs");
    QTest::newRow("bad pattern") << QStringList{QStringLiteral("--pass-through"), QStringLiteral("a b")}
                                 << QByteArray("not a host pattern");
    QTest::newRow("empty CA dir") << QStringList{QStringLiteral("--ca-dir"), QString()} << QByteArray("--ca-dir needs");
    QTest::newRow("no value") << QStringList{QStringLiteral("--pass-through")} << QByteArray("pass-through");
}

void TestCaptureTlsCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    QTemporaryDir dir;
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(), QStringList{QStringLiteral("capture"), QStringLiteral("--listen"),
                                                QStringLiteral("127.0.0.1:0"), QStringLiteral("--save"),
                                                dir.filePath(QStringLiteral("s.wslens"))}
                                        + args));
    QCOMPARE(p.waitForExit(10000), 2);
    const QByteArray err = p.allStderr();
    QVERIFY2(err.contains(message), err.constData());
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("s.wslens"))));
}

void TestCaptureTlsCli::tlsListenerToWssUpstream()
{
    TlsWorld world;
    QVERIFY(world.init());
    auto server = startWssServer(*world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(server);
    const QString caDir = world.dir.filePath(QStringLiteral("cli-ca"));
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(),
                    {QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                     QStringLiteral("--upstream"), QStringLiteral("wss://127.0.0.1:%1/").arg(server->serverPort()),
                     QStringLiteral("--tls"), QStringLiteral("--ca-dir"), caDir, QStringLiteral("--upstream-ca"),
                     world.serverCaFile(), QStringLiteral("--save"), world.dir.filePath(QStringLiteral("s.wslens"))}));
    const quint16 port = portFromListeningLine(p.waitForLine("listening on"));
    QVERIFY2(port, qPrintable(p.errorString()));

    // The CLI made the CA in --ca-dir; a client trusting only that CA connects.
    const QList<QSslCertificate> ca = QSslCertificate::fromPath(caDir + QStringLiteral("/wslens-ca-cert.pem"));
    QCOMPARE(ca.size(), 1);
    endpoints::ClientOptions o;
    o.url = QUrl(QStringLiteral("wss://127.0.0.1:%1/cli").arg(port));
    o.caCertificates = ca;
    o.useSystemCaCertificates = false;
    const QString problem = echoOnce(o, "through the CLI over TLS twice");
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QByteArray opened = p.waitForLine("opened #1 ");
    QVERIFY2(opened.startsWith(QByteArray(QByteArray("wss://127.0.0.1:") + QByteArray::number(server->serverPort()) + "/cli")),
             opened.constData());
    p.process().terminate();
    QCOMPARE(p.waitForExit(10000), 0);
    QVERIFY2(p.allStderr().contains("serving TLS with the CA"), p.allStderr().constData());
    QVERIFY(p.allStdout().contains("stopped: 1 connections"));
}

QTEST_GUILESS_MAIN(TestCaptureTlsCli)
#include "tst_capture_tls_cli.moc"
