// TlsSocket's read buffer: byte order across chunk boundaries for every way of
// reading, whole chunks handed over without copying, chunk reuse.
#include "tls/chunkqueue.h"

#include <QtTest>

using wslens::tls::detail::ChunkQueue;

namespace {

QByteArray pattern(qsizetype n, int seed)
{
    QByteArray b(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        b[i] = char((i * 31 + seed) & 0xff);
    return b;
}

// Appends `data` in pieces of at most `piece` bytes, as a socket read loop does.
void fill(ChunkQueue &q, const QByteArray &data, qsizetype piece)
{
    for (qsizetype at = 0; at < data.size();) {
        qsizetype space = 0;
        char *p = q.beginAppend(qMin(piece, data.size() - at), &space);
        const qsizetype n = qMin(space, data.size() - at);
        std::memcpy(p, data.constData() + at, size_t(n));
        q.endAppend(n);
        at += n;
    }
}

} // namespace

class TstChunkQueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsInOrder_data()
    {
        QTest::addColumn<qsizetype>("total");
        QTest::addColumn<qsizetype>("piece");
        QTest::addColumn<qint64>("readSize");
        const qsizetype chunk = ChunkQueue::kChunkSize;
        for (qsizetype total : {qsizetype(1), chunk - 1, chunk, chunk + 1, 3 * chunk + 17})
            for (qsizetype piece : {qsizetype(1000), chunk})
                for (qint64 readSize : {qint64(1), qint64(4096), qint64(chunk), qint64(10 * chunk)})
                    QTest::addRow("total %lld piece %lld read %lld", qlonglong(total), qlonglong(piece),
                                  qlonglong(readSize))
                        << total << piece << readSize;
    }
    void readsInOrder()
    {
        QFETCH(qsizetype, total);
        QFETCH(qsizetype, piece);
        QFETCH(qint64, readSize);
        const QByteArray data = pattern(total, 7);
        ChunkQueue q;
        fill(q, data, piece);
        QCOMPARE(q.size(), total);
        char first = 0;
        QCOMPARE(q.peek(&first, 1), qint64(1));
        QCOMPARE(first, data.at(0));
        QByteArray got;
        while (!q.isEmpty()) {
            const QByteArray part = q.read(readSize);
            QVERIFY(!part.isEmpty());
            QVERIFY(part.size() <= readSize);
            got += part;
        }
        QCOMPARE(got, data);
        QVERIFY(q.read(100).isEmpty());
    }

    void mixedPeekSkipReadAll()
    {
        const QByteArray data = pattern(3 * ChunkQueue::kChunkSize + 5, 3);
        ChunkQueue q;
        fill(q, data, 7000);
        QByteArray head(100, '\0');
        QCOMPARE(q.peek(head.data(), 100), qint64(100));
        QCOMPARE(head, data.left(100));
        QCOMPARE(q.skip(ChunkQueue::kChunkSize + 10), qint64(ChunkQueue::kChunkSize + 10));
        QCOMPARE(q.read(20), data.mid(ChunkQueue::kChunkSize + 10, 20));
        QCOMPARE(q.readAll(), data.mid(ChunkQueue::kChunkSize + 30));
        QCOMPARE(q.size(), 0);
        QCOMPARE(q.skip(10), qint64(0));
        // Still usable after being emptied.
        fill(q, data.left(10), 10);
        QCOMPARE(q.readAll(), data.left(10));
    }

    void prependComesFirst_data()
    {
        QTest::addColumn<qsizetype>("consumedFirst"); // bytes read before the prepend (offset into a chunk)
        QTest::addColumn<qsizetype>("buffered");      // bytes in the queue
        QTest::newRow("empty queue") << qsizetype(0) << qsizetype(0);
        QTest::newRow("whole chunk") << qsizetype(0) << qsizetype(1000);
        QTest::newRow("after a partial read") << qsizetype(300) << qsizetype(1000);
        QTest::newRow("several chunks, partial read") << qsizetype(70000) << qsizetype(3 * ChunkQueue::kChunkSize + 9);
    }
    // What a relay session gives back (a ClientHello read with the CONNECT request)
    // is read first, then the rest in order; appending afterwards still works.
    void prependComesFirst()
    {
        QFETCH(qsizetype, consumedFirst);
        QFETCH(qsizetype, buffered);
        const QByteArray data = pattern(buffered, 5);
        ChunkQueue q;
        fill(q, data, 9000);
        QCOMPARE(q.skip(consumedFirst), qint64(qMin(consumedFirst, buffered)));
        const QByteArray back = pattern(517, 9);
        q.prepend(back);
        QCOMPARE(q.size(), qint64(back.size() + buffered - qMin(consumedFirst, buffered)));
        QByteArray head(600, '\0');
        const qint64 peeked = q.peek(head.data(), 600);
        QCOMPARE(head.left(qsizetype(qMin<qint64>(peeked, back.size()))), back.left(qsizetype(qMin<qint64>(peeked, back.size()))));
        const QByteArray more = pattern(100, 11);
        fill(q, more, 100);
        QByteArray got;
        while (q.size() > 0)
            got += q.read(4096);
        QCOMPARE(got, back + data.mid(qMin(consumedFirst, buffered)) + more);
    }

    void wholeChunkIsHandedOverAndReused()
    {
        ChunkQueue q;
        qsizetype space = 0;
        char *p = q.beginAppend(ChunkQueue::kChunkSize, &space);
        QCOMPARE(space, ChunkQueue::kChunkSize);
        std::memset(p, 'a', size_t(space));
        q.endAppend(space);
        QByteArray chunk = q.read(10 * ChunkQueue::kChunkSize);
        QCOMPARE(chunk.size(), ChunkQueue::kChunkSize);
        QCOMPARE(chunk.constData(), p); // the very buffer, not a copy
        QCOMPARE(q.size(), 0);
        ChunkQueue::recycle(std::move(chunk));
        char *again = q.beginAppend(100, &space);
        QCOMPARE(again, p); // the recycled allocation
        q.endAppend(0);
        // A chunk somebody still holds is not reused.
        char *held = q.beginAppend(ChunkQueue::kChunkSize, &space);
        q.endAppend(space);
        QByteArray first = q.read(ChunkQueue::kChunkSize);
        const QByteArray copy = first;
        ChunkQueue::recycle(std::move(first));
        QVERIFY(q.beginAppend(100, &space) != held);
        q.endAppend(0);
        QCOMPARE(copy.constData(), held);
    }
};

QTEST_GUILESS_MAIN(TstChunkQueue)
#include "tst_chunkqueue.moc"
