// WsServer's graceful stop over loopback: every open connection gets a close
// frame 1001 (Going Away); peers that answer (QWebSocket, python3-websockets)
// let the stop end after a round trip, long before the grace period; a peer
// that never answers (raw python socket) is cut off when the grace period
// ends; handshakes in progress are dropped; the server listens again after;
// `wslens serve` stopped by SIGTERM closes its clients with 1001 too.

#include "peers.h"

#include "endpoints/wsserver.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace wslens;
using namespace wslens::test;

namespace {

enum class StopPeer { QtWebSocket, Python };
enum class StopMode { Blocking, Async }; // stop() / stopAsync()

QJsonObject jsonLine(ChildProcess &child, const QByteArray &prefix, int timeoutMs = 10000)
{
    const QByteArray rest = child.waitForLine(prefix, timeoutMs);
    if (rest.isEmpty())
        return {};
    return QJsonDocument::fromJson(prefix + rest).object();
}

// Runs the stop; returns the milliseconds until stopped() (-1: never).
qint64 stopServer(endpoints::WsServer &server, StopMode mode, QSignalSpy &stopped, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    if (mode == StopMode::Blocking) {
        server.stop();
        return stopped.size() == 1 ? clock.elapsed() : -1;
    }
    server.stopAsync();
    if (server.isListening() || !server.isStopping() || !stopped.isEmpty())
        return -1; // must return at once, stopping
    return QTest::qWaitFor([&] { return !stopped.isEmpty(); }, timeoutMs) ? clock.elapsed() : -1;
}

} // namespace

Q_DECLARE_METATYPE(StopPeer)
Q_DECLARE_METATYPE(StopMode)

class tst_ServerStop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peersGet1001_data();
    void peersGet1001();
    void silentPeerIsCutOff_data();
    void silentPeerIsCutOff();
    void handshakeInProgressIsDropped();
    void listensAgainAfterStop();
    void serveVerbSendsGoingAway();
};

void tst_ServerStop::peersGet1001_data()
{
    QTest::addColumn<StopPeer>("peer");
    QTest::addColumn<StopMode>("mode");
    // A QWebSocket lives on this thread: stop() would block the very loop it
    // needs to answer, so it gets the non-blocking stop only (as in the UI).
    QTest::newRow("QWebSocket, stopAsync") << StopPeer::QtWebSocket << StopMode::Async;
    QTest::newRow("python, stopAsync") << StopPeer::Python << StopMode::Async;
    QTest::newRow("python, stop") << StopPeer::Python << StopMode::Blocking;
}

void tst_ServerStop::peersGet1001()
{
    QFETCH(StopPeer, peer);
    QFETCH(StopMode, mode);
    endpoints::WsServer server;
    endpoints::ServerOptions options;
    options.stopGraceMs = 5000; // ending far sooner proves the peer's answer ended it
    QString error;
    QVERIFY2(server.listen(options, &error), qPrintable(error));
    QSignalSpy closed(&server, &endpoints::WsServer::connectionClosed);
    QSignalSpy stopped(&server, &endpoints::WsServer::stopped);
    const QString url = server.url() + QStringLiteral("/stop");

    QWebSocket socket;
    ChildProcess python;
    if (peer == StopPeer::QtWebSocket) {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(QUrl(url));
        QVERIFY(connected.wait(5000));
    } else {
        QVERIFY(startPeer(python, Peer::Python, QStringLiteral("py_handshake_client.py"),
                          {url, QStringLiteral("--wait-close")}));
        QVERIFY2(!jsonLine(python, "{\"subprotocol\"").isEmpty(), qPrintable(python.errorString()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 5000);

    const qint64 ms = stopServer(server, mode, stopped, 10000);
    QVERIFY2(ms >= 0, "stopped() did not come");
    QVERIFY2(ms < 2000, qPrintable(QStringLiteral("stop took %1 ms").arg(ms)));
    QVERIFY(!server.isListening());
    QVERIFY(!server.isStopping());
    QCOMPARE(server.connectionCount(), 0);

    if (peer == StopPeer::QtWebSocket) {
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(int(socket.closeCode()), 1001);
        QCOMPARE(socket.closeReason(), QStringLiteral("server stopping"));
    } else {
        const QJsonObject result = jsonLine(python, "{\"close_code\"");
        QCOMPARE(result.value(QLatin1String("close_code")).toInt(), 1001);
        QCOMPARE(result.value(QLatin1String("close_reason")).toString(), QStringLiteral("server stopping"));
        QCOMPARE(python.waitForExit(5000), 0);
    }
    // The server saw the close handshake complete: 1001 out, 1001 echoed back.
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
    QCOMPARE(closed.first().at(1).toInt(), 1001);
    QCOMPARE(closed.first().at(2).toInt(), 1001);
    QCOMPARE(closed.first().at(3).toString(), QString());
}

void tst_ServerStop::silentPeerIsCutOff_data()
{
    QTest::addColumn<StopMode>("mode");
    QTest::newRow("stop") << StopMode::Blocking;
    QTest::newRow("stopAsync") << StopMode::Async;
}

void tst_ServerStop::silentPeerIsCutOff()
{
    QFETCH(StopMode, mode);
    endpoints::WsServer server;
    endpoints::ServerOptions options; // default grace: 1 s
    QCOMPARE(options.stopGraceMs, 1000);
    QString error;
    QVERIFY2(server.listen(options, &error), qPrintable(error));
    QSignalSpy closed(&server, &endpoints::WsServer::connectionClosed);
    QSignalSpy stopped(&server, &endpoints::WsServer::stopped);
    ChildProcess deaf;
    QVERIFY(deaf.start(debianPython(), {testDataPath(QStringLiteral("endpoints/peers/py_deaf_client.py")),
                                        server.serverAddress().toString(), QString::number(server.serverPort())}));
    deaf.waitForLine("open");
    QVERIFY2(deaf.allStdout().startsWith("open\n"), qPrintable(deaf.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 5000);

    QElapsedTimer clock;
    clock.start();
    const qint64 ms = stopServer(server, mode, stopped, 5000);
    QVERIFY2(ms >= 900 && ms < 2000, qPrintable(QStringLiteral("stop took %1 ms").arg(ms)));
    // It got the close frame (1001, "server stopping") and then lost the connection.
    const QByteArray frame = deaf.waitForLine("frame ", 3000);
    QVERIFY2(frame.startsWith("881103e9"), frame.constData());
    QCOMPARE(deaf.waitForExit(3000), 0); // right after it saw the end of the connection
    QVERIFY2(clock.elapsed() < 2500, qPrintable(QStringLiteral("cut off after %1 ms").arg(clock.elapsed())));
    QVERIFY2(deaf.allStdout().endsWith("\neof\n") || deaf.allStdout().endsWith("\nreset\n"),
             deaf.allStdout().constData());
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
    QCOMPARE(closed.first().at(1).toInt(), -1);   // nothing from the peer
    QCOMPARE(closed.first().at(2).toInt(), 1001); // our close went out
    QVERIFY2(closed.first().at(3).toString().contains(QStringLiteral("no answer to the close within 1000 ms")),
             qPrintable(closed.first().at(3).toString()));
}

void tst_ServerStop::handshakeInProgressIsDropped()
{
    endpoints::WsServer server;
    QVERIFY(server.listen({}));
    QTcpSocket half; // connects, never sends its upgrade request
    QSignalSpy disconnected(&half, &QTcpSocket::disconnected);
    half.connectToHost(server.serverAddress(), server.serverPort());
    QVERIFY(half.waitForConnected(5000));
    QTest::qWait(50); // accepted by the server thread
    QSignalSpy stopped(&server, &endpoints::WsServer::stopped);
    QElapsedTimer clock;
    clock.start();
    server.stop();
    QVERIFY2(clock.elapsed() < 500, qPrintable(QStringLiteral("stop took %1 ms").arg(clock.elapsed())));
    QCOMPARE(stopped.size(), 1);
    QVERIFY(disconnected.wait(3000) || half.state() == QAbstractSocket::UnconnectedState);
}

void tst_ServerStop::listensAgainAfterStop()
{
    endpoints::WsServer server;
    QSignalSpy stopped(&server, &endpoints::WsServer::stopped);
    server.stop(); // not listening: nothing happens
    server.stopAsync();
    QCOMPARE(stopped.size(), 0);
    QVERIFY(server.listen({}));
    server.stopAsync();
    QVERIFY(server.isStopping());
    // listen() while stopping finishes that stop first, then listens.
    QVERIFY(server.listen({}));
    QCOMPARE(stopped.size(), 1);
    QVERIFY(server.isListening());
    QVERIFY(!server.isStopping());
    QWebSocket socket;
    QSignalSpy connected(&socket, &QWebSocket::connected);
    socket.open(QUrl(server.url()));
    QVERIFY(connected.wait(5000));
    QTest::qWait(100); // a late signal of the first run must not stop the second one
    QVERIFY(server.isListening());
    QCOMPARE(stopped.size(), 1);
}

void tst_ServerStop::serveVerbSendsGoingAway()
{
    QVERIFY2(!wslensBinary().isEmpty(), "WSLENS_BINARY is not set");
    ChildProcess serve;
    QVERIFY(serve.start(wslensBinary(), {QStringLiteral("serve"), QStringLiteral("--echo"), QStringLiteral("--listen"),
                                         QStringLiteral("127.0.0.1:0")}));
    const quint16 port = portFromListeningLine(serve.waitForLine("listening on "));
    QVERIFY2(port > 0, qPrintable(serve.errorString()));
    ChildProcess python;
    QVERIFY(startPeer(python, Peer::Python, QStringLiteral("py_handshake_client.py"),
                      {QStringLiteral("ws://127.0.0.1:%1/").arg(port), QStringLiteral("--wait-close")}));
    QVERIFY2(!jsonLine(python, "{\"subprotocol\"").isEmpty(), qPrintable(python.errorString()));
    serve.process().terminate(); // SIGTERM
    const QJsonObject result = jsonLine(python, "{\"close_code\"");
    QCOMPARE(result.value(QLatin1String("close_code")).toInt(), 1001);
    QCOMPARE(serve.waitForExit(5000), 0);
    QVERIFY2(serve.allStderr().contains("wslens serve: stopped"), serve.allStderr().constData());
}

QTEST_GUILESS_MAIN(tst_ServerStop)
#include "tst_server_stop.moc"
