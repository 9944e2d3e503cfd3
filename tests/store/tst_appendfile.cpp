// store::AppendFile, the session file's write side: whatever mix of piece
// sizes is appended (O_DIRECT for whole blocks, page cache for the partial
// last one, or plain writes), the file holds exactly those bytes, at once.

#include "store/appendfile.h"
#include "store/chunkreader.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace wslens;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray randomBytes(qsizetype n, QRandomGenerator &rng)
{
    QByteArray b(n, Qt::Uninitialized);
    for (char &c : b)
        c = char(rng.generate());
    return b;
}

} // namespace

class TestAppendFile : public QObject
{
    Q_OBJECT
private slots:
    void appendsExactly_data()
    {
        QTest::addColumn<bool>("direct");
        QTest::addColumn<QList<int>>("sizes"); // bytes per append(); negative: reopen first
        QTest::newRow("header then records") << true << QList<int>{16, 165, 165, 4096 - 346, 1, 10000};
        QTest::newRow("block sized") << true << QList<int>{4096, 4096, 8192, 3, 4093};
        QTest::newRow("over the staging buffer") << true << QList<int>{16, 9 * 1024 * 1024 + 5, 100, 8 * 1024 * 1024};
        QTest::newRow("reopened with a partial block") << true << QList<int>{16, 700, -1, 5000, -1, 3, 4096};
        QTest::newRow("buffered") << false << QList<int>{16, 165, 70000, 4096, 3, -1, 9000};
    }
    void appendsExactly()
    {
        QFETCH(bool, direct);
        QFETCH(QList<int>, sizes);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f.bin"));
        QRandomGenerator rng(42);
        store::AppendFile file;
        file.setDirectAllowed(direct);
        QVERIFY2(file.open(path, true), qPrintable(file.errorString()));
        if (!direct)
            QVERIFY(!file.isDirect());
        QByteArray expected;
        for (int n : sizes) {
            if (n < 0) {
                file.close();
                QVERIFY(file.open(path, false));
                QCOMPARE(file.size(), quint64(expected.size()));
                continue;
            }
            // split into a few pieces to go through the vector path
            const QByteArray bytes = randomBytes(n, rng);
            const qsizetype cut = n / 3;
            iovec iov[2] = {{const_cast<char *>(bytes.constData()), size_t(cut)},
                            {const_cast<char *>(bytes.constData() + cut), size_t(n - cut)}};
            QVERIFY2(file.append(iov, 2), qPrintable(file.errorString()));
            expected += bytes;
            QCOMPARE(file.size(), quint64(expected.size()));
            // visible to readers at once (page cache or disk)
            QCOMPARE(QFile(path).size(), qint64(expected.size()));
        }
        QVERIFY(readAll(path) == expected);
        QVERIFY(file.truncate(quint64(expected.size() - 10)));
        expected.chop(10);
        const QByteArray more = randomBytes(5000, rng);
        QVERIFY(file.append(more.constData(), size_t(more.size())));
        expected += more;
        file.close();
        QVERIFY(readAll(path) == expected);
    }

    // ChunkReader (the bulk read side) returns the same bytes at any
    // (unaligned) offset and size, direct or not, and stops at the end.
    void chunkReaderReadsRanges_data()
    {
        QTest::addColumn<bool>("direct");
        QTest::newRow("O_DIRECT where possible") << true;
        QTest::newRow("page cache") << false;
    }
    void chunkReaderReadsRanges()
    {
        QFETCH(bool, direct);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("r.bin"));
        QRandomGenerator rng(7);
        const QByteArray content = randomBytes(3 * 1024 * 1024 + 123, rng);
        {
            store::AppendFile w;
            QVERIFY(w.open(path, true));
            QVERIFY(w.append(content.constData(), size_t(content.size())));
        }
        store::ChunkReader r;
        QVERIFY(r.open(path, direct));
        QCOMPARE(r.fileSize(), quint64(content.size()));
        const QList<QPair<qsizetype, qsizetype>> ranges = {
            {0, 16}, {1, 4095}, {4095, 2}, {4096, 4096}, {5000, 2 * 1024 * 1024 + 7},
            {qsizetype(content.size()) - 10, 10}, {0, content.size()}};
        for (const auto &[offset, size] : ranges) {
            const char *p = r.read(quint64(offset), size_t(size));
            QVERIFY2(p, qPrintable(QStringLiteral("offset %1 size %2").arg(offset).arg(size)));
            QVERIFY(QByteArrayView(p, size) == QByteArrayView(content.constData() + offset, size));
        }
        QVERIFY(!r.read(quint64(content.size()) - 5, 10)); // past the end
        size_t got = 0;
        const char *p = r.readSome(quint64(content.size()) - 5, 10, &got);
        QVERIFY(p);
        QCOMPARE(got, size_t(5));
        QVERIFY(QByteArrayView(p, 5) == QByteArrayView(content.constData() + content.size() - 5, 5));
    }

    void reportsErrors()
    {
        store::AppendFile file;
        QVERIFY(!file.open(QStringLiteral("/nonexistent-dir/x.bin"), true));
        QVERIFY(file.errorString().contains(QLatin1String("/nonexistent-dir/x.bin")));
        QVERIFY(!file.append("x", 1));
    }
};

QTEST_GUILESS_MAIN(TestAppendFile)
#include "tst_appendfile.moc"
