// `wslens capture` TLS options through the real binary: usage errors exit 2;
// --tls --upstream wss:// --upstream-ca --ca-dir relays our client's messages
// between two TLS connections and says so; the CA made on the first
// intercepted tunnel is announced once; a key others can read is warned about.
#include "../tls/filetestutil.h"
#include "testsupport.h"
#include "tlsrelaysupport.h"

#include <QSslCertificate>

#include <sys/stat.h>

using namespace wslens;
using namespace wslens::test;

class TestCaptureTlsCli : public QObject
{
    Q_OBJECT
private slots:
    void usageErrors_data();
    void usageErrors();
    void tlsListenerToWssUpstream_data();
    void tlsListenerToWssUpstream();
    void caNoticeOnFirstUseAndPermissionWarning();
    void noTlsInterceptTunnelsUntouched();
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

void TestCaptureTlsCli::tlsListenerToWssUpstream_data()
{
    QTest::addColumn<bool>("insecure");
    QTest::newRow("--upstream-ca") << false;
    QTest::newRow("--insecure-upstream") << true; // the server's CA is not trusted; errors ignored and recorded
}

void TestCaptureTlsCli::tlsListenerToWssUpstream()
{
    QFETCH(bool, insecure);
    TlsWorld world;
    QVERIFY(world.init());
    auto server = startWssServer(*world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(server);
    const QString caDir = world.dir.filePath(QStringLiteral("cli-ca"));
    QStringList args{QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                     QStringLiteral("--upstream"), QStringLiteral("wss://127.0.0.1:%1/").arg(server->serverPort()),
                     QStringLiteral("--tls"), QStringLiteral("--ca-dir"), caDir, QStringLiteral("--save"),
                     world.dir.filePath(QStringLiteral("s.wslens"))};
    if (insecure)
        args << QStringLiteral("--insecure-upstream");
    else
        args << QStringLiteral("--upstream-ca") << world.serverCaFile();
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(), args));
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

    // What inspect says of the upstream's certificate check.
    ChildProcess summary;
    QVERIFY(summary.start(wslensBinary(), {QStringLiteral("inspect"), world.dir.filePath(QStringLiteral("s.wslens"))}));
    QCOMPARE(summary.waitForExit(10000), 0);
    QCOMPARE(summary.allStdout().contains("upstream certificate NOT verified"), insecure);
    ChildProcess lines;
    QVERIFY(lines.start(wslensBinary(), {QStringLiteral("inspect"), QStringLiteral("--frames"),
                                         world.dir.filePath(QStringLiteral("s.wslens"))}));
    QCOMPARE(lines.waitForExit(10000), 0);
    QVERIFY2(lines.allStdout().contains(insecure ? "\"insecure_upstream\":true" : "\"insecure_upstream\":false"),
             lines.allStdout().left(2000).constData());
    QVERIFY(lines.allStdout().contains("\"tls\":true"));
}

void TestCaptureTlsCli::caNoticeOnFirstUseAndPermissionWarning()
{
    TlsWorld world;
    QVERIFY(world.init());
    auto server = startWssServer(*world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(server);
    const QByteArray authority = "127.0.0.1:" + QByteArray::number(server->serverPort());
    // The default CA folder, below a data folder of our own.
    QTemporaryDir data;
    QVERIFY(data.isValid());
    const QString caDir = data.filePath(QStringLiteral("wslens/wslens/ca"));
    const QString keyPath = caDir + QStringLiteral("/wslens-ca.pem");

    // One `wslens capture` run with one intercepted TLS tunnel; returns its stderr.
    int runs = 0;
    const auto captureOneTunnel = [&](const QStringList &extra) -> QByteArray {
        ChildProcess p;
        const QStringList args = QStringList{QStringLiteral("capture"), QStringLiteral("--listen"),
                                             QStringLiteral("127.0.0.1:0"), QStringLiteral("--upstream-ca"),
                                             world.serverCaFile(), QStringLiteral("--save"),
                                             data.filePath(QStringLiteral("s%1.wslens").arg(++runs))}
                                 + extra;
        if (!p.start(wslensBinary(), args, {QStringLiteral("XDG_DATA_HOME=") + data.path()}))
            return "cannot start: " + p.errorString().toUtf8();
        const quint16 port = portFromListeningLine(p.waitForLine("listening on"));
        if (!port)
            return "not listening: " + p.allStderr();
        auto s = openTunnel(port, authority);
        if (!s)
            return "no tunnel: " + p.allStderr();
        QSslConfiguration any = QSslConfiguration::defaultConfiguration();
        any.setPeerVerifyMode(QSslSocket::VerifyNone); // only the relay's CA loading matters here
        s->setSslConfiguration(any);
        s->startClientEncryption();
        if (!s->waitForEncrypted(5000))
            return "no TLS: " + s->errorString().toUtf8() + "; " + p.allStderr();
        s.reset();
        p.process().terminate();
        if (p.waitForExit(10000) != 0)
            return "exit code: " + p.allStderr();
        return p.allStderr();
    };

    // First run: made on the first tunnel, announced once, with where, the key's modes and how to trust it.
    QByteArray err = captureOneTunnel({});
    QVERIFY2(err.count("created a new CA") == 1, err.constData());
    QVERIFY2(err.contains(QByteArray("wslens capture: created a new CA for TLS interception in " + caDir.toUtf8() + "\n")),
             err.constData());
    QVERIFY2(err.contains(QByteArray("private key " + keyPath.toUtf8() + " is mode 0600 in a folder of mode 0700")), err.constData());
    QVERIFY2(err.contains("run 'wslens ca export --format pem -o wslens-ca.pem'"), err.constData());
    QVERIFY2(err.contains("docs/TLS.md"), err.constData());
    QVERIFY2(!err.contains("warning"), err.constData());
    QCOMPARE(modeOf(keyPath), 0600);
    QCOMPARE(modeOf(caDir), 0700);

    // Second run: the same CA, nothing to say.
    err = captureOneTunnel({});
    QVERIFY2(!err.contains("created a new CA") && !err.contains("warning"), err.constData());

    // A key others can read: one warning line naming it, its mode and the chmod (like ssh); fixed.
    const QByteArray keyWarning = "wslens capture: warning: the CA private key " + keyPath.toUtf8()
                                  + " is accessible by group or others (mode 0644); changed to 0600 (chmod 600 '"
                                  + keyPath.toUtf8() + "')";
    QCOMPARE(::chmod(QFile::encodeName(keyPath).constData(), 0644), 0);
    err = captureOneTunnel({});
    QVERIFY2(err.count(keyWarning) == 1, err.constData());
    QVERIFY2(!err.contains("created a new CA"), err.constData());
    QCOMPARE(modeOf(keyPath), 0600);

    // The same with --ca-dir (the CA is loaded before the relay starts): still
    // one line each, for the folder too.
    QCOMPARE(::chmod(QFile::encodeName(keyPath).constData(), 0644), 0);
    QCOMPARE(::chmod(QFile::encodeName(caDir).constData(), 0755), 0);
    err = captureOneTunnel({QStringLiteral("--ca-dir"), caDir});
    QVERIFY2(err.count(keyWarning) == 1, err.constData());
    const QByteArray folderWarning = "warning: the CA folder " + caDir.toUtf8()
                                     + " is accessible by group or others (mode 0755); changed to 0700 (chmod 700 '"
                                     + caDir.toUtf8() + "')";
    QVERIFY2(err.count(folderWarning) == 1,
             err.constData());
    QCOMPARE(modeOf(caDir), 0700);
}


// --no-tls-intercept: a TLS CONNECT is a plain tunnel (the client sees the
// server's own certificate), no CA is made, nothing is recorded.
void TestCaptureTlsCli::noTlsInterceptTunnelsUntouched()
{
    TlsWorld world;
    QVERIFY(world.init());
    auto server = startWssServer(*world.serverCa, QStringLiteral("localhost"));
    QVERIFY(server);
    const QString caDir = world.dir.filePath(QStringLiteral("never-made"));
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(), {QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                     QStringLiteral("--no-tls-intercept"), QStringLiteral("--ca-dir"), caDir,
                                     QStringLiteral("--save"), world.dir.filePath(QStringLiteral("s.wslens"))}));
    const quint16 port = portFromListeningLine(p.waitForLine("listening on"));
    QVERIFY2(port, qPrintable(p.errorString()));
    auto s = openTunnel(port, "localhost:" + QByteArray::number(server->serverPort()));
    QVERIFY(s);
    QVERIFY2(encryptTunnel(*s, world.serverCa->caCertificate(), QStringLiteral("localhost")), qPrintable(s->errorString()));
    QCOMPARE(s->peerCertificate(), world.serverCa->leafFor(QStringLiteral("localhost")).certificate);
    s->disconnectFromHost();
    p.process().terminate();
    QCOMPARE(p.waitForExit(10000), 0);
    QVERIFY(!QFile::exists(caDir + QStringLiteral("/wslens-ca-cert.pem")));
    QVERIFY2(p.allStdout().contains("stopped: 0 connections"), p.allStdout().constData());
}

QTEST_GUILESS_MAIN(TestCaptureTlsCli)
#include "tst_capture_tls_cli.moc"
