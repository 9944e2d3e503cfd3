// wslens inspect / export / import, run as the real executable.

#include "storetestutil.h"
#include "testsupport.h"

#include "store/capturestore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace wslens;
using namespace wslens::test;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run runWslens(const QStringList &args)
{
    Run r;
    ChildProcess p;
    if (!p.start(wslensBinary(), args, {QStringLiteral("QT_QPA_PLATFORM=minimal")}))
        return r;
    r.code = p.waitForExit(20000);
    r.out = p.allStdout();
    r.err = p.allStderr();
    return r;
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> out;
    const QList<QByteArray> lines = text.split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty())
            continue;
        QJsonParseError err;
        const QJsonDocument d = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError)
            return {};
        out.append(d.object());
    }
    return out;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile::remove(path);
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class tst_StoreCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void inspectText();
    void inspectJson();
    void inspectFrames();
    void inspectHar();
    void exportJsonlMatchesFrames();
    void exportHarImportRoundTrip();
    void badFiles_data();
    void badFiles();
    void usageErrors_data();
    void usageErrors();

private:
    QTemporaryDir m_dir;
    QString m_session;
};

void tst_StoreCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_session = m_dir.filePath(QStringLiteral("capture.wslens"));
    CaptureStore store;
    QVERIFY(store.create(m_session));
    ConnectionInfo c1 = sampleConnection(1);
    c1.clientCloseCode = 1000;
    c1.serverCloseCode = 1001;
    const quint64 a = store.openConnection(c1);
    const quint64 b = store.openConnection(sampleConnection(2));
    store.appendFrame(sampleFrame(a, 0)); // c2s masked text
    store.appendFrame(sampleFrame(b, 1)); // s2c text
    FrameRecord frag = sampleFrame(a, 2);
    frag.header.opcode = Opcode::Binary;
    frag.header.fin = false;
    frag.header.rsv = Rsv::Rsv1;
    frag.hasMessage = false;
    frag.message.clear();
    frag.violation = Violation::ReservedBitsSet;
    store.appendFrame(FrameRecord(frag));
    FrameRecord end = sampleFrame(a, 3);
    end.header.opcode = Opcode::Continuation;
    end.message = QByteArrayLiteral("whole message");
    end.edit = EditMark::Replaced;
    end.original = QByteArrayLiteral("the original");
    store.appendFrame(std::move(end));
    FrameRecord injected = sampleFrame(b, 4);
    injected.edit = EditMark::Injected;
    store.appendFrame(std::move(injected));
    store.close();
}

void tst_StoreCli::inspectText()
{
    const Run r = runWslens({QStringLiteral("inspect"), m_session});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());
    QVERIFY2(r.out.contains("Connections: 2"), r.out.constData());
    QVERIFY(r.out.contains("Frames:      5"));
    QVERIFY(r.out.contains("Violations:  1"));
    QVERIFY(r.out.contains("reserved-bits-set"));
    QVERIFY(r.out.contains("Time span:"));
    QVERIFY(r.out.contains("ws://127.0.0.1:8001/chat?x=1"));
}

void tst_StoreCli::inspectJson()
{
    const Run r = runWslens({QStringLiteral("inspect"), m_session, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QLatin1String("connections")).toInt(), 2);
    QCOMPARE(o.value(QLatin1String("frames")).toInt(), 5);
    qint64 bytes = 0;
    for (int i = 0; i < 5; ++i)
        bytes += sampleFrame(1, quint64(i)).payload.size();
    QCOMPARE(o.value(QLatin1String("bytes")).toInteger(), bytes);
    QCOMPARE(o.value(QLatin1String("violations")).toInt(), 1);
    QCOMPARE(o.value(QLatin1String("edits")).toInt(), 2);
}

void tst_StoreCli::inspectFrames()
{
    const Run r = runWslens({QStringLiteral("inspect"), m_session, QStringLiteral("--frames")});
    QCOMPARE(r.code, 0);
    const QList<QJsonObject> lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 7);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject c = lines[i];
        QCOMPARE(c.value(QLatin1String("type")).toString(), QStringLiteral("connection"));
        QCOMPARE(c.value(QLatin1String("id")).toInt(), i + 1);
        for (const char *key : {"url", "request_headers", "response_status", "response_headers", "close_code"})
            QVERIFY2(c.contains(QLatin1String(key)), key);
        QCOMPARE(c.value(QLatin1String("request_headers")).toArray().size(), 3);
    }
    QCOMPARE(lines[0].value(QLatin1String("close_code")).toInt(), 1000);
    QVERIFY(lines[1].value(QLatin1String("close_code")).isNull());
    QCOMPARE(lines[0].value(QLatin1String("response_status")).toInt(), 101);

    const QSet<QString> required{QStringLiteral("type"), QStringLiteral("conn"), QStringLiteral("seq"),
                                 QStringLiteral("dir"), QStringLiteral("ts_us"), QStringLiteral("fin"),
                                 QStringLiteral("rsv"), QStringLiteral("opcode"), QStringLiteral("masked"),
                                 QStringLiteral("mask_key"), QStringLiteral("len"), QStringLiteral("payload_b64"),
                                 QStringLiteral("violation"), QStringLiteral("edit")};
    for (int i = 2; i < 7; ++i) {
        const QJsonObject f = lines[i];
        const QStringList keys = f.keys();
        for (const QString &k : required)
            QVERIFY2(keys.contains(k), qPrintable(k));
        QCOMPARE(f.value(QLatin1String("type")).toString(), QStringLiteral("frame"));
        QCOMPARE(f.value(QLatin1String("seq")).toInt(), i - 2);
    }
    const QJsonObject f0 = lines[2];
    QCOMPARE(f0.value(QLatin1String("conn")).toInt(), 1);
    QCOMPARE(f0.value(QLatin1String("dir")).toString(), QStringLiteral("c2s"));
    QCOMPARE(f0.value(QLatin1String("ts_us")).toInteger(), sampleFrame(1, 0).timestampUs);
    QCOMPARE(f0.value(QLatin1String("fin")).toBool(), true);
    QCOMPARE(f0.value(QLatin1String("masked")).toBool(), true);
    QCOMPARE(f0.value(QLatin1String("mask_key")).toString(), QStringLiteral("01020304"));
    QCOMPARE(f0.value(QLatin1String("opcode")).toInt(), 1);
    QCOMPARE(f0.value(QLatin1String("len")).toInt(), sampleFrame(1, 0).payload.size());
    QCOMPARE(QByteArray::fromBase64(f0.value(QLatin1String("payload_b64")).toString().toLatin1()), sampleFrame(1, 0).payload);
    QCOMPARE(QByteArray::fromBase64(f0.value(QLatin1String("message_b64")).toString().toLatin1()), sampleFrame(1, 0).message);
    QVERIFY(f0.value(QLatin1String("violation")).isNull());
    QVERIFY(f0.value(QLatin1String("edit")).isNull());
    QVERIFY(!f0.contains(QLatin1String("original_b64")));

    const QJsonObject f1 = lines[3];
    QCOMPARE(f1.value(QLatin1String("dir")).toString(), QStringLiteral("s2c"));
    QVERIFY(f1.value(QLatin1String("mask_key")).isNull());
    QCOMPARE(f1.value(QLatin1String("masked")).toBool(), false);

    const QJsonObject frag = lines[4];
    QCOMPARE(frag.value(QLatin1String("fin")).toBool(), false);
    QCOMPARE(frag.value(QLatin1String("rsv")).toInt(), 4);
    QCOMPARE(frag.value(QLatin1String("opcode")).toInt(), 2);
    QVERIFY(!frag.contains(QLatin1String("message_b64"))); // does not complete a message
    QCOMPARE(frag.value(QLatin1String("violation")).toString(), QStringLiteral("reserved-bits-set"));

    const QJsonObject end = lines[5];
    QCOMPARE(end.value(QLatin1String("opcode")).toInt(), 0);
    QCOMPARE(QByteArray::fromBase64(end.value(QLatin1String("message_b64")).toString().toLatin1()), QByteArrayLiteral("whole message"));
    QCOMPARE(end.value(QLatin1String("edit")).toString(), QStringLiteral("replaced"));
    QCOMPARE(QByteArray::fromBase64(end.value(QLatin1String("original_b64")).toString().toLatin1()), QByteArrayLiteral("the original"));
    QCOMPARE(lines[6].value(QLatin1String("edit")).toString(), QStringLiteral("injected"));
}

void tst_StoreCli::inspectHar()
{
    const QString har = testDataPath(QStringLiteral("store/data/chrome.har"));
    const Run r = runWslens({QStringLiteral("inspect"), har, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(QLatin1String("format")).toString(), QStringLiteral("har"));
    QCOMPARE(o.value(QLatin1String("connections")).toInt(), 1);
    QCOMPARE(o.value(QLatin1String("frames")).toInt(), 5);
    QCOMPARE(o.value(QLatin1String("violations")).toInt(), 0);
    const Run text = runWslens({QStringLiteral("inspect"), har});
    QCOMPARE(text.code, 0);
    QVERIFY(text.out.contains("HAR file"));
}

void tst_StoreCli::exportJsonlMatchesFrames()
{
    const QString out = m_dir.filePath(QStringLiteral("frames.out")); // no extension games
    const Run r = runWslens({QStringLiteral("export"), m_session, QStringLiteral("--format"), QStringLiteral("jsonl"),
                          QStringLiteral("-o"), out});
    QCOMPARE(r.code, 0);
    const Run frames = runWslens({QStringLiteral("inspect"), m_session, QStringLiteral("--frames")});
    QCOMPARE(readFile(out), frames.out);
    QVERIFY(!QFile::exists(out + QStringLiteral(".jsonl")));
}

void tst_StoreCli::exportHarImportRoundTrip()
{
    const QString har = m_dir.filePath(QStringLiteral("exported har"));
    QCOMPARE(runWslens({QStringLiteral("export"), m_session, QStringLiteral("--format"), QStringLiteral("har"),
                     QStringLiteral("-o"), har}).code, 0);
    QVERIFY(QFile::exists(har));
    const QString back = m_dir.filePath(QStringLiteral("back.session"));
    const Run imp = runWslens({QStringLiteral("import"), har, QStringLiteral("-o"), back});
    QVERIFY2(imp.code == 0, imp.err.constData());
    QVERIFY(QFile::exists(back));
    QVERIFY(!QFile::exists(back + QStringLiteral(".part")));
    const QList<QJsonObject> orig = jsonLines(runWslens({QStringLiteral("inspect"), m_session, QStringLiteral("--frames")}).out);
    const Run again = runWslens({QStringLiteral("inspect"), back, QStringLiteral("--frames")});
    QCOMPARE(again.code, 0);
    const QList<QJsonObject> got = jsonLines(again.out);
    // Data messages survive: the completing frames of the original.
    QList<QJsonObject> want;
    for (const QJsonObject &o : orig) {
        if (o.value(QLatin1String("type")).toString() == QLatin1String("frame") && o.contains(QLatin1String("message_b64")))
            want.append(o);
    }
    QList<QJsonObject> gotFrames;
    for (const QJsonObject &o : got) {
        if (o.value(QLatin1String("type")).toString() == QLatin1String("frame"))
            gotFrames.append(o);
    }
    QCOMPARE(gotFrames.size(), want.size());
    for (qsizetype i = 0; i < want.size(); ++i) {
        for (const char *key : {"conn", "dir", "ts_us", "message_b64"})
            QCOMPARE(gotFrames[i].value(QLatin1String(key)), want[i].value(QLatin1String(key)));
    }
    QCOMPARE(got[0].value(QLatin1String("request_headers")), orig[0].value(QLatin1String("request_headers")));
    QCOMPARE(got[0].value(QLatin1String("response_headers")), orig[0].value(QLatin1String("response_headers")));
    QCOMPARE(got[0].value(QLatin1String("mode")).toString(), QStringLiteral("imported"));
}

void tst_StoreCli::badFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("damagedTail"); // the readable part is still printed

    QByteArray header(16, '\0');
    memcpy(header.data(), "\x89WSLN\r\n\x1a", 8);
    qToLittleEndian<quint32>(1, header.data() + 8);
    QByteArray wrongVersion = header;
    qToLittleEndian<quint32>(7, wrongVersion.data() + 8);
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("garbage") << QByteArrayLiteral("\x01\x02garbage, not a capture") << false;
    QTest::newRow("wrong version") << wrongVersion << false;
    QTest::newRow("header cut") << header.left(9) << false;
    QTest::newRow("bad json") << QByteArrayLiteral("{\"log\":{\"entries\":[") << false;
    QTest::newRow("json not har") << QByteArrayLiteral("{\"hello\":1}") << false;
    QTest::newRow("absurd length") << header + QByteArray("\xff\xff\xff\x7f\x02", 5) + QByteArray(32, 'a') << true;
    QTest::newRow("truncated") << QByteArray() << true; // filled from the real session
}

void tst_StoreCli::badFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, damagedTail);
    if (QByteArray(QTest::currentDataTag()) == "truncated") {
        const QByteArray whole = readFile(m_session);
        content = whole.left(whole.size() * 2 / 3);
    }
    const QString path = m_dir.filePath(QStringLiteral("bad.file"));
    QVERIFY(writeFile(path, content));
    const QList<QStringList> commands{
        {QStringLiteral("inspect"), path},
        {QStringLiteral("inspect"), path, QStringLiteral("--frames")},
        {QStringLiteral("export"), path, QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("-o"), m_dir.filePath(QStringLiteral("bad.jsonl"))},
        {QStringLiteral("import"), path, QStringLiteral("-o"), m_dir.filePath(QStringLiteral("bad.wslens"))},
    };
    for (const QStringList &args : commands) {
        const Run r = runWslens(args);
        const QByteArray what = args.join(QLatin1Char(' ')).toUtf8() + " -> " + r.err;
        QVERIFY2(r.code == 2, what.constData());
        QVERIFY2(r.err.count('\n') == 1, what.constData()); // one clear line
        QVERIFY2(r.err.startsWith(QByteArray("wslens " + args[0].toUtf8() + ": ")), what.constData());
        if (!damagedTail && args[0] == QLatin1String("inspect"))
            QVERIFY2(r.out.isEmpty(), what.constData());
    }
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("bad.wslens")))); // import left nothing behind
}

void tst_StoreCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("inspect no file") << QStringList{QStringLiteral("inspect")};
    QTest::newRow("inspect two files") << QStringList{QStringLiteral("inspect"), QStringLiteral("a"), QStringLiteral("b")};
    QTest::newRow("inspect json+frames") << QStringList{QStringLiteral("inspect"), QStringLiteral("x"), QStringLiteral("--json"), QStringLiteral("--frames")};
    QTest::newRow("inspect missing") << QStringList{QStringLiteral("inspect"), QStringLiteral("/nonexistent/x.wslens")};
    QTest::newRow("export no -o") << QStringList{QStringLiteral("export"), QStringLiteral("x"), QStringLiteral("--format"), QStringLiteral("har")};
    QTest::newRow("export bad format") << QStringList{QStringLiteral("export"), QStringLiteral("x"), QStringLiteral("--format"), QStringLiteral("xml"), QStringLiteral("-o"), QStringLiteral("y")};
    QTest::newRow("import no -o") << QStringList{QStringLiteral("import"), QStringLiteral("x.har")};
    QTest::newRow("import missing") << QStringList{QStringLiteral("import"), QStringLiteral("/nonexistent/x.har"), QStringLiteral("-o"), QStringLiteral("/tmp/never")};
}

void tst_StoreCli::usageErrors()
{
    QFETCH(QStringList, args);
    const Run r = runWslens(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.count('\n') == 1, r.err.constData());
    QVERIFY(r.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_StoreCli)
#include "tst_store_cli.moc"
