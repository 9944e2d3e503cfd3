// The relay with intercept rules between real peers over loopback: our echo
// server <- relay with an Interceptor <- python3-websockets (permessage-deflate
// negotiated) or QWebSocket. Replace, drop, order, breakpoint + edit, inject
// both ways, capture marks, a held message whose connection closes.
#include "interceptrig.h"
#include "streamtestsupport.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QWebSocket>

using namespace wslens;
using namespace wslens::test;
using intercept::HeldMessage;
using intercept::HeldOutcome;
using intercept::Interceptor;

namespace {

intercept::RuleList rulesFrom(const QByteArray &json)
{
    intercept::RuleList rules;
    QString error;
    if (!intercept::parseRules(json, &rules, &error))
        qFatal("bad test rules: %s", qPrintable(error));
    return rules;
}

using Rig = InterceptRig;

std::vector<FrameRecord> marked(const MemorySink &sink, EditMark mark)
{
    std::vector<FrameRecord> out;
    for (const Direction d : {Direction::ClientToServer, Direction::ServerToClient})
        for (const FrameRecord &f : sink.frames(d))
            if (f.edit == mark)
                out.push_back(f);
    return out;
}

} // namespace

class TestInterceptRelay : public QObject
{
    Q_OBJECT
private slots:
    void pythonReplaceAndDrop_data();
    void pythonReplaceAndDrop();
    void breakpointEditForward();
    void injectBothWays();
    void heldDiscardedOnClose();
    void disablingReleasesHeld();
    void heldBacklogPausesSender();
    void forwardFragmented_data();
    void forwardFragmented();
};

void TestInterceptRelay::pythonReplaceAndDrop_data()
{
    QTest::addColumn<QByteArray>("rules");
    QTest::addColumn<QStringList>("sent");
    QTest::addColumn<QStringList>("expected");
    const QString longText = QStringLiteral("compressible text foo7 ").repeated(60);
    QTest::newRow("replace c2s, drop s2c")
        << QByteArray(R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo(\\d+)","replace":"bar\\1"},
                                    {"action":"drop","direction":"s2c","match":"^secret"}]})J")
        << QStringList{QStringLiteral("foo1"), QStringLiteral("hello"), QStringLiteral("secret stuff"),
                       QStringLiteral("foo22 and foo3"), longText, QStringLiteral("done")}
        << QStringList{QStringLiteral("bar1"), QStringLiteral("hello"), QStringLiteral("bar22 and bar3"),
                       QString(longText).replace(QStringLiteral("foo7"), QStringLiteral("bar7")), QStringLiteral("done")};
    // Edits on the way back (server -> client): the relay compresses them for the client.
    QTest::newRow("replace s2c, drop c2s")
        << QByteArray(R"J({"rules":[{"action":"replace","direction":"s2c","match":"text","replace":"TEXT"},
                                    {"action":"drop","direction":"c2s","match":"^drop me"}]})J")
        << QStringList{longText, QStringLiteral("drop me"), longText + QStringLiteral("!"), QStringLiteral("done")}
        << QStringList{QString(longText).replace(QStringLiteral("text"), QStringLiteral("TEXT")),
                       QString(longText).replace(QStringLiteral("text"), QStringLiteral("TEXT")) + QStringLiteral("!"),
                       QStringLiteral("done")};
}

void TestInterceptRelay::pythonReplaceAndDrop()
{
    QFETCH(QByteArray, rules);
    QFETCH(QStringList, sent);
    QFETCH(QStringList, expected);
    if (!QFile::exists(debianPython()))
        QSKIP("Debian's python3 is missing");
    Rig rig;
    QVERIFY(rig.start(rules));
    ChildProcess client;
    const QByteArray messages = QJsonDocument(QJsonArray::fromStringList(sent)).toJson(QJsonDocument::Compact);
    QVERIFY(client.start(debianPython(), {testDataPath(QStringLiteral("intercept/peers/py_intercept_client.py")),
                                          rig.url().toString(), QString::fromUtf8(messages)}));
    const int rc = client.waitForExit(20000);
    const QByteArray out = client.allStdout();
    QVERIFY2(rc == 0, qPrintable(QString::fromUtf8(out + client.allStderr())));
    QVERIFY2(out.contains("extensions: permessage-deflate"), out.constData());
    const qsizetype at = out.indexOf("received: ");
    QVERIFY(at >= 0);
    const QJsonArray got = QJsonDocument::fromJson(out.mid(at + 10)).array();
    QStringList received;
    for (const QJsonValue &v : got)
        received << v.toString();
    QCOMPARE(received, expected);

    // Captured with marks: replaced frames keep the original, dropped ones are recorded.
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const auto replaced = marked(rig.sink, EditMark::Replaced);
    QVERIFY(!replaced.empty());
    for (const FrameRecord &f : replaced) {
        QCOMPARE(f.violation, Violation::None);
        QVERIFY(f.hasMessage);
        QVERIFY(!f.original.isEmpty());
        QVERIFY(f.original != f.message);
    }
    const auto dropped = marked(rig.sink, EditMark::Dropped);
    QCOMPARE(dropped.size(), std::size_t(1));
    QVERIFY(dropped.front().original.startsWith("secret") || dropped.front().original.startsWith("drop me"));
    // No violation anywhere: the far side got valid frames.
    for (const Direction d : {Direction::ClientToServer, Direction::ServerToClient})
        for (const FrameRecord &f : rig.sink.frames(d))
            QCOMPARE(f.violation, Violation::None);
    QVERIFY(rig.interceptor.hitCount(0) >= 1);
}

void TestInterceptRelay::breakpointEditForward()
{
    Rig rig;
    QVERIFY(rig.start(R"J({"rules":[{"action":"breakpoint","direction":"c2s","match":"^hold"}]})J"));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    QWebSocket ws;
    QStringList received;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    ws.sendTextMessage(QStringLiteral("first"));
    ws.sendTextMessage(QStringLiteral("hold me"));
    ws.sendTextMessage(QStringLiteral("after"));
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    const HeldMessage m = held.at(0).at(0).value<HeldMessage>();
    QCOMPARE(m.payload, QByteArray("hold me"));
    QCOMPARE(m.direction, Direction::ClientToServer);
    QCOMPARE(rig.interceptor.heldCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(received, QStringList{QStringLiteral("first")}, 5000);
    QTest::qWait(200);
    QCOMPARE(received, QStringList{QStringLiteral("first")}); // "after" waits behind the held message
    QVERIFY(rig.interceptor.forward(m.id, QByteArray("edited!")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 5000);
    QCOMPARE(received, (QStringList{QStringLiteral("first"), QStringLiteral("edited!"), QStringLiteral("after")}));
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 2000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Edited);
    QCOMPARE(rig.interceptor.heldCount(), 0);
    QVERIFY(!rig.interceptor.forward(m.id)); // gone
    ws.close();
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const auto replaced = marked(rig.sink, EditMark::Replaced);
    QCOMPARE(replaced.size(), std::size_t(1));
    QCOMPARE(replaced.front().message, QByteArray("edited!"));
    QCOMPARE(replaced.front().original, QByteArray("hold me"));
    QVERIFY(replaced.front().header.masked);
}

void TestInterceptRelay::injectBothWays()
{
    Rig rig;
    QVERIFY(rig.start(R"J({"rules":[]})J"));
    QSignalSpy opened(rig.relay.get(), &relay::Relay::connectionOpened);
    QWebSocket ws;
    QStringList received;
    QByteArray binary;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
    connect(&ws, &QWebSocket::binaryMessageReceived, this, [&binary](const QByteArray &m) { binary = m; });
    QByteArray pong;
    connect(&ws, &QWebSocket::pong, this, [](quint64, const QByteArray &) {});
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 5000);
    const quint64 id = opened.at(0).at(0).toULongLong();
    QTRY_VERIFY_WITH_TIMEOUT(rig.interceptor.liveConnections().contains(id), 5000);
    QVERIFY(!rig.interceptor.inject(id + 1000, Direction::ServerToClient, {Opcode::Text, "x"}));
    QVERIFY(rig.interceptor.inject(id, Direction::ServerToClient, {Opcode::Text, "to the client"}));
    QVERIFY(rig.interceptor.inject(id, Direction::ClientToServer, {Opcode::Text, "to the server"})); // echoed back
    QVERIFY(rig.interceptor.inject(id, Direction::ServerToClient, {Opcode::Binary, QByteArray("\x00\xff", 2)}));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received, (QStringList{QStringLiteral("to the client"), QStringLiteral("to the server")}));
    QTRY_COMPARE_WITH_TIMEOUT(binary, QByteArray("\x00\xff", 2), 5000);
    // A close injected toward the client ends the connection with its code.
    QSignalSpy disconnected(&ws, &QWebSocket::disconnected);
    QVERIFY(rig.interceptor.inject(id, Direction::ServerToClient, intercept::InterceptMessage::closeMessage(4001, "bye")));
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
    QCOMPARE(int(ws.closeCode()), 4001);
    QCOMPARE(ws.closeReason(), QStringLiteral("bye"));
    ws.abort();
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const auto injected = marked(rig.sink, EditMark::Injected);
    QCOMPARE(injected.size(), std::size_t(4));
    int c2s = 0;
    for (const FrameRecord &f : injected) {
        c2s += f.direction == Direction::ClientToServer ? 1 : 0;
        QCOMPARE(f.header.masked, f.direction == Direction::ClientToServer);
        QCOMPARE(f.violation, Violation::None);
    }
    QCOMPARE(c2s, 1);
}

void TestInterceptRelay::heldDiscardedOnClose()
{
    Rig rig;
    QVERIFY(rig.start(R"J({"rules":[{"action":"hold","direction":"c2s"}]})J"));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QSignalSpy released(&rig.interceptor, &Interceptor::heldReleased);
    {
        QWebSocket ws;
        ws.open(rig.url());
        QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
        ws.sendTextMessage(QStringLiteral("never delivered"));
        QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
        ws.abort();
    }
    QTRY_COMPARE_WITH_TIMEOUT(released.size(), 1, 5000);
    QCOMPARE(released.at(0).at(1).value<HeldOutcome>(), HeldOutcome::Discarded);
    QCOMPARE(rig.interceptor.heldCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    const auto dropped = marked(rig.sink, EditMark::Dropped);
    QCOMPARE(dropped.size(), std::size_t(1));
    QCOMPARE(dropped.front().message, QByteArray("never delivered"));
}

void TestInterceptRelay::disablingReleasesHeld()
{
    Rig rig;
    QVERIFY(rig.start(R"J({"rules":[{"action":"hold","direction":"s2c"}]})J"));
    QSignalSpy held(&rig.interceptor, &Interceptor::messageHeld);
    QWebSocket ws;
    QStringList received;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
    ws.open(rig.url());
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    ws.sendTextMessage(QStringLiteral("a"));
    ws.sendTextMessage(QStringLiteral("b"));
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 2, 5000);
    QVERIFY(received.isEmpty());
    rig.interceptor.setEnabled(false);
    QTRY_COMPARE_WITH_TIMEOUT(received, (QStringList{QStringLiteral("a"), QStringLiteral("b")}), 5000);
    ws.sendTextMessage(QStringLiteral("c")); // no longer held
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 5000);
    QCOMPARE(rig.interceptor.heldCount(), 0);
    ws.close();
}

void TestInterceptRelay::heldBacklogPausesSender()
{
    // While a message is held, what queues behind it is bounded (8 MiB): the
    // relay stops reading the sender, TCP pushes back, nothing is lost.
    RawUpgradeServer server;
    MemorySink sink;
    Interceptor interceptor;
    QString why;
    QVERIFY(interceptor.setRules(rulesFrom(R"J({"rules":[{"action":"hold","direction":"c2s","match":"^first"}]})J"), &why));
    relay::Relay relay;
    relay::RelayConfig cfg;
    cfg.mode = relay::RelayMode::ReverseProxy;
    cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.port()));
    relay.setConfig(cfg);
    relay.setCaptureSink(&sink);
    relay.setInterceptor(&interceptor);
    QVERIFY(relay.start());
    QSignalSpy held(&interceptor, &Interceptor::messageHeld);
    RawUpgradeClient client;
    QVERIFY(client.connectAndUpgrade(relay.listenPort(), "/backlog"));
    QByteArray stream = FrameWriter::frame(FrameSpec{Opcode::Text, 0, true, true}, "first");
    const QByteArray big = FrameWriter::frame(FrameSpec{Opcode::Binary, 0, true, true}, QByteArray(1 << 20, 'b'));
    for (int i = 0; i < 48; ++i)
        stream += big;
    client.socket().write(stream);
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 5000);
    QTest::qWait(1500);
    // Most of the 48 MiB is still on our side: the relay stopped reading.
    QVERIFY2(client.socket().bytesToWrite() > (16 << 20),
             qPrintable(QString::number(client.socket().bytesToWrite())));
    QVERIFY(server.received().isEmpty()); // everything waits behind the held message
    interceptor.forwardAll();
    QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), stream.size(), 15000);
    Receiver rx(Role::Client, false);
    rx.feed(server.received());
    QCOMPARE(rx.messages.size(), 49);
    QCOMPARE(rx.messages.front().payload, QByteArray("first"));
    relay.stop();
}

void TestInterceptRelay::forwardFragmented_data()
{
    QTest::addColumn<bool>("python"); // python3-websockets with permessage-deflate, else QWebSocket (no deflate)
    QTest::addColumn<bool>("toServer");
    QTest::addColumn<int>("fragments");
    QTest::newRow("qwebsocket c2s 3") << false << true << 3;
    QTest::newRow("qwebsocket s2c 4") << false << false << 4;
    QTest::newRow("qwebsocket c2s 1") << false << true << 1;
    QTest::newRow("python deflate c2s 3") << true << true << 3;
    QTest::newRow("python deflate s2c 5") << true << false << 5;
}

void TestInterceptRelay::forwardFragmented()
{
    QFETCH(bool, python);
    QFETCH(bool, toServer);
    QFETCH(int, fragments);
    if (python && !QFile::exists(debianPython()))
        QSKIP("Debian's python3 is missing");
    Rig rig;
    QVERIFY(rig.start(toServer ? R"J({"rules":[{"action":"breakpoint","direction":"c2s","match":"^fragment"}]})J"
                               : R"J({"rules":[{"action":"breakpoint","direction":"s2c","match":"^fragment"}]})J"));
    const QByteArray edited("FRAGMENTED EDIT: the quick brown fox jumps over the lazy dog 0123456789");
    QString forwardError;
    connect(&rig.interceptor, &Interceptor::messageHeld, this, [&](const HeldMessage &m) {
        if (!rig.interceptor.forward(m.id, edited, &forwardError, fragments))
            forwardError = QStringLiteral("forward refused");
    });
    QStringList received;
    if (python) {
        ChildProcess client;
        QVERIFY(client.start(debianPython(), {testDataPath(QStringLiteral("intercept/peers/py_intercept_client.py")),
                                              rig.url().toString(), QStringLiteral("[\"fragment me\", \"done\"]")}));
        // The held message is forwarded from this thread's event loop: keep it running.
        QTRY_VERIFY_WITH_TIMEOUT(client.process().state() == QProcess::NotRunning, 20000);
        const int rc = client.waitForExit(2000);
        const QByteArray out = client.allStdout();
        QVERIFY2(rc == 0, qPrintable(QString::fromUtf8(out + client.allStderr())));
        QVERIFY2(out.contains("extensions: permessage-deflate"), out.constData());
        const qsizetype at = out.indexOf("received: ");
        QVERIFY(at >= 0);
        for (const QJsonValue &v : QJsonDocument::fromJson(out.mid(at + 10)).array())
            received << v.toString();
    } else {
        QWebSocket ws;
        connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &m) { received << m; });
        ws.open(rig.url());
        QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
        ws.sendTextMessage(QStringLiteral("fragment me"));
        ws.sendTextMessage(QStringLiteral("done"));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
        ws.close();
    }
    QVERIFY2(forwardError.isEmpty(), qPrintable(forwardError));
    QCOMPARE(received, (QStringList{QString::fromLatin1(edited), QStringLiteral("done")}));
    QTRY_VERIFY_WITH_TIMEOUT(rig.sink.connectionCount() == 1 && rig.sink.allClosed(), 5000);
    // The edit went out as `fragments` frames: opcode then continuations, FIN last, RSV1 only first.
    std::vector<FrameRecord> frames;
    for (const FrameRecord &f : rig.sink.frames(toServer ? Direction::ClientToServer : Direction::ServerToClient))
        if (f.edit == EditMark::Replaced)
            frames.push_back(f);
    QCOMPARE(int(frames.size()), fragments);
    for (int i = 0; i < fragments; ++i) {
        const FrameHeader &h = frames[std::size_t(i)].header;
        QCOMPARE(frames[std::size_t(i)].violation, Violation::None);
        QCOMPARE(int(h.opcode), i == 0 ? int(Opcode::Text) : int(Opcode::Continuation));
        QCOMPARE(h.fin, i == fragments - 1);
        QCOMPARE(h.masked, toServer);
        QCOMPARE(bool(h.rsv & Rsv::Rsv1), python && i == 0);
    }
    QVERIFY(frames.back().hasMessage);
    QCOMPARE(frames.back().message, edited);
    QCOMPARE(frames.back().original, QByteArray("fragment me"));
}

QTEST_GUILESS_MAIN(TestInterceptRelay)
#include "tst_intercept_relay.moc"
