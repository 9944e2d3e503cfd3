// HAR: Chrome DevTools fixture import, export + import round trip, bad HAR.

#include "storetestutil.h"
#include "testsupport.h"

#include "store/capturestore.h"
#include "store/har.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wslens;
using namespace wslens::test;

namespace {

struct Msg
{
    quint64 conn;
    Direction dir;
    qint64 us;
    quint8 opcode;
    QByteArray data;
};

// Data messages of a store, as a HAR keeps them.
QList<Msg> messagesOf(const CaptureStore &store)
{
    QList<Msg> out;
    quint8 open[2] = {Opcode::Binary, Opcode::Binary};
    for (quint64 row = 0; row < store.frameCount(); ++row) {
        const FrameRecord f = store.frame(row);
        quint8 &cur = open[int(f.direction)];
        if (f.header.opcode == Opcode::Text || f.header.opcode == Opcode::Binary)
            cur = f.header.opcode;
        else if (f.header.opcode != Opcode::Continuation)
            continue;
        if (f.hasMessage)
            out.append({f.connectionId, f.direction, f.timestampUs, cur, f.message});
    }
    return out;
}

FrameRecord message(quint64 conn, Direction dir, qint64 us, quint8 opcode, const QByteArray &data, bool fin = true,
                    bool hasMessage = true)
{
    FrameRecord f;
    f.connectionId = conn;
    f.direction = dir;
    f.timestampUs = us;
    f.header.opcode = opcode;
    f.header.fin = fin;
    f.header.masked = dir == Direction::ClientToServer;
    f.header.maskKey = f.header.masked ? 0xa1b2c3d4 : 0;
    f.header.payloadLength = quint64(data.size());
    f.payload = data;
    f.hasMessage = hasMessage;
    if (hasMessage)
        f.message = data;
    return f;
}

} // namespace

class tst_Har : public QObject
{
    Q_OBJECT
private slots:
    void importChromeFixture();
    void exportThenImportKeepsEverything();
    void exportLooksLikeChrome();
    void badHar_data();
    void badHar();
    void oddMessagesAreSkipped();
};

void tst_Har::importChromeFixture()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const har::ImportResult r = har::importHarFile(testDataPath(QStringLiteral("store/data/chrome.har")), store);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.connections, 1);
    QCOMPARE(r.skippedEntries, 1); // the page load
    QCOMPARE(r.messages, quint64(5));
    store.flush();
    QCOMPARE(store.connectionCount(), 1);
    const ConnectionInfo c = store.connectionAt(0);
    QCOMPARE(c.mode, ConnectionMode::Imported);
    QCOMPARE(c.url, QStringLiteral("ws://127.0.0.1:8000/ws?room=a%20b"));
    QCOMPARE(c.requestTarget, QByteArrayLiteral("/ws?room=a%20b"));
    QCOMPARE(c.requestHeaders.size(), 7);
    QCOMPARE(c.requestHeaders[5].first, QByteArrayLiteral("Sec-WebSocket-Key"));
    QCOMPARE(c.requestHeaders[5].second, QByteArrayLiteral("dGhlIHNhbXBsZSBub25jZQ=="));
    QCOMPARE(c.responseStatus, 101);
    QCOMPARE(c.responseReason, QByteArrayLiteral("Switching Protocols"));
    QCOMPARE(c.responseHeaders.size(), 4);
    QCOMPARE(c.extensions, QByteArrayLiteral("permessage-deflate"));
    QCOMPARE(c.serverEndpoint, QStringLiteral("127.0.0.1:8000"));
    QCOMPARE(c.openedUs, QDateTime::fromString(QStringLiteral("2024-05-02T10:15:30.041Z"), Qt::ISODateWithMs).toMSecsSinceEpoch() * 1000);

    QCOMPARE(store.frameCount(), quint64(5));
    const FrameRecord f0 = store.frame(0);
    QCOMPARE(f0.direction, Direction::ClientToServer);
    QCOMPARE(f0.timestampUs, qint64(1714644930052314));
    QCOMPARE(f0.header.opcode, Opcode::Text);
    QCOMPARE(f0.message, QByteArrayLiteral("hello"));
    QVERIFY(f0.header.fin && f0.hasMessage);
    const FrameRecord f1 = store.frame(1);
    QCOMPARE(f1.direction, Direction::ServerToClient);
    QCOMPARE(QString::fromUtf8(f1.message), QStringLiteral("héllo wörld ✓ 🚀"));
    QCOMPARE(f1.header.payloadLength, quint64(f1.message.size()));
    const FrameRecord f2 = store.frame(2);
    QCOMPARE(f2.header.opcode, Opcode::Binary);
    QCOMPARE(f2.message, QByteArray("\x00\x01\x02\xfe\xff\x80", 6));
    QCOMPARE(f2.timestampUs, qint64(1714644930251000));
    const FrameRecord f3 = store.frame(3);
    QVERIFY(f3.hasMessage);
    QVERIFY(f3.message.isEmpty());
    QCOMPARE(f3.header.opcode, Opcode::Text);
    QCOMPARE(store.frame(4).header.opcode, Opcode::Binary);
    QCOMPARE(store.frame(4).timestampUs, qint64(1714644931999999));
}

void tst_Har::exportThenImportKeepsEverything()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    ConnectionInfo a = sampleConnection(1);
    a.clientCloseCode = 1000;
    a.serverCloseCode = 1000;
    a.clientCloseReason = QStringLiteral("done ✓");
    a.closedUs = a.openedUs + 9000000;
    const quint64 c1 = store.openConnection(a);
    const quint64 c2 = store.openConnection(sampleConnection(2));
    const qint64 t0 = 1700000000123456;
    store.appendFrame(message(c1, Direction::ClientToServer, t0, Opcode::Text, "first"));
    store.appendFrame(message(c2, Direction::ServerToClient, t0 + 1, Opcode::Binary, QByteArray("\x00\xff\x10", 3)));
    store.appendFrame(message(c1, Direction::ServerToClient, t0 + 999, Opcode::Text, QByteArray()));
    store.appendFrame(message(c1, Direction::ClientToServer, t0 + 1000, Opcode::Ping, "ping", true, false)); // not in HAR
    store.appendFrame(message(c2, Direction::ClientToServer, t0 + 2000, Opcode::Text, "frag-", false, false));
    store.appendFrame(message(c2, Direction::ClientToServer, t0 + 2500, Opcode::Continuation, "ment", true, false));
    FrameRecord last = message(c2, Direction::ClientToServer, t0 + 3000, Opcode::Continuation, "!", true);
    last.message = QByteArrayLiteral("frag-ment!");
    store.appendFrame(std::move(last));
    store.appendFrame(message(c1, Direction::ServerToClient, t0 + 4000, Opcode::Text, QStringLiteral("ünïcödé ✓").toUtf8()));
    store.appendFrame(message(c1, Direction::ClientToServer, t0 + 5000, Opcode::Binary, QByteArray(70000, '\x7f')));
    store.flush();

    QByteArray harBytes;
    QBuffer buf(&harBytes);
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QString error;
    QVERIFY2(har::exportHar(store, buf, &error), qPrintable(error));
    buf.close();

    CaptureStore back;
    QVERIFY(back.createTemporary());
    const har::ImportResult r = har::importHar(harBytes, back);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.connections, 2);
    back.flush();

    const QList<Msg> want = messagesOf(store);
    const QList<Msg> got = messagesOf(back);
    QCOMPARE(want.size(), 6); // the ping is not a data message
    QCOMPARE(got.size(), want.size());
    for (qsizetype i = 0; i < want.size(); ++i) {
        QCOMPARE(got[i].conn, want[i].conn);
        QCOMPARE(got[i].dir, want[i].dir);
        QCOMPARE(got[i].us / 1000, want[i].us / 1000); // the promise: milliseconds
        QCOMPARE(got[i].us, want[i].us);               // and in fact microseconds
        QCOMPARE(got[i].opcode, want[i].opcode);
        QCOMPARE(got[i].data, want[i].data);
    }
    for (int i = 0; i < 2; ++i) {
        const ConnectionInfo x = store.connectionAt(i), y = back.connectionAt(i);
        QCOMPARE(y.mode, ConnectionMode::Imported);
        QCOMPARE(y.url, x.url);
        QCOMPARE(y.requestHeaders, x.requestHeaders);
        QCOMPARE(y.responseHeaders, x.responseHeaders);
        QCOMPARE(y.responseStatus, x.responseStatus);
        QCOMPARE(y.responseReason, x.responseReason);
        QCOMPARE(y.openedUs / 1000, x.openedUs / 1000);
        QCOMPARE(y.clientCloseCode, x.clientCloseCode);
        QCOMPARE(y.serverCloseCode, x.serverCloseCode);
        QCOMPARE(y.clientCloseReason, x.clientCloseReason);
    }
}

void tst_Har::exportLooksLikeChrome()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const quint64 c = store.openConnection(sampleConnection(1));
    store.appendFrame(message(c, Direction::ClientToServer, 1700000000000001, Opcode::Text, "x"));
    store.appendFrame(message(c, Direction::ServerToClient, 1700000000500000, Opcode::Binary, "\x01"));
    store.flush();
    QByteArray bytes;
    QBuffer buf(&bytes);
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QString error;
    QVERIFY(har::exportHar(store, buf, &error));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &perr);
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
    const QJsonObject log = doc.object().value(QLatin1String("log")).toObject();
    QCOMPARE(log.value(QLatin1String("version")).toString(), QStringLiteral("1.2"));
    QCOMPARE(log.value(QLatin1String("creator")).toObject().value(QLatin1String("name")).toString(), QStringLiteral("wslens"));
    QVERIFY(log.value(QLatin1String("pages")).isArray());
    const QJsonArray entries = log.value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject e = entries[0].toObject();
    QCOMPARE(e.value(QLatin1String("_resourceType")).toString(), QStringLiteral("websocket"));
    QVERIFY(QDateTime::fromString(e.value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs).isValid());
    for (const char *key : {"time", "request", "response", "cache", "timings"})
        QVERIFY2(e.contains(QLatin1String(key)), key);
    const QJsonObject req = e.value(QLatin1String("request")).toObject();
    for (const char *key : {"method", "url", "httpVersion", "headers", "queryString", "cookies", "headersSize", "bodySize"})
        QVERIFY2(req.contains(QLatin1String(key)), key);
    const QJsonObject resp = e.value(QLatin1String("response")).toObject();
    for (const char *key : {"status", "statusText", "httpVersion", "headers", "cookies", "content", "redirectURL", "headersSize", "bodySize"})
        QVERIFY2(resp.contains(QLatin1String(key)), key);
    QCOMPARE(req.value(QLatin1String("headers")).toArray()[0].toObject().value(QLatin1String("name")).toString(), QStringLiteral("Host"));
    const QJsonArray msgs = e.value(QLatin1String("_webSocketMessages")).toArray();
    QCOMPARE(msgs.size(), 2);
    QCOMPARE(msgs[0].toObject().value(QLatin1String("type")).toString(), QStringLiteral("send"));
    QCOMPARE(msgs[0].toObject().value(QLatin1String("opcode")).toInt(), 1);
    QCOMPARE(msgs[0].toObject().value(QLatin1String("data")).toString(), QStringLiteral("x"));
    QCOMPARE(msgs[0].toObject().value(QLatin1String("time")).toDouble(), 1700000000.000001);
    QCOMPARE(msgs[1].toObject().value(QLatin1String("type")).toString(), QStringLiteral("receive"));
    QCOMPARE(msgs[1].toObject().value(QLatin1String("opcode")).toInt(), 2);
    QCOMPARE(msgs[1].toObject().value(QLatin1String("data")).toString(), QStringLiteral("AQ=="));
}

void tst_Har::badHar_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QByteArrayLiteral("{\"log\": [1, 2,") << QStringLiteral("invalid JSON");
    QTest::newRow("array") << QByteArrayLiteral("[1,2,3]") << QStringLiteral("no log.entries");
    QTest::newRow("no entries") << QByteArrayLiteral("{\"log\":{}}") << QStringLiteral("no log.entries");
    QTest::newRow("entries object") << QByteArrayLiteral("{\"log\":{\"entries\":{}}}") << QStringLiteral("no log.entries");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("invalid JSON");
}

void tst_Har::badHar()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const har::ImportResult r = har::importHar(json, store);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(message), qPrintable(r.error));
    QVERIFY(!r.error.contains(QLatin1Char('\n')));
    QCOMPARE(store.connectionCount(), 0);
}

void tst_Har::oddMessagesAreSkipped()
{
    const QByteArray json = R"({"log":{"entries":[
        {"request":{"url":"https://example.com/"},"response":{"status":200}},
        {"_resourceType":"websocket","request":{"url":"ws://h/x"},"response":{"status":101},
         "_webSocketMessages":[
           {"type":"send","time":"soon","opcode":1,"data":"a"},
           {"type":"sideways","time":1700000000,"opcode":1,"data":"b"},
           {"type":"send","time":1e300,"opcode":1,"data":"c"},
           {"type":"send","time":1700000000.5,"opcode":99,"data":"d"},
           {"type":"send","time":1700000000.5,"opcode":2,"data":"not base64 !!"},
           {"type":"receive","time":1700000000.25,"data":"no opcode means text"},
           7, null
         ]},
        {"_resourceType":"websocket","request":{}},
        "junk"
    ]}})";
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const har::ImportResult r = har::importHar(json, store);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.connections, 1);
    QCOMPARE(r.skippedEntries, 3);
    QCOMPARE(r.messages, quint64(2));
    QCOMPARE(r.skippedMessages, 6);
    store.flush();
    QCOMPARE(store.frameCount(), quint64(2));
    // per-connection order is kept even when times go backwards
    QCOMPARE(store.frame(0).message, QByteArrayLiteral("not base64 !!"));
    QCOMPARE(store.frame(1).message, QByteArrayLiteral("no opcode means text"));
}

QTEST_GUILESS_MAIN(tst_Har)
#include "tst_har.moc"
