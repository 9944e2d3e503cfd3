// Server replay (mock): our server answers a real client (python3-websockets)
// from a recording, in order, and reports unexpected client messages.

#include "testsupport.h"

#include "endpoints/wsserver.h"
#include "replay/mockserver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::replay;
using namespace wslens::test;

namespace {

RecordedMessage msg(Direction d, const char *text, qint64 ms)
{
    RecordedMessage m;
    m.direction = d;
    m.opcode = Opcode::Text;
    m.data = QByteArray(text);
    m.timestampUs = 1700000000000000 + ms * 1000;
    return m;
}

const char Client[] = R"(import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1]) as ws:
        print(await ws.recv(), flush=True)
        await ws.send("hello")
        print(await ws.recv(), flush=True)
        await ws.send("get items")
        print(await ws.recv(), flush=True)
        print(await ws.recv(), flush=True)
        await ws.send("bogus")
        await asyncio.sleep(0.3)
asyncio.run(asyncio.wait_for(main(), 10))
)";

struct Unexpected
{
    QMutex mutex;
    QList<QPair<int, QByteArray>> seen; // index, received data
    QList<int> expectedOpcodes;
};

} // namespace

class tst_ReplayMock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void answersPythonClient_data();
    void answersPythonClient();
    void picksRecordingByPath_data();
    void picksRecordingByPath();
};

void tst_ReplayMock::answersPythonClient_data()
{
    QTest::addColumn<int>("timing");
    QTest::addColumn<int>("minMs"); // recorded gaps after the triggering messages, at speed 2
    QTest::newRow("asap") << int(Timing::Asap) << 0;
    QTest::newRow("original, speed 2") << int(Timing::Original) << 140; // 50 + 100 ms of gaps
}

void tst_ReplayMock::answersPythonClient()
{
    QFETCH(int, timing);
    QFETCH(int, minMs);
    RecordedConnection recording;
    recording.info.id = 1;
    recording.messages = {msg(Direction::ServerToClient, "welcome", 0),
                          msg(Direction::ClientToServer, "hello", 100),
                          msg(Direction::ServerToClient, R"({"greeting":"hi"})", 200),
                          msg(Direction::ClientToServer, "get items", 300),
                          msg(Direction::ServerToClient, "item 1", 400),
                          msg(Direction::ServerToClient, "item 2", 500)};
    Unexpected unexpected;
    MockOptions options;
    options.timing = Timing(timing);
    options.speed = 2;
    options.unexpected = [&unexpected](int index, const ComparedMessage &expected, const ComparedMessage &received) {
        QMutexLocker lock(&unexpected.mutex);
        unexpected.seen.append({index, received.data});
        unexpected.expectedOpcodes.append(expected.opcode);
    };
    endpoints::WsServer server;
    endpoints::ServerOptions so;
    so.behaviour = makeMockFactory(recording, options);
    QString error;
    QVERIFY2(server.listen(so, &error), qPrintable(error));

    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("client.py"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(Client);
    }
    ChildProcess client;
    QElapsedTimer t;
    t.start();
    QVERIFY(client.start(debianPython(), {script, server.url() + QStringLiteral("/mock")}));
    QCOMPARE(client.waitForExit(15000), 0);
    const qint64 ms = t.elapsed();
    QCOMPARE(client.allStdout(), QByteArray("welcome\n{\"greeting\":\"hi\"}\nitem 1\nitem 2\n"));
    if (minMs > 0)
        QVERIFY2(ms >= minMs, qPrintable(QString::number(ms)));

    QMutexLocker lock(&unexpected.mutex);
    QCOMPARE(unexpected.seen.size(), 1);
    QCOMPARE(unexpected.seen.at(0).first, 2);
    QCOMPARE(unexpected.seen.at(0).second, QByteArray("bogus"));
    QCOMPARE(unexpected.expectedOpcodes.at(0), 0); // nothing more was recorded
}

namespace {

RecordedConnection recordingOn(quint64 id, const char *target, const char *greeting)
{
    RecordedConnection r;
    r.info.id = id;
    r.info.url = QStringLiteral("ws://recorded.test") + QString::fromLatin1(target);
    r.info.requestTarget = target;
    r.messages = {msg(Direction::ServerToClient, greeting, 0), msg(Direction::ClientToServer, "ping?", 10),
                  msg(Direction::ServerToClient, greeting, 20)};
    return r;
}

// Connects with python3-websockets to each path in turn; prints the greeting
// or "closed CODE" per connection.
const char PathClient[] = R"(import asyncio, sys, websockets
async def one(url):
    try:
        async with websockets.connect(url) as ws:
            first = await ws.recv()
            await ws.send("ping?")
            second = await ws.recv()
            print(first if first == second else "mismatch", flush=True)
    except websockets.ConnectionClosed as e:
        print("closed", e.rcvd.code if e.rcvd else "none", flush=True)
async def main():
    for path in sys.argv[2:]:
        await one(sys.argv[1] + path)
asyncio.run(asyncio.wait_for(main(), 10))
)";

} // namespace

void tst_ReplayMock::picksRecordingByPath_data()
{
    QTest::addColumn<bool>("matchPath");
    QTest::addColumn<QStringList>("paths");
    QTest::addColumn<QByteArray>("expected");
    // Recordings: #1 /chat, #2 /feed?x=1, #3 /chat.
    QTest::newRow("same path cycles in order")
        << false << QStringList{QStringLiteral("/chat"), QStringLiteral("/chat"), QStringLiteral("/chat")}
        << QByteArray("chat one\nchat two\nchat one\n");
    QTest::newRow("path and query, then path only")
        << false << QStringList{QStringLiteral("/feed?x=1"), QStringLiteral("/feed?x=2")}
        << QByteArray("feed\nfeed\n");
    QTest::newRow("unknown path falls back to the recordings in order")
        << false << QStringList{QStringLiteral("/other"), QStringLiteral("/other")}
        << QByteArray("chat one\nfeed\n");
    QTest::newRow("unknown path refused with --match-path")
        << true << QStringList{QStringLiteral("/other"), QStringLiteral("/feed?x=1")}
        << QByteArray("closed 1008\nfeed\n");
}

void tst_ReplayMock::picksRecordingByPath()
{
    QFETCH(bool, matchPath);
    QFETCH(QStringList, paths);
    QFETCH(QByteArray, expected);

    MockOptions options;
    options.matchPath = matchPath;
    QMutex mutex;
    QStringList notices;
    options.notice = [&](const QString &line) {
        QMutexLocker lock(&mutex);
        notices.append(line);
    };
    endpoints::WsServer server;
    endpoints::ServerOptions so;
    so.behaviour = makeMockFactory(QList<RecordedConnection>{recordingOn(1, "/chat", "chat one"),
                                                             recordingOn(2, "/feed?x=1", "feed"),
                                                             recordingOn(3, "/chat", "chat two")},
                                   options);
    QString error;
    QVERIFY2(server.listen(so, &error), qPrintable(error));

    QTemporaryDir dir;
    const QString script = dir.filePath(QStringLiteral("client.py"));
    {
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(PathClient);
    }
    ChildProcess client;
    QVERIFY(client.start(debianPython(), QStringList{script, server.url()} + paths));
    QCOMPARE(client.waitForExit(15000), 0);
    QCOMPARE(client.allStdout(), expected);
    QMutexLocker lock(&mutex);
    QCOMPARE(notices.size(), paths.size());
    QVERIFY2(notices.constFirst().startsWith(QStringLiteral("client on ") + paths.constFirst()),
             qPrintable(notices.constFirst()));
}

QTEST_GUILESS_MAIN(tst_ReplayMock)
#include "tst_replay_mock.moc"
