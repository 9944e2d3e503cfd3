// End to end: headless Chromium uses the relay as its HTTP proxy, loads a page
// from a local HTTP server, and the page's WebSocket exchange with a local
// server shows up in the capture.
#include "chromiumsupport.h"
#include "relaytestsupport.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace wslens;
using namespace wslens::test;

namespace {

QByteArray pageHtml(quint16 wsPort)
{
    return "<!doctype html><html><head><title>wslens</title></head><body><script>\n"
           "const ws = new WebSocket('ws://127.0.0.1:"
           + QByteArray::number(wsPort)
           + "/chromium?x=1');\n"
             "let n = 0;\n"
             "ws.onopen = () => ws.send('hello from chromium');\n"
             "ws.onmessage = (e) => { if (++n === 1) ws.send('second ' + e.data.length); else ws.close(1000, 'page done'); };\n"
             "</script></body></html>\n";
}

} // namespace

class TestRelayChromium : public QObject
{
    Q_OBJECT
private slots:
    void pageWebSocketIsCaptured();
};

void TestRelayChromium::pageWebSocketIsCaptured()
{
    if (!QFile::exists(chromiumBinary()))
        QSKIP("/usr/bin/chromium is not installed");

    // The page's WebSocket server: echoes with a prefix.
    QWebSocketServer wsServer(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
    QVERIFY(wsServer.listen(QHostAddress::LocalHost, 0));
    connect(&wsServer, &QWebSocketServer::newConnection, this, [&] {
        QWebSocket *ws = wsServer.nextPendingConnection();
        ws->setParent(&wsServer);
        connect(ws, &QWebSocket::textMessageReceived, ws,
                [ws](const QString &m) { ws->sendTextMessage(QStringLiteral("echo: ") + m); });
    });

    // A tiny HTTP server for the page (one response per request, keep-alive).
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost, 0));
    int pageRequests = 0;
    const QByteArray page = pageHtml(wsServer.serverPort());
    connect(&http, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = http.nextPendingConnection()) {
            s->setParent(&http);
            auto buffer = std::make_shared<QByteArray>();
            connect(s, &QTcpSocket::readyRead, s, [&, s, buffer] {
                *buffer += s->readAll();
                qsizetype end;
                while ((end = buffer->indexOf("\r\n\r\n")) >= 0) {
                    const QByteArray head = buffer->left(end);
                    buffer->remove(0, end + 4);
                    if (head.startsWith("GET / ")) {
                        ++pageRequests;
                        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nCache-Control: no-store\r\nContent-Length: "
                                 + QByteArray::number(page.size()) + "\r\n\r\n" + page);
                    } else {
                        s->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    }
                }
            });
        }
    });

    MemorySink sink;
    auto relay = startRelay(relay::RelayMode::ExplicitProxy, 0, &sink);
    QVERIFY(relay);

    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    ChildProcess chromium;
    const QStringList args = headlessChromiumArgs(profile.path(), relay->listenPort(),
                                                  QStringLiteral("http://127.0.0.1:%1/").arg(http.serverPort()));
    QVERIFY2(chromium.start(chromiumBinary(), args), qPrintable(chromium.errorString()));

    // Real time: Chromium needs a few seconds to start and load the page.
    auto exchanged = [&] {
        const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
        const QList<QByteArray> down = sink.messages(Direction::ServerToClient);
        return up.size() >= 2 && down.size() >= 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(exchanged(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(sink.allClosed(), 5000);
    chromium.process().kill();
    chromium.waitForExit(5000);

    QCOMPARE(pageRequests, 1); // the page itself came through the relay
    const QList<QByteArray> up = sink.messages(Direction::ClientToServer);
    const QList<QByteArray> down = sink.messages(Direction::ServerToClient);
    QCOMPARE(up.at(0), QByteArray("hello from chromium"));
    QCOMPARE(down.at(0), QByteArray("echo: hello from chromium"));
    QCOMPARE(up.at(1), QByteArray("second 25"));
    QCOMPARE(down.at(1), QByteArray("echo: second 25"));
    QList<ConnectionInfo> ws;
    for (const ConnectionInfo &c : sink.connections())
        if (c.responseStatus == 101)
            ws << c;
    QCOMPARE(ws.size(), 1);
    QCOMPARE(ws.first().url, QStringLiteral("ws://127.0.0.1:%1/chromium?x=1").arg(wsServer.serverPort()));
    QCOMPARE(ws.first().mode, ConnectionMode::ExplicitProxy);
    QCOMPARE(ws.first().clientCloseCode, 1000);
    QCOMPARE(ws.first().clientCloseReason, QStringLiteral("page done"));
}

QTEST_GUILESS_MAIN(TestRelayChromium)
#include "tst_relay_chromium.moc"
