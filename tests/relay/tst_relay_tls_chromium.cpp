// End to end over TLS: headless Chromium whose (fresh, temporary) NSS database
// trusts the relay's CA uses the relay as its HTTP proxy, loads an https://
// page from a local TLS server, and the page's wss:// exchange with our wss
// server appears in the capture in clear.
#include "chromiumsupport.h"
#include "testsupport.h"
#include "tlsrelaysupport.h"

#include <QTcpServer>

using namespace wslens;
using namespace wslens::test;

namespace {

const char kCertutil[] = "/usr/bin/certutil";

QByteArray pageHtml(quint16 wsPort)
{
    return "<!doctype html><html><head><title>wslens tls</title></head><body><script>\n"
           "const ws = new WebSocket('wss://127.0.0.1:"
           + QByteArray::number(wsPort)
           + "/chromium?x=1');\n"
             "let n = 0;\n"
             "ws.onopen = () => ws.send('hello over wss from chromium');\n"
             "ws.onmessage = (e) => { if (++n === 1) ws.send('second ' + e.data.length); else ws.close(1000, 'page done'); };\n"
             "</script></body></html>\n";
}

// A tiny HTTPS server: "/" answers the page, anything else 404 (keep-alive).
class HttpsPageServer : public QTcpServer
{
public:
    HttpsPageServer(QSslConfiguration tls, QByteArray page)
        : m_tls(std::move(tls))
        , m_page(std::move(page))
    {
    }
    int pageRequests = 0;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *s = new QSslSocket(this);
        if (!s->setSocketDescriptor(descriptor)) {
            delete s;
            return;
        }
        s->setSslConfiguration(m_tls);
        auto buffer = std::make_shared<QByteArray>();
        connect(s, &QSslSocket::readyRead, s, [this, s, buffer] {
            *buffer += s->readAll();
            qsizetype end;
            while ((end = buffer->indexOf("\r\n\r\n")) >= 0) {
                const QByteArray head = buffer->left(end);
                buffer->remove(0, end + 4);
                if (head.startsWith("GET / ")) {
                    ++pageRequests;
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nCache-Control: no-store\r\nContent-Length: "
                             + QByteArray::number(m_page.size()) + "\r\n\r\n" + m_page);
                } else {
                    s->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                }
            }
        });
        connect(s, &QSslSocket::disconnected, s, &QObject::deleteLater);
        s->startServerEncryption();
    }

private:
    QSslConfiguration m_tls;
    QByteArray m_page;
};

bool runCertutil(const QStringList &args, const QString &home, QString *output)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    p.setProcessEnvironment(env);
    p.start(QLatin1String(kCertutil), args);
    const bool ok = p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    *output = QString::fromLocal8Bit(p.readAllStandardOutput() + p.readAllStandardError());
    return ok;
}

} // namespace

class TestRelayTlsChromium : public QObject
{
    Q_OBJECT
private slots:
    void wssPageIsCapturedInClear();
};

void TestRelayTlsChromium::wssPageIsCapturedInClear()
{
    if (!QFile::exists(chromiumBinary()))
        QSKIP("/usr/bin/chromium is not installed");
    if (!QFile::exists(QLatin1String(kCertutil)))
        QSKIP("certutil (libnss3-tools) is not installed");

    TlsWorld world;
    QVERIFY(world.init());

    // A fresh HOME whose NSS database trusts the relay's CA (exactly docs/TLS.md).
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString nssdb = home.filePath(QStringLiteral(".pki/nssdb"));
    QVERIFY(QDir().mkpath(nssdb));
    QString out;
    QVERIFY2(runCertutil({QStringLiteral("-d"), QStringLiteral("sql:") + nssdb, QStringLiteral("-N"),
                          QStringLiteral("--empty-password")},
                         home.path(), &out),
             qPrintable(out));
    QVERIFY2(runCertutil({QStringLiteral("-d"), QStringLiteral("sql:") + nssdb, QStringLiteral("-A"), QStringLiteral("-t"),
                          QStringLiteral("C,,"), QStringLiteral("-n"), QStringLiteral("wslens"), QStringLiteral("-i"),
                          world.relayCa->certificateFilePath()},
                         home.path(), &out),
             qPrintable(out));

    // The real servers: certificates from the "server" CA, which only the relay trusts.
    auto wss = startWssServer(*world.serverCa, QStringLiteral("127.0.0.1"));
    QVERIFY(wss);
    HttpsPageServer https(world.serverCa->serverConfigurationFor(QStringLiteral("127.0.0.1")), pageHtml(wss->serverPort()));
    QVERIFY(https.listen(QHostAddress::LocalHost, 0));

    MemorySink sink;
    auto relay = startTlsRelay(world.interceptingProxy(), &sink);
    QVERIFY(relay);

    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    ChildProcess chromium;
    const QStringList args = headlessChromiumArgs(profile.path(), relay->listenPort(),
                                                  QStringLiteral("https://127.0.0.1:%1/").arg(https.serverPort()));
    QVERIFY2(chromium.start(chromiumBinary(), args, {QStringLiteral("HOME=") + home.path()}),
             qPrintable(chromium.errorString()));

    auto exchanged = [&] {
        return sink.messages(Direction::ClientToServer).size() >= 2 && sink.messages(Direction::ServerToClient).size() >= 2;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(exchanged(), qPrintable(QStringLiteral("page requests %1; connections: %2; chromium: %3")
                                                          .arg(https.pageRequests)
                                                          .arg(sink.connectionCount())
                                                          .arg(QString::fromLocal8Bit(chromium.allStderr().right(2000)))),
                              20000);
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed(), 5000);
    chromium.process().kill();
    chromium.waitForExit(5000);

    QCOMPARE(https.pageRequests, 1); // the page came through the intercepted tunnel
    const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
    const QList<QByteArray> down = sink.messages(Direction::ServerToClient);
    QCOMPARE(up.at(0), QByteArray("hello over wss from chromium"));
    QCOMPARE(down.at(0), QByteArray("hello over wss from chromium"));
    QCOMPARE(up.at(1), QByteArray("second 28"));
    QCOMPARE(down.at(1), QByteArray("second 28"));
    QList<ConnectionInfo> ws;
    for (const ConnectionInfo &c : sink.connections())
        if (c.responseStatus == 101)
            ws << c;
    QCOMPARE(ws.size(), 1);
    QCOMPARE(ws.first().url, QStringLiteral("wss://127.0.0.1:%1/chromium?x=1").arg(wss->serverPort()));
    QVERIFY(ws.first().tls);
    QVERIFY(!ws.first().insecureUpstream);
    QCOMPARE(ws.first().clientCloseCode, 1000);
    QCOMPARE(ws.first().clientCloseReason, QStringLiteral("page done"));
}

QTEST_GUILESS_MAIN(TestRelayTlsChromium)
#include "tst_relay_tls_chromium.moc"
