// CaptureStore: writing, reading back, reopening, signals, saveAs.

#include "storetestutil.h"

#include "store/capturestore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace wslens;
using namespace wslens::test;

namespace {

// Collects batched notifications in the test thread (queued from the writer).
class Recorder : public QObject
{
public:
    explicit Recorder(CaptureStore *store)
    {
        connect(store, &CaptureStore::framesAppended, this, [this](quint64 first, quint64 count) {
            if (first != rows)
                gaps = true;
            rows = first + count;
            ++frameSignals;
        });
        connect(store, &CaptureStore::connectionsAdded, this, [this](int first, int count) {
            if (first != conns)
                gaps = true;
            conns = first + count;
        });
        connect(store, &CaptureStore::connectionsChanged, this,
                [this](const QList<quint64> &ids) { changed += ids; });
    }
    quint64 rows = 0;
    int conns = 0;
    int frameSignals = 0;
    bool gaps = false;
    QList<quint64> changed;
};

std::vector<FrameRecord> variedFrames(quint64 c1, quint64 c2)
{
    std::vector<FrameRecord> v;
    FrameRecord f = sampleFrame(c1, 0);
    v.push_back(f);
    f = sampleFrame(c2, 1);
    f.payload.clear();
    f.message.clear();
    f.header.payloadLength = 0;
    v.push_back(f); // empty message
    f = sampleFrame(c1, 2);
    f.header.opcode = Opcode::Binary;
    f.header.fin = false;
    f.hasMessage = false;
    f.message.clear();
    f.payload = QByteArray(70000, '\xab');
    f.header.payloadLength = 70000;
    f.header.lengthEncoding = LengthEncoding::Long64;
    f.header.headerLength = 14;
    v.push_back(f); // first fragment
    f = sampleFrame(c1, 3);
    f.header.opcode = Opcode::Continuation;
    f.header.rsv = Rsv::Rsv1;
    f.payload = QByteArrayLiteral("\x00\x01\x02\xff");
    f.header.payloadLength = 4;
    f.hasMessage = true;
    f.message = QByteArray(70004, 'm');
    f.violation = Violation::ReservedBitsSet;
    v.push_back(f); // completing fragment, compressed, with a violation
    f = sampleFrame(c2, 4);
    f.edit = EditMark::Replaced;
    f.original = QByteArrayLiteral("the original text");
    v.push_back(f);
    f = sampleFrame(c2, 5);
    f.edit = EditMark::Dropped;
    f.original = f.message;
    v.push_back(f);
    f = sampleFrame(c1, 6);
    f.edit = EditMark::Injected;
    v.push_back(f);
    f = sampleFrame(c1, 7);
    f.header.opcode = Opcode::Close;
    f.payload = QByteArrayLiteral("\x03\xe8");
    f.header.payloadLength = 2;
    f.hasMessage = false;
    f.message.clear();
    v.push_back(f);
    f = sampleFrame(c2, 8);
    f.unparsed = true;
    f.header = FrameHeader();
    f.payload = QByteArrayLiteral("\xff\xfe garbage");
    f.hasMessage = false;
    f.message.clear();
    f.violation = Violation::FramingLost;
    v.push_back(f);
    return v;
}

} // namespace

class tst_CaptureStore : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip();
    void batchedSignalsFromManyThreads();
    void summaryFromIndex();
    void saveAsMovesAutosave();
    void createFailsOnBadPath();
    void appendsAfterCloseAreDropped();
    void scanPayloads_data();
    void scanPayloads();
};

void tst_CaptureStore::roundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("round.wslens"));
    std::vector<FrameRecord> written;
    QList<ConnectionInfo> conns;
    {
        CaptureStore store;
        QVERIFY2(store.create(path), qPrintable(store.errorString()));
        QCOMPARE(store.filePath(), path);
        const quint64 c1 = store.openConnection(sampleConnection(1));
        const quint64 c2 = store.openConnection(sampleConnection(2));
        QCOMPARE(c1, quint64(1));
        QCOMPARE(c2, quint64(2));
        written = variedFrames(c1, c2);
        for (quint64 i = 0; i < written.size(); ++i) {
            written[i].seq = i;
            FrameRecord copy = written[i];
            copy.seq = 999; // assigned by the store
            store.appendFrame(std::move(copy));
        }
        ConnectionInfo closed = store.connection(c1);
        closed.closedUs = closed.openedUs + 5000000;
        closed.clientCloseCode = 1000;
        closed.clientCloseReason = QStringLiteral("bye ✓");
        closed.serverCloseCode = 1001;
        closed.error = QStringLiteral("upstream reset");
        closed.replayOf = 7;
        closed.insecureUpstream = true;
        store.updateConnection(closed);
        store.flush();
        QCOMPARE(store.frameCount(), quint64(written.size()));
        for (quint64 i = 0; i < written.size(); ++i) {
            compareFrames(store.frame(i), written[i]);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("live row %1").arg(i)));
        }
        conns = store.connections();
        QCOMPARE(conns.size(), 2);
        QCOMPARE(conns[0].clientCloseCode, 1000);
        store.close();
        // still readable after close
        compareFrames(store.frame(3), written[3]);
    }
    CaptureStore reopened;
    QVERIFY2(reopened.open(path), qPrintable(reopened.errorString()));
    QVERIFY2(reopened.warningString().isEmpty(), qPrintable(reopened.warningString()));
    QVERIFY(reopened.isReadOnly());
    QCOMPARE(reopened.frameCount(), quint64(written.size()));
    for (quint64 i = 0; i < written.size(); ++i) {
        compareFrames(reopened.frame(i), written[i]);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("reopened row %1").arg(i)));
    }
    QCOMPARE(reopened.connectionCount(), 2);
    for (int i = 0; i < 2; ++i) {
        compareConnections(reopened.connectionAt(i), conns[i]);
        if (QTest::currentTestFailed())
            return;
    }
    const CaptureTotals t = reopened.totals();
    QCOMPARE(t.frames, quint64(written.size()));
    QCOMPARE(t.violations, quint64(2));
    QCOMPARE(t.edits, quint64(3));
    quint64 bytes = 0;
    for (const auto &f : written)
        bytes += f.header.payloadLength;
    QCOMPARE(t.wireBytes, bytes);
    QCOMPARE(t.firstUs, written.front().timestampUs);
    QCOMPARE(t.lastUs, written.back().timestampUs);
    // out of range
    QCOMPARE(reopened.frame(written.size()).connectionId, quint64(0));
}

void tst_CaptureStore::batchedSignalsFromManyThreads()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    Recorder rec(&store);
    const quint64 conn = store.openConnection(sampleConnection(1));
    constexpr int kThreads = 4;
    constexpr int kPerThread = 50000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&store, conn, t] {
            for (int i = 0; i < kPerThread; ++i) {
                FrameRecord f = sampleFrame(conn, quint64(i));
                f.timestampUs = t; // thread marker
                f.payload = QByteArray::number(t) + ':' + QByteArray::number(i);
                f.message = f.payload;
                store.appendFrame(std::move(f));
            }
        });
    }
    for (auto &th : threads)
        th.join();
    store.flush();
    QCOMPARE(store.frameCount(), quint64(kThreads * kPerThread));
    QTRY_COMPARE_WITH_TIMEOUT(rec.rows, quint64(kThreads * kPerThread), 5000);
    QCOMPARE(rec.conns, 1);
    QVERIFY(!rec.gaps);
    QVERIFY2(rec.frameSignals < 200, qPrintable(QString::number(rec.frameSignals)));
    // per-thread order is kept and seq equals the row
    std::vector<int> next(kThreads, 0);
    for (quint64 row = 0; row < store.frameCount(); row += 97) {
        const FrameRecord f = store.frame(row);
        QCOMPARE(f.seq, row);
    }
    for (quint64 row = 0; row < store.frameCount(); ++row) {
        const FrameSummary s = store.summary(row);
        const int t = int(s.timestampUs);
        const QByteArray expect = QByteArray::number(t) + ':' + QByteArray::number(next[size_t(t)]);
        QCOMPARE(s.previewBytes(), expect.left(FrameSummary::kPreviewBytes));
        ++next[size_t(t)];
    }
}

void tst_CaptureStore::summaryFromIndex()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const quint64 c1 = store.openConnection(sampleConnection(1));
    const quint64 c2 = store.openConnection(sampleConnection(2));
    const auto frames = variedFrames(c1, c2);
    for (const auto &f : frames)
        store.appendFrame(FrameRecord(f));
    store.flush();
    QCOMPARE(store.frameCount(), quint64(frames.size()));
    for (quint64 i = 0; i < frames.size(); ++i) {
        const FrameRecord &f = frames[i];
        const FrameSummary s = store.summary(i);
        QCOMPARE(s.row, i);
        QCOMPARE(s.connectionId, f.connectionId);
        QCOMPARE(s.timestampUs, f.timestampUs);
        QCOMPARE(s.wireLength, f.header.payloadLength);
        QCOMPARE(s.payloadSize, quint32(f.payload.size()));
        QCOMPARE(s.messageSize, f.hasMessage ? quint32(f.message.size()) : 0u);
        QCOMPARE(s.direction, f.direction);
        QCOMPARE(s.opcode, f.header.opcode);
        QCOMPARE(s.rsv, f.header.rsv);
        QCOMPARE(s.fin, f.header.fin);
        QCOMPARE(s.masked, f.header.masked);
        QCOMPARE(s.hasMessage, f.hasMessage);
        QCOMPARE(s.unparsed, f.unparsed);
        QCOMPARE(s.violation, f.violation);
        QCOMPARE(s.edit, f.edit);
        const QByteArray &src = f.hasMessage && !f.message.isEmpty() ? f.message : f.payload;
        QCOMPARE(s.previewBytes(), src.left(FrameSummary::kPreviewBytes));
    }
}

void tst_CaptureStore::saveAsMovesAutosave()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const QString temp = store.filePath();
    QVERIFY(QFile::exists(temp));
    const quint64 c = store.openConnection(sampleConnection(1));
    for (int i = 0; i < 10; ++i)
        store.appendFrame(sampleFrame(c, quint64(i)));
    const QString saved = dir.filePath(QStringLiteral("saved session")); // no extension added
    QVERIFY2(store.saveAs(saved), qPrintable(store.errorString()));
    QCOMPARE(store.filePath(), saved);
    QVERIFY(!QFile::exists(temp));
    for (int i = 10; i < 20; ++i)
        store.appendFrame(sampleFrame(c, quint64(i)));
    const QString copy = dir.filePath(QStringLiteral("copy.wslens"));
    QVERIFY(store.copyTo(copy));
    store.close();
    QCOMPARE(store.frame(15).payload, sampleFrame(c, 15).payload);
    for (const QString &p : {saved, copy}) {
        CaptureStore reopened;
        QVERIFY2(reopened.open(p), qPrintable(reopened.errorString()));
        QCOMPARE(reopened.frameCount(), quint64(20));
        QCOMPARE(reopened.frame(19).payload, sampleFrame(c, 19).payload);
        QCOMPARE(reopened.connectionCount(), 1);
    }
    // The copy was taken before close(): no end marker, reported.
    CaptureStore snap;
    QVERIFY(snap.open(copy));
    QVERIFY(!snap.warningString().isEmpty());
    CaptureStore full;
    QVERIFY(full.open(saved));
    QVERIFY2(full.warningString().isEmpty(), qPrintable(full.warningString()));
}

void tst_CaptureStore::createFailsOnBadPath()
{
    CaptureStore store;
    QVERIFY(!store.create(QStringLiteral("/nonexistent-dir-wslens/x.wslens")));
    QVERIFY(store.errorString().contains(QLatin1String("/nonexistent-dir-wslens/x.wslens")));
    CaptureStore missing;
    QVERIFY(!missing.open(QStringLiteral("/nonexistent-dir-wslens/x.wslens")));
    QVERIFY(!missing.errorString().isEmpty());
}

void tst_CaptureStore::appendsAfterCloseAreDropped()
{
    CaptureStore store;
    QVERIFY(store.createTemporary());
    const quint64 c = store.openConnection(sampleConnection(1));
    store.appendFrame(sampleFrame(c, 0));
    store.close();
    store.appendFrame(sampleFrame(c, 1));
    store.flush();
    QCOMPARE(store.frameCount(), quint64(1));
    QCOMPARE(store.droppedFrames(), quint64(1));
}

void tst_CaptureStore::scanPayloads_data()
{
    QTest::addColumn<bool>("reopen");
    QTest::addColumn<int>("bigFrames"); // 70 kB frames: 520 make the scan read O_DIRECT with read-ahead
    QTest::newRow("live capture") << false << 180;
    QTest::newRow("opened file") << true << 180;
    QTest::newRow("live, over 32 MiB") << false << 520;
    QTest::newRow("opened, over 32 MiB") << true << 520;
}

// The bulk read hands every row's search bytes (message, else payload) in
// order, across block boundaries, connection records and big frames, and
// stops, resumes and cancels where it says.
void tst_CaptureStore::scanPayloads()
{
    QFETCH(bool, reopen);
    QFETCH(int, bigFrames);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("scan.wslens"));
    std::vector<QByteArray> expected;
    auto live = std::make_unique<CaptureStore>();
    QVERIFY(live->create(path));
    const quint64 c1 = live->openConnection(sampleConnection(1));
    const quint64 c2 = live->openConnection(sampleConnection(2));
    for (int round = 0; round < 3; ++round) {
        for (const FrameRecord &f : variedFrames(c1, c2)) {
            expected.push_back(f.hasMessage ? f.message : f.payload);
            live->appendFrame(FrameRecord(f));
        }
        live->openConnection(sampleConnection(3 + round)); // a record between frames
    }
    // 12 or 36 MiB of big frames: more than one scan block (8 MiB)
    for (int i = 0; i < bigFrames; ++i) {
        FrameRecord f = sampleFrame(c1, quint64(i));
        f.payload = QByteArray(70000, char('a' + i % 26)) + QByteArray::number(i);
        f.message = i % 2 ? f.payload : QByteArray();
        f.hasMessage = i % 2;
        expected.push_back(f.payload);
        live->appendFrame(std::move(f));
    }
    // frames over WriteBatch::kExternalBytes (written by reference)
    const quint64 firstBig = expected.size();
    std::vector<FrameRecord> big;
    for (int i = 0; i < 3; ++i) {
        FrameRecord f = sampleFrame(c1, quint64(i));
        f.header.rsv = Rsv::Rsv1;
        f.payload = QByteArray(1200000 + i, char('0' + i));
        f.header.payloadLength = quint64(f.payload.size());
        f.message = QByteArray(1300000, char('A' + i)); // "decompressed"
        if (i == 1) {
            f.edit = EditMark::Replaced;
            f.original = QByteArray(5000, 'o');
        }
        f.seq = firstBig + quint64(i);
        big.push_back(f);
        expected.push_back(f.message);
        live->appendFrame(std::move(f));
    }
    for (int i = 0; i < 5000; ++i) { // past the first cancellation check at row 4096
        FrameRecord f = sampleFrame(c2, quint64(i));
        expected.push_back(f.message);
        live->appendFrame(std::move(f));
    }
    live->flush();
    CaptureStore opened;
    CaptureStore *store = live.get();
    if (reopen) {
        live->close();
        QVERIFY(opened.open(path));
        store = &opened;
    }
    const quint64 n = expected.size();
    QCOMPARE(store->frameCount(), n);
    for (quint64 i = 0; i < big.size(); ++i) {
        compareFrames(store->frame(firstBig + i), big[i]);
        if (QTest::currentTestFailed())
            return;
    }

    quint64 next = 0;
    bool same = true;
    QCOMPARE(store->scanPayloads(0, n + 100, [&](quint64 row, QByteArrayView bytes) {
        same = same && row == next++ && bytes == QByteArrayView(expected[row]);
        return true;
    }), n);
    QVERIFY(same);
    QCOMPARE(next, n);

    // a range in the middle
    next = 25;
    QCOMPARE(store->scanPayloads(25, 300, [&](quint64 row, QByteArrayView bytes) {
        same = same && row == next++ && bytes == QByteArrayView(expected[row]);
        return true;
    }), quint64(300));
    QVERIFY(same);
    QCOMPARE(next, quint64(300));
    // stopping early: the row after the last one handed over
    QCOMPARE(store->scanPayloads(10, n, [](quint64 row, QByteArrayView) { return row < 40; }), quint64(41));
    // cancelled: stops at a 4096-row boundary without calling for it
    std::atomic<bool> cancel{false};
    quint64 calls = 0;
    QCOMPARE(store->scanPayloads(0, n, [&](quint64 row, QByteArrayView) {
        ++calls;
        if (row == 100)
            cancel = true;
        return true;
    }, &cancel), quint64(4096));
    QCOMPARE(calls, quint64(4096));
    // empty and inverted ranges
    QCOMPARE(store->scanPayloads(n, n + 5, [](quint64, QByteArrayView) { return true; }), n);
    QCOMPARE(store->scanPayloads(7, 3, [](quint64, QByteArrayView) { return true; }), quint64(7));
}

QTEST_GUILESS_MAIN(tst_CaptureStore)
#include "tst_capturestore.moc"
