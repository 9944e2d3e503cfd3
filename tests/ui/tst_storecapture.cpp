// The CaptureSource over the real capture store: rows appear only through the
// store's batched signals, summaries and previews come from the index, full
// records from the file; the timeline model runs over it under the tester.
#include "data/storecapture.h"
#include "filter/framefilter.h"
#include "models/timelinemodel.h"
#include "store/capturestore.h"
#include "uitestdata.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

class TestStoreCapture : public QObject
{
    Q_OBJECT
private slots:
    void liveAppendsArriveBatched();
    void reopenedFileReadsBack();
    void bulkScanMatchesRowByRow();
};

void TestStoreCapture::liveAppendsArriveBatched()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto store = std::make_unique<CaptureStore>();
    QVERIFY2(store->create(dir.filePath(QStringLiteral("live.wslens"))), qPrintable(store->errorString()));
    StoreCapture capture(std::move(store));
    TimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&capture);
    QSignalSpy appended(&capture, &CaptureSource::framesAppended);
    QSignalSpy connections(&capture, &CaptureSource::connectionChanged);

    uitest::fill(*capture.sink());
    QCOMPARE(capture.frameCount(), 0); // nothing until the store announces it
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), uitest::kFrames, 5000);
    QVERIFY(appended.size() >= 1);
    QVERIFY(appended.size() <= 3); // batched, not one signal per frame
    QVERIFY(connections.size() >= 2);
    QCOMPARE(capture.connections().size(), 2);

    QCOMPARE(model.index(0, TimelineModel::PreviewColumn).data().toString(),
             QStringLiteral("{\"hello\":\"world\",\"n\":[1,2]}"));
    QCOMPARE(model.index(5, TimelineModel::MarkColumn).data().toString(), QStringLiteral("⚠"));
    const std::optional<FrameRecord> f = capture.frame(9);
    QVERIFY(f);
    QCOMPARE(f->message, QByteArrayLiteral("fragmented"));
    QCOMPARE(capture.searchBytes(9), QByteArrayLiteral("fragmented"));
    QCOMPARE(capture.summary(5).violation, Violation::ReservedBitsSet);
    QVERIFY(capture.fileSize() > 0);

    FilterCriteria c;
    c.search = QStringLiteral("chat");
    const FrameMatcher m(c);
    QVERIFY(m.matches(capture, 1));
    QVERIFY(!m.matches(capture, 0));
}

void TestStoreCapture::reopenedFileReadsBack()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("fixture.wslens"));
    {
        CaptureStore writer;
        QVERIFY(writer.create(path));
        uitest::fill(writer);
        writer.close();
    }
    auto store = std::make_unique<CaptureStore>();
    QVERIFY2(store->open(path), qPrintable(store->errorString()));
    StoreCapture capture(std::move(store));
    QCOMPARE(capture.frameCount(), uitest::kFrames);
    QCOMPARE(capture.filePath(), path);
    QCOMPARE(capture.connection(2)->url, QStringLiteral("ws://127.0.0.1:9001/feed"));
    QVERIFY(!capture.connection(99));
    QCOMPARE(capture.preview(10, 96).size(), 96); // 300-byte payload: read and cut to the preview size
    QCOMPARE(capture.summary(6).edit, EditMark::Replaced);
    QCOMPARE(capture.frame(6)->original, QByteArrayLiteral("Original"));
}

void TestStoreCapture::bulkScanMatchesRowByRow()
{
    // Big ranges are searched by walking the session file; the result must be
    // exactly what per-frame reads give.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.wslens"));
    constexpr int kCount = 60000;
    {
        CaptureStore writer;
        QVERIFY(writer.create(path));
        const quint64 conn = writer.openConnection(uitest::connection(QStringLiteral("ws://h/")));
        for (int i = 0; i < kCount; ++i) {
            const QByteArray text = (i % 997 == 5) ? QByteArrayLiteral("a Needle ") + QByteArray::number(i)
                                                   : QByteArrayLiteral("hay ") + QByteArray::number(i);
            const quint8 op = i % 3 == 0 ? Opcode::Binary : Opcode::Text;
            writer.appendFrame(uitest::frame(conn, i % 2 ? Direction::ServerToClient : Direction::ClientToServer, op, text));
        }
        writer.close();
    }
    auto store = std::make_unique<CaptureStore>();
    QVERIFY(store->open(path));
    StoreCapture capture(std::move(store));
    QCOMPARE(capture.frameCount(), kCount);

    QList<qsizetype> seen;
    QList<qsizetype> bulk;
    const qsizetype stopped = capture.scanSearchBytes(100, kCount, [&](qsizetype i, const QByteArray &bytes) {
        seen << i;
        if (bytes.contains("Needle"))
            bulk << i;
        return true;
    });
    QCOMPARE(stopped, qsizetype(kCount));
    QCOMPARE(seen.size(), kCount - 100);
    QCOMPARE(seen.first(), 100);
    QCOMPARE(seen.last(), kCount - 1);
    QList<qsizetype> rowByRow;
    for (qsizetype i = 100; i < kCount; ++i)
        if (capture.searchBytes(i).contains("Needle"))
            rowByRow << i;
    QVERIFY(!rowByRow.isEmpty());
    QCOMPARE(bulk, rowByRow);

    // stopping early returns where it stopped
    int calls = 0;
    QCOMPARE(capture.scanSearchBytes(0, kCount, [&](qsizetype, const QByteArray &) { return ++calls < 10; }), 10);
}

QTEST_GUILESS_MAIN(TestStoreCapture)
#include "tst_storecapture.moc"
