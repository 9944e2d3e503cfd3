// The session file on disk: damage anywhere, bad files, kill -9 mid-capture.

#include "storetestutil.h"
#include "testsupport.h"

#include "store/capturestore.h"
#include "store/sessionformat.h"
#include "store/sessionreader.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <vector>

using namespace wslens;
using namespace wslens::test;

namespace {

bool writeFile(const QString &path, const QByteArray &data)
{
    // remove first: truncating a file on ext4 forces its pending writes out (slow)
    QFile::remove(path);
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct SmallSession
{
    QByteArray bytes;
    std::vector<FrameRecord> frames;
    std::vector<quint64> frameEnds;   // end offset of each frame record
    std::vector<quint64> recordStarts; // start offset of every record
};

SmallSession makeSmallSession(const QString &path)
{
    SmallSession s;
    {
        CaptureStore store;
        if (!store.create(path))
            return s;
        const quint64 c1 = store.openConnection(sampleConnection(1));
        for (quint64 i = 0; i < 3; ++i) {
            FrameRecord f = sampleFrame(c1, i);
            f.seq = i;
            s.frames.push_back(f);
            store.appendFrame(std::move(f));
        }
        const quint64 c2 = store.openConnection(sampleConnection(2));
        for (quint64 i = 3; i < 6; ++i) {
            FrameRecord f = sampleFrame(i % 2 ? c2 : c1, i);
            f.seq = i;
            s.frames.push_back(f);
            store.appendFrame(std::move(f));
        }
        ConnectionInfo c = store.connection(c1);
        c.clientCloseCode = 1000;
        store.updateConnection(c);
        store.close();
    }
    s.bytes = readAll(path);
    QBuffer buf(&s.bytes);
    buf.open(QIODevice::ReadOnly);
    session::ScanCallbacks cb;
    cb.frame = [&](const session::FrameFixed &, quint64 offset, quint32 size, const char *) {
        s.frameEnds.push_back(offset + size);
    };
    session::scanSession(buf, cb);
    quint64 off = session::kFileHeaderSize;
    while (off + session::kRecordOverhead <= quint64(s.bytes.size())) {
        s.recordStarts.push_back(off);
        off += session::kRecordOverhead + qFromLittleEndian<quint32>(s.bytes.constData() + off);
    }
    return s;
}

} // namespace

class tst_SessionFile : public QObject
{
    Q_OBJECT
private slots:
    void truncatedAtEveryOffset();
    void corruptedRecord();
    void badFiles_data();
    void badFiles();
    void openProgressAndCancel();
    void killedMidCapture();
};

void tst_SessionFile::truncatedAtEveryOffset()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const SmallSession s = makeSmallSession(dir.filePath(QStringLiteral("full.wslens")));
    QCOMPARE(s.frameEnds.size(), size_t(6));
    QVERIFY(s.bytes.size() > 500);
    const QString cutPath = dir.filePath(QStringLiteral("cut.wslens"));
    for (qsizetype cut = 0; cut < s.bytes.size(); ++cut) {
        QVERIFY(writeFile(cutPath, s.bytes.left(cut)));
        CaptureStore store;
        const bool ok = store.open(cutPath);
        const QByteArray where = "cut at " + QByteArray::number(cut);
        if (cut < session::kFileHeaderSize) {
            QVERIFY2(!ok, where.constData());
            QVERIFY2(!store.errorString().isEmpty() && !store.errorString().contains(QLatin1Char('\n')), where.constData());
            continue;
        }
        QVERIFY2(ok, qPrintable(store.errorString()));
        QVERIFY2(!store.warningString().isEmpty(), where.constData()); // the damage is reported
        quint64 expected = 0;
        while (expected < s.frameEnds.size() && s.frameEnds[expected] <= quint64(cut))
            ++expected;
        QVERIFY2(store.frameCount() == expected, where.constData());
        for (quint64 i = 0; i < expected; ++i) {
            compareFrames(store.frame(i), s.frames[i]);
            if (QTest::currentTestFailed())
                QFAIL(where.constData());
        }
        // connections whose record is complete are there
        QVERIFY2(store.connectionCount() >= (expected > 0 ? 1 : 0), where.constData());
    }
    QVERIFY(writeFile(cutPath, s.bytes));
    CaptureStore whole;
    QVERIFY(whole.open(cutPath));
    QVERIFY2(whole.warningString().isEmpty(), qPrintable(whole.warningString()));
    QCOMPARE(whole.frameCount(), quint64(6));
    QCOMPARE(whole.connection(1).clientCloseCode, 1000); // the update record wins
}

void tst_SessionFile::corruptedRecord()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const SmallSession s = makeSmallSession(dir.filePath(QStringLiteral("full.wslens")));
    const QString badPath = dir.filePath(QStringLiteral("bad.wslens"));
    for (size_t r = 0; r < s.recordStarts.size(); ++r) {
        const quint64 start = s.recordStarts[r];
        for (quint64 delta : {quint64(0), quint64(4), quint64(7)}) { // length, type, body
            QByteArray bytes = s.bytes;
            bytes[qsizetype(start + delta)] = char(bytes[qsizetype(start + delta)] ^ 0x5a);
            QVERIFY(writeFile(badPath, bytes));
            CaptureStore store;
            QVERIFY2(store.open(badPath), qPrintable(store.errorString()));
            QVERIFY(store.warningString().contains(QString::number(start)));
            quint64 expected = 0;
            while (expected < s.frameEnds.size() && s.frameEnds[expected] <= start)
                ++expected;
            QCOMPARE(store.frameCount(), expected);
        }
    }
}

void tst_SessionFile::badFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("opens");
    QTest::addColumn<QString>("message");

    QByteArray header(session::kFileHeaderSize, '\0');
    memcpy(header.data(), session::kMagic, sizeof session::kMagic);
    qToLittleEndian<quint32>(session::kVersion, header.data() + 8);
    QByteArray wrongVersion = header;
    qToLittleEndian<quint32>(99, wrongVersion.data() + 8);
    QByteArray absurd = header + QByteArray("\xff\xff\xff\xff\x02", 5) + QByteArray(100, 'x');
    QByteArray bigButShort = header + QByteArray("\x00\x00\x00\x08\x02", 5) + QByteArray(100, 'x'); // 128 MiB declared
    QByteArray zeros = header + QByteArray(64, '\0');

    QTest::newRow("empty") << QByteArray() << false << QStringLiteral("empty");
    QTest::newRow("garbage") << QByteArrayLiteral("hello, this is not a capture at all\n") << false
                             << QStringLiteral("not a wslens session file");
    QTest::newRow("json") << QByteArrayLiteral("{\"log\":{}}") << false << QStringLiteral("not a wslens session file");
    QTest::newRow("short header") << header.left(10) << false << QStringLiteral("truncated");
    QTest::newRow("wrong version") << wrongVersion << false << QStringLiteral("version 99");
    QTest::newRow("header only") << header << true << QStringLiteral("no end marker");
    QTest::newRow("absurd length") << absurd << true << QStringLiteral("over the limit");
    QTest::newRow("length past end") << bigButShort << true << QStringLiteral("truncated record");
    QTest::newRow("zero records") << zeros << true << QStringLiteral("checksum");
}

void tst_SessionFile::badFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, opens);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("bad.wslens"));
    QVERIFY(writeFile(path, content));
    CaptureStore store;
    QCOMPARE(store.open(path), opens);
    const QString text = opens ? store.warningString() : store.errorString();
    QVERIFY2(text.contains(message), qPrintable(text));
    QVERIFY(!text.contains(QLatin1Char('\n')));
    QCOMPARE(store.frameCount(), quint64(0));
}

void tst_SessionFile::openProgressAndCancel()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("big.wslens"));
    {
        CaptureStore store;
        QVERIFY(store.create(path));
        const quint64 c = store.openConnection(sampleConnection(1));
        for (quint64 i = 0; i < 100000; ++i)
            store.appendFrame(sampleFrame(c, i));
        store.close();
    }
    qint64 lastDone = -1, total = 0;
    int calls = 0;
    CaptureStore::OpenOptions opts;
    opts.progress = [&](qint64 done, qint64 t) {
        QVERIFY(done >= lastDone);
        lastDone = done;
        total = t;
        ++calls;
    };
    CaptureStore store;
    QVERIFY(store.open(path, opts));
    QCOMPARE(store.frameCount(), quint64(100000));
    QVERIFY(calls >= 2);
    QCOMPARE(lastDone, total);
    QCOMPARE(total, QFileInfo(path).size());

    std::atomic<bool> cancel{false};
    CaptureStore::OpenOptions cancelling;
    cancelling.cancel = &cancel;
    cancelling.progress = [&](qint64, qint64) { cancel = true; };
    CaptureStore cancelled;
    QVERIFY(!cancelled.open(path, cancelling));
    QVERIFY(cancelled.errorString().contains(QLatin1String("cancel")));
    QVERIFY(cancelled.frameCount() < 100000);
}

void tst_SessionFile::killedMidCapture()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("killed.wslens"));
    ChildProcess child;
    QVERIFY2(child.start(QStringLiteral(WSLENS_CRASHWRITER), {path}), qPrintable(child.errorString()));
    QVERIFY2(!child.waitForLine("started").isNull(), qPrintable(child.errorString()));
    QElapsedTimer clock;
    clock.start();
    struct Report { qint64 atMs; quint64 frames; };
    std::vector<Report> reports;
    while (clock.elapsed() < 2200) {
        const QByteArray rest = child.waitForLine("appended ", 5000);
        QVERIFY2(!rest.isEmpty(), qPrintable(child.errorString()));
        reports.push_back({clock.elapsed(), rest.trimmed().toULongLong()});
    }
    const qint64 killedAt = clock.elapsed();
    child.process().kill(); // SIGKILL
    QVERIFY(child.process().waitForFinished(5000));
    QCOMPARE(child.process().exitStatus(), QProcess::CrashExit);

    quint64 mustHave = 0;
    for (const Report &r : reports) {
        if (r.atMs <= killedAt - 1000)
            mustHave = qMax(mustHave, r.frames);
    }
    QVERIFY(mustHave > 1000);
    CaptureStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QVERIFY(!store.warningString().isEmpty()); // no end marker at least
    QVERIFY2(store.frameCount() >= mustHave,
             qPrintable(QStringLiteral("%1 frames loaded, %2 reported more than 1 s before the kill")
                            .arg(store.frameCount())
                            .arg(mustHave)));
    QCOMPARE(store.connectionCount(), 1);
    for (quint64 row = 0; row < store.frameCount(); row += 1 + store.frameCount() / 500) {
        FrameRecord expect = sampleFrame(1, row);
        expect.seq = row;
        compareFrames(store.frame(row), expect);
        if (QTest::currentTestFailed())
            return;
    }
}

QTEST_GUILESS_MAIN(tst_SessionFile)
#include "tst_sessionfile.moc"
