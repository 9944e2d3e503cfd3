// `wslens replay` through the real binary: a session captured against our
// scripted server (`wslens send --save`) is replayed against the same server
// (exit 0), a changed one (exit 1, the report names each difference), with
// ignored JSON paths and masks; original timing at speed 10; reply timing;
// --save links the runs to what they replay; errors exit 2.

#include "testsupport.h"

#include "store/capturestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::test;

namespace {

// Server scripts in tests/replay/data: script_v1.json (the recorded server),
// script_new_ids.json (same answers with other ts and ids), script_broken.json
// (a renamed item and no "done": a real regression).

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
    qint64 ms = 0;
    QByteArray all() const { return QByteArray(out + err); }
};

} // namespace

class tst_ReplayCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameServerMatches();
    void changedServerDiffers();
    void ignoredPathsMatch_data();
    void ignoredPathsMatch();
    void regressionIsReported();
    void replyTiming();
    void originalTimingAtSpeed10();
    void saveLinksReplayRuns();
    void serveReplayIsAMock();
    void errors_data();
    void errors();

private:
    quint16 startServe(ChildProcess &serve, const QString &script); // a file in tests/replay/data
    Run replay(const QStringList &args);
    QJsonObject readReport(const QString &path);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QString m_session;       // captured against ScriptV1
    QString m_timedSession;  // written through the store: client messages 0, 1, 2, 3 s apart
};

quint16 tst_ReplayCli::startServe(ChildProcess &serve, const QString &script)
{
    const QString file = testDataPath(QStringLiteral("replay/data/") + script);
    if (!serve.start(wslensBinary(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                      QStringLiteral("--script"), file}))
        return 0;
    return portFromListeningLine(serve.waitForLine("listening on ", 10000));
}

Run tst_ReplayCli::replay(const QStringList &args)
{
    Run r;
    ChildProcess p;
    QElapsedTimer t;
    t.start();
    if (!p.start(wslensBinary(), QStringList{QStringLiteral("replay")} + args))
        return r;
    r.code = p.waitForExit(20000);
    r.ms = t.elapsed();
    r.out = p.allStdout();
    r.err = p.allStderr();
    return r;
}

QJsonObject tst_ReplayCli::readReport(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

void tst_ReplayCli::initTestCase()
{
    QVERIFY2(!wslensBinary().isEmpty(), "WSLENS_BINARY is not set");
    QVERIFY(m_dir.isValid());

    // Capture a real session: wslens send against the scripted server.
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_v1.json"));
    QVERIFY2(port, qPrintable(serve.errorString()));
    m_session = path(QStringLiteral("recorded.wslens"));
    ChildProcess send;
    QVERIFY(send.start(wslensBinary(), {QStringLiteral("send"), QStringLiteral("ws://127.0.0.1:%1/feed?x=1").arg(port),
                                        QStringLiteral("--header"), QStringLiteral("X-Test: replay"),
                                        QStringLiteral("--text"), QStringLiteral("hello"), QStringLiteral("--text"),
                                        QStringLiteral("get items"), QStringLiteral("--wait-replies"), QStringLiteral("3"),
                                        QStringLiteral("--save"), m_session}));
    QCOMPARE(send.waitForExit(15000), 0);

    // A session with known timing, written through the store API.
    m_timedSession = path(QStringLiteral("timed.wslens"));
    CaptureStore store;
    QVERIFY2(store.create(m_timedSession), qPrintable(store.errorString()));
    ConnectionInfo info;
    info.url = QStringLiteral("ws://127.0.0.1:9/timed");
    info.mode = ConnectionMode::LocalClient;
    info.requestTarget = "/timed";
    info.responseStatus = 101;
    const qint64 t0 = 1700000000000000;
    info.openedUs = t0 - 1000;
    info.handshakeDoneUs = t0;
    const quint64 id = store.openConnection(info);
    quint64 seq = 0;
    for (int i = 0; i < 4; ++i) {
        for (Direction dir : {Direction::ClientToServer, Direction::ServerToClient}) {
            FrameRecord f;
            f.connectionId = id;
            f.direction = dir;
            f.timestampUs = t0 + qint64(i) * 1000000 + (dir == Direction::ServerToClient ? 1000 : 0);
            f.header.opcode = Opcode::Text;
            f.header.fin = true;
            f.header.masked = dir == Direction::ClientToServer;
            f.payload = QByteArray("tick ") + QByteArray::number(i);
            f.header.payloadLength = quint64(f.payload.size());
            f.hasMessage = true;
            f.message = f.payload;
            f.seq = seq++;
            store.appendFrame(std::move(f));
        }
    }
    store.close();
}

void tst_ReplayCli::sameServerMatches()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_v1.json"));
    QVERIFY(port);
    const QString report = path(QStringLiteral("same.json"));
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--report"), report});
    QVERIFY2(r.code == 0, r.all().constData());
    QVERIFY2(r.out.contains("3 matched, 0 differing, 0 missing, 0 extra"), r.out.constData());
    const QJsonObject o = readReport(report);
    QCOMPARE(o.value(QLatin1String("summary")).toObject().value(QLatin1String("matched")).toInt(), 3);
    const QJsonArray connections = o.value(QLatin1String("connections")).toArray();
    QCOMPARE(connections.size(), 1);
    const QJsonObject c = connections.at(0).toObject();
    QCOMPARE(c.value(QLatin1String("sent")).toInt(), 2);
    // The recorded path and query are kept; only the authority comes from --target.
    QCOMPARE(c.value(QLatin1String("url")).toString(), QStringLiteral("ws://127.0.0.1:%1/feed?x=1").arg(port));
    QVERIFY(c.value(QLatin1String("differences")).toArray().isEmpty());
}

void tst_ReplayCli::changedServerDiffers()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_new_ids.json"));
    QVERIFY(port);
    const QString report = path(QStringLiteral("changed.json"));
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--report"), report});
    QVERIFY2(r.code == 1, r.all().constData());
    QVERIFY2(r.out.contains("1 matched, 2 differing, 0 missing, 0 extra"), r.out.constData());
    const QJsonObject o = readReport(report);
    const QJsonArray diffs = o.value(QLatin1String("connections")).toArray().at(0).toObject()
                                 .value(QLatin1String("differences")).toArray();
    QCOMPARE(diffs.size(), 2);
    const QJsonObject first = diffs.at(0).toObject();
    QCOMPARE(first.value(QLatin1String("index")).toInt(), 0);
    QCOMPARE(first.value(QLatin1String("result")).toString(), QStringLiteral("differing"));
    QCOMPARE(first.value(QLatin1String("expected")).toObject().value(QLatin1String("text")).toString(),
             QStringLiteral(R"({"greeting":"hi","ts":1000})"));
    QCOMPARE(first.value(QLatin1String("received")).toObject().value(QLatin1String("text")).toString(),
             QStringLiteral(R"({"greeting":"hi","ts":2000})"));
    QVERIFY(diffs.at(1).toObject().value(QLatin1String("received")).toObject().value(QLatin1String("text"))
                .toString().contains(QLatin1String("\"id\":71")));
}

void tst_ReplayCli::ignoredPathsMatch_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("ts and ids ignored") << QStringList{QStringLiteral("--ignore"), QStringLiteral("$.ts"), QStringLiteral("--ignore"),
                                                       QStringLiteral("$.items[*].id")} << 0;
    QTest::newRow("only ts ignored") << QStringList{QStringLiteral("--ignore"), QStringLiteral("$.ts")} << 1;
    QTest::newRow("numbers masked") << QStringList{QStringLiteral("--mask"), QStringLiteral("\\d+")} << 0;
    QTest::newRow("ts ignored, ids masked") << QStringList{QStringLiteral("--ignore"), QStringLiteral("$.ts"), QStringLiteral("--mask"),
                                                           QStringLiteral("\"id\":\\d+")} << 0;
}

void tst_ReplayCli::ignoredPathsMatch()
{
    QFETCH(QStringList, options);
    QFETCH(int, exitCode);
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_new_ids.json"));
    QVERIFY(port);
    const Run r = replay(QStringList{m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port)} + options);
    QVERIFY2(r.code == exitCode, r.all().constData());
}

void tst_ReplayCli::regressionIsReported()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_broken.json"));
    QVERIFY(port);
    const QString report = path(QStringLiteral("broken.json"));
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--ignore"), QStringLiteral("$.ts"), QStringLiteral("--reply-timeout"),
                          QStringLiteral("1"), QStringLiteral("--report"), report});
    QVERIFY2(r.code == 1, r.all().constData());
    QVERIFY2(r.out.contains("1 matched, 1 differing, 1 missing, 0 extra"), r.out.constData());
    QVERIFY2(r.out.contains("plum"), r.out.constData());
    const QJsonArray diffs = readReport(report).value(QLatin1String("connections")).toArray().at(0).toObject()
                                 .value(QLatin1String("differences")).toArray();
    QCOMPARE(diffs.size(), 2);
    QCOMPARE(diffs.at(1).toObject().value(QLatin1String("result")).toString(), QStringLiteral("missing"));
    QCOMPARE(diffs.at(1).toObject().value(QLatin1String("expected")).toObject().value(QLatin1String("text")).toString(),
             QStringLiteral("done"));
    QVERIFY(!diffs.at(1).toObject().contains(QLatin1String("received")));
}

void tst_ReplayCli::replyTiming()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_v1.json"));
    QVERIFY(port);
    const QString report = path(QStringLiteral("reply.json"));
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--timing"), QStringLiteral("reply"), QStringLiteral("--report"), report});
    QVERIFY2(r.code == 0, r.all().constData());
    const QJsonObject c = readReport(report).value(QLatin1String("connections")).toArray().at(0).toObject();
    QCOMPARE(c.value(QLatin1String("replyTimeouts")).toInt(), 0);
    QCOMPARE(c.value(QLatin1String("sent")).toInt(), 2);
}

void tst_ReplayCli::originalTimingAtSpeed10()
{
    ChildProcess serve;
    QVERIFY(serve.start(wslensBinary(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                         QStringLiteral("--echo")}));
    const quint16 port = portFromListeningLine(serve.waitForLine("listening on ", 10000));
    QVERIFY(port);
    const QString report = path(QStringLiteral("timed.json"));
    // Recorded: client messages at 0, 1, 2 and 3 s; at speed 10 they span ~300 ms.
    const Run r = replay({m_timedSession, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--timing"), QStringLiteral("original"), QStringLiteral("--speed"),
                          QStringLiteral("10"), QStringLiteral("--linger"), QStringLiteral("100"),
                          QStringLiteral("--report"), report});
    QVERIFY2(r.code == 0, r.all().constData());
    const QJsonObject c = readReport(report).value(QLatin1String("connections")).toArray().at(0).toObject();
    const qint64 span = c.value(QLatin1String("sendSpanMs")).toInteger();
    qInfo("send span %lld ms (recorded 3000 ms, speed 10), whole run %lld ms", span, r.ms);
    QVERIFY2(span >= 280 && span <= 900, qPrintable(QString::number(span)));
    QVERIFY2(r.ms < 2900, qPrintable(QString::number(r.ms))); // at speed 1 it alone would take 3 s
    QCOMPARE(c.value(QLatin1String("summary")).toObject().value(QLatin1String("matched")).toInt(), 4);
}

void tst_ReplayCli::saveLinksReplayRuns()
{
    ChildProcess serve;
    const quint16 port = startServe(serve, QStringLiteral("script_v1.json"));
    QVERIFY(port);
    const QString saved = path(QStringLiteral("saved.wslens"));
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port),
                          QStringLiteral("--save"), saved});
    QVERIFY2(r.code == 0, r.all().constData());

    CaptureStore original;
    QVERIFY(original.open(m_session));
    CaptureStore store;
    QVERIFY2(store.open(saved), qPrintable(store.errorString()));
    QCOMPARE(store.connectionCount(), original.connectionCount() + 1);
    const ConnectionInfo recorded = store.connectionAt(0);
    const ConnectionInfo run = store.connectionAt(store.connectionCount() - 1);
    QCOMPARE(run.mode, ConnectionMode::Replay);
    QCOMPARE(run.replayOf, recorded.id);
    QCOMPARE(recorded.url, original.connectionAt(0).url);
    // The recorded header went along; the run's frames are in the file.
    bool header = false;
    for (const auto &h : run.requestHeaders)
        header = header || (h.first == "X-Test" && h.second == "replay");
    QVERIFY(header);
    int runMessages = 0;
    for (quint64 row = 0; row < store.frameCount(); ++row) {
        const FrameSummary s = store.summary(row);
        if (s.connectionId == run.id && s.hasMessage && !Opcode::isControl(s.opcode))
            ++runMessages;
    }
    QCOMPARE(runMessages, 5); // 2 sent, 3 received
    QCOMPARE(store.frameCount() > original.frameCount(), true);
}

void tst_ReplayCli::serveReplayIsAMock()
{
    // The mock answers a replay of the same session exactly as recorded.
    ChildProcess serve;
    QVERIFY(serve.start(wslensBinary(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                         QStringLiteral("--replay"), m_session}));
    const quint16 port = portFromListeningLine(serve.waitForLine("listening on ", 10000));
    QVERIFY2(port, serve.allStderr().constData());
    const Run r = replay({m_session, QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%1").arg(port)});
    QVERIFY2(r.code == 0, r.all().constData());
    QVERIFY2(r.out.contains("3 matched, 0 differing"), r.out.constData());

    // A client saying something else is reported.
    ChildProcess send;
    QVERIFY(send.start(wslensBinary(), {QStringLiteral("send"), QStringLiteral("ws://127.0.0.1:%1/").arg(port),
                                        QStringLiteral("--text"), QStringLiteral("bogus")}));
    QCOMPARE(send.waitForExit(15000), 0);
    QTRY_VERIFY_WITH_TIMEOUT(serve.allStderr().contains("unexpected client message #0: expected hello, received bogus"), 5000);

    // A file that is not a session is a usage error.
    ChildProcess bad;
    QVERIFY(bad.start(wslensBinary(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                       QStringLiteral("--replay"), m_session + QStringLiteral(".nope")}));
    QCOMPARE(bad.waitForExit(15000), 2);
}

void tst_ReplayCli::errors_data()
{
    QTest::addColumn<QStringList>("args"); // %S% session, %DEAD% closed port, %TEXT% a text file
    QTest::addColumn<QByteArray>("stderrContains");
    QTest::newRow("missing file") << QStringList{} << QByteArray("missing session FILE");
    QTest::newRow("nonexistent file") << QStringList{QStringLiteral("%S%.nope")} << QByteArray("wslens replay:");
    QTest::newRow("not a session") << QStringList{QStringLiteral("%TEXT%")} << QByteArray("wslens replay:");
    QTest::newRow("bad timing") << QStringList{QStringLiteral("%S%"), QStringLiteral("--timing"), QStringLiteral("soon")}
                                << QByteArray("--timing");
    QTest::newRow("bad speed") << QStringList{QStringLiteral("%S%"), QStringLiteral("--speed"), QStringLiteral("0")}
                               << QByteArray("--speed");
    QTest::newRow("bad json path") << QStringList{QStringLiteral("%S%"), QStringLiteral("--ignore"), QStringLiteral("ts")}
                                   << QByteArray("must start with $");
    QTest::newRow("bad regex") << QStringList{QStringLiteral("%S%"), QStringLiteral("--mask"), QStringLiteral("(")}
                               << QByteArray("--mask");
    QTest::newRow("bad target") << QStringList{QStringLiteral("%S%"), QStringLiteral("--target"), QStringLiteral("http://x/")}
                                << QByteArray("--target");
    QTest::newRow("unknown connection") << QStringList{QStringLiteral("%S%"), QStringLiteral("--connection"), QStringLiteral("999")}
                                        << QByteArray("no connection 999");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("%S%"), QStringLiteral("--bogus")} << QByteArray("unknown option");
    QTest::newRow("cannot connect") << QStringList{QStringLiteral("%S%"), QStringLiteral("--target"), QStringLiteral("ws://127.0.0.1:%DEAD%")}
                                    << QByteArray("cannot connect");
}

void tst_ReplayCli::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, stderrContains);
    quint16 dead = 0;
    {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        dead = s.serverPort();
    }
    const QString text = path(QStringLiteral("notes.txt"));
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("just some notes\n");
    f.close();
    for (QString &a : args) {
        a.replace(QLatin1String("%S%"), m_session);
        a.replace(QLatin1String("%DEAD%"), QString::number(dead));
        a.replace(QLatin1String("%TEXT%"), text);
    }
    const Run r = replay(args);
    QVERIFY2(r.code == 2, r.all().constData());
    QVERIFY2(r.err.contains(stderrContains), r.err.constData());
    QCOMPARE(r.err.trimmed().count('\n'), 0); // one clear line
}

QTEST_GUILESS_MAIN(tst_ReplayCli)
#include "tst_replay_cli.moc"
