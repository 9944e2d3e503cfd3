// Handshake breakpoints (issue 6): the relay holds the WebSocket upgrade
// request or the 101 response until the user forwards (maybe edited) or drops
// it. Real loopback: our echo server, the relay, QWebSocket or a raw client.
#include "interceptrig.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtTest>

using namespace wslens;
using namespace wslens::test;
using intercept::HeldKind;
using intercept::HeldMessage;
using intercept::HeldOutcome;
using intercept::Interceptor;

namespace {

using Rig = InterceptRig;

QByteArray headerOf(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return QByteArray();
}

QByteArray withHeader(QByteArray head, const QByteArray &line)
{
    const qsizetype end = head.indexOf("\r\n\r\n");
    head.insert(end + 2, line + "\r\n");
    return head;
}

const char *kRequestRule = R"J({"rules":[{"action":"breakpoint","handshake":"request","url":"/chat"}]})J";
const char *kResponseRule = R"J({"rules":[{"action":"breakpoint","handshake":"response"}]})J";

} // namespace

class TestInterceptHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestEdited();
    void responseEdited();
    void badEditRefused_data();
    void badEditRefused();
    void dropped_data();
    void dropped();
    void released_data();
    void released();
    void closedWhileHeld_data();
    void closedWhileHeld();
};

void TestInterceptHandshake::requestEdited()
{
    Rig rig;
    QVERIFY(rig.start(kRequestRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    QList<ConnectionInfo> serverOpened;
    connect(&rig.server, &endpoints::WsServer::connectionOpened, this,
            [&serverOpened](quint64, const ConnectionInfo &info) { serverOpened << info; });
    QWebSocket ws;
    QStringList received;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    const HeldMessage m = held.at(0).at(0).value<HeldMessage>();
    QCOMPARE(m.kind, HeldKind::HandshakeRequest);
    QCOMPARE(m.direction, Direction::ClientToServer);
    QVERIFY2(m.payload.startsWith("GET /chat HTTP/1.1\r\n"), m.payload.constData());
    QVERIFY(m.payload.endsWith("\r\n\r\n"));
    QCOMPARE(m.rule, 0);
    QTest::qWait(200);
    QCOMPARE(serverOpened.size(), 0); // nothing went to the server yet
    QCOMPARE(ws.state(), QAbstractSocket::ConnectingState);

    QByteArray edited = withHeader(m.payload, "X-Edited: 1");
    edited.replace("GET /chat ", "GET /edited?x=1 ");
    edited.replace("\r\n", "\n"); // an editor's line ends are fine
    QString error;
    QVERIFY2(rig.interceptor.forward(m.id, edited, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(serverOpened.size(), 1, 5000);
    const ConnectionInfo seen = serverOpened.at(0);
    QCOMPARE(seen.requestTarget, QByteArray("/edited?x=1"));
    QCOMPARE(headerOf(seen.requestHeaders, "X-Edited"), QByteArray("1"));
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 2000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Edited);
    QCOMPARE(rig.interceptor.heldCount(), 0);

    ws.sendTextMessage(QStringLiteral("echo me"));
    QTRY_COMPARE_WITH_TIMEOUT(received, QStringList{QStringLiteral("echo me")}, 5000);
    ws.close();
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const ConnectionInfo record = rig.sink.connections().at(0);
    QCOMPARE(record.requestTarget, QByteArray("/edited?x=1"));
    QCOMPARE(headerOf(record.requestHeaders, "X-Edited"), QByteArray("1"));
    QVERIFY2(record.url.endsWith(QLatin1String("/edited?x=1")), qPrintable(record.url));
    QCOMPARE(record.responseStatus, 101);
}

void TestInterceptHandshake::responseEdited()
{
    Rig rig;
    QVERIFY(rig.start(kResponseRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, rig.relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    client.write(rig.upgradeRequest());
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    const HeldMessage m = held.at(0).at(0).value<HeldMessage>();
    QCOMPARE(m.kind, HeldKind::HandshakeResponse);
    QCOMPARE(m.direction, Direction::ServerToClient);
    QVERIFY2(m.payload.startsWith("HTTP/1.1 101"), m.payload.constData());
    QTest::qWait(200);
    QCOMPARE(client.bytesAvailable(), qint64(0)); // the 101 waits

    QString error;
    QVERIFY2(rig.interceptor.forward(m.id, withHeader(m.payload, "X-Edited: 1"), &error), qPrintable(error));
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += client.readAll()).contains("\r\n\r\n"), 5000);
    QVERIFY2(got.startsWith("HTTP/1.1 101"), got.constData());
    QVERIFY2(got.contains("\r\nX-Edited: 1\r\n"), got.constData());
    // The connection works: a masked text frame "hi" comes back echoed (unmasked).
    client.write(QByteArray::fromHex("818237fa213d5f93"));
    QByteArray rest = got.mid(got.indexOf("\r\n\r\n") + 4);
    QTRY_VERIFY_WITH_TIMEOUT((rest += client.readAll()).size() >= 4, 5000);
    QCOMPARE(rest.left(4), QByteArray::fromHex("81026869"));
    client.abort();
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const ConnectionInfo record = rig.sink.connections().at(0);
    QCOMPARE(record.responseStatus, 101);
    QCOMPARE(headerOf(record.responseHeaders, "X-Edited"), QByteArray("1"));
    QCOMPARE(rig.sink.messages(Direction::ServerToClient), QList<QByteArray>{QByteArray("hi")});
}

void TestInterceptHandshake::badEditRefused_data()
{
    QTest::addColumn<bool>("request");
    QTest::addColumn<QByteArray>("edited");
    QTest::addColumn<QString>("error");
    QTest::newRow("request garbage") << true << QByteArray("hello there") << QStringLiteral("does not parse");
    QTest::newRow("request bad header") << true << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n")
                                        << QStringLiteral("does not parse");
    QTest::newRow("request with body") << true << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody")
                                       << QStringLiteral("text after its blank line");
    QTest::newRow("response not 101") << false << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                                      << QStringLiteral("must stay 101");
    QTest::newRow("response garbage") << false << QByteArray("nope") << QStringLiteral("does not parse");
}

void TestInterceptHandshake::badEditRefused()
{
    QFETCH(bool, request);
    QFETCH(QByteArray, edited);
    QFETCH(QString, error);
    Rig rig;
    QVERIFY(rig.start(request ? kRequestRule : kResponseRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    QWebSocket ws;
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    const HeldMessage m = held.at(0).at(0).value<HeldMessage>();
    QString why;
    QVERIFY(!rig.interceptor.forward(m.id, edited, &why));
    QVERIFY2(why.contains(error), qPrintable(why));
    QCOMPARE(rig.interceptor.heldCount(), 1); // still held, unchanged
    QCOMPARE(rig.interceptor.heldMessages().at(0).payload, m.payload);
    QTest::qWait(100);
    QCOMPARE(released.size(), 0);
    QCOMPARE(ws.state(), QAbstractSocket::ConnectingState);
    QVERIFY(rig.interceptor.forward(m.id)); // as it was
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 2000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Forwarded);
    ws.close();
}

void TestInterceptHandshake::dropped_data()
{
    QTest::addColumn<bool>("request");
    QTest::newRow("request") << true;
    QTest::newRow("response") << false;
}

void TestInterceptHandshake::dropped()
{
    QFETCH(bool, request);
    Rig rig;
    QVERIFY(rig.start(request ? kRequestRule : kResponseRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, rig.relay->listenPort());
    QVERIFY(client.waitForConnected(3000));
    client.write(rig.upgradeRequest());
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    const HeldMessage m = held.at(0).at(0).value<HeldMessage>();
    QVERIFY(rig.interceptor.drop(m.id));
    QByteArray got;
    QTRY_VERIFY_WITH_TIMEOUT((got += client.readAll()).contains("dropped at a breakpoint"), 5000);
    QVERIFY2(got.startsWith("HTTP/1.1 502"), got.constData());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 2000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Dropped);
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const ConnectionInfo record = rig.sink.connections().at(0);
    QVERIFY2(record.error.contains(QLatin1String("dropped at a breakpoint")), qPrintable(record.error));
    QCOMPARE(record.responseStatus, 502);
}

void TestInterceptHandshake::released_data()
{
    QTest::addColumn<bool>("request");
    QTest::addColumn<bool>("disable"); // else forwardAll
    QTest::newRow("request, disable") << true << true;
    QTest::newRow("response, disable") << false << true;
    QTest::newRow("request, forward all") << true << false;
    QTest::newRow("response, forward all") << false << false;
}

void TestInterceptHandshake::released()
{
    QFETCH(bool, request);
    QFETCH(bool, disable);
    Rig rig;
    QVERIFY(rig.start(request ? kRequestRule : kResponseRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    QWebSocket ws;
    QStringList received;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    QTest::qWait(100);
    QCOMPARE(ws.state(), QAbstractSocket::ConnectingState);
    if (disable)
        rig.interceptor.setEnabled(false);
    else
        rig.interceptor.forwardAll();
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 2000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Forwarded);
    QCOMPARE(rig.interceptor.heldCount(), 0);
    ws.sendTextMessage(QStringLiteral("x"));
    QTRY_COMPARE_WITH_TIMEOUT(received, QStringList{QStringLiteral("x")}, 5000);
    ws.close();
}

void TestInterceptHandshake::closedWhileHeld_data()
{
    dropped_data();
}

void TestInterceptHandshake::closedWhileHeld()
{
    QFETCH(bool, request);
    Rig rig;
    QVERIFY(rig.start(request ? kRequestRule : kResponseRule));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, rig.relay->listenPort());
        QVERIFY(client.waitForConnected(3000));
        client.write(rig.upgradeRequest());
        QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
        client.abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 5000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Discarded);
    QCOMPARE(rig.interceptor.heldCount(), 0);
    const quint64 id = held.at(0).at(0).value<HeldMessage>().id;
    QVERIFY(!rig.interceptor.forward(id)); // gone
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    QVERIFY(!rig.sink.connections().at(0).error.isEmpty());
}

QTEST_GUILESS_MAIN(TestInterceptHandshake)
#include "tst_intercept_handshake.moc"
