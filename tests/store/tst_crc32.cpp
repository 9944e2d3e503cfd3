// session::crc32 (the record checksum) against a bitwise reference of the
// zlib/ISO-HDLC CRC-32, across the lengths and alignments where the folded
// (carry-less multiplication) path hands over to the byte-wise tail.

#include "store/crc32.h"

#include <QByteArray>
#include <QRandomGenerator>
#include <QTest>

using namespace wslens;

namespace {

quint32 referenceCrc(quint32 crc, const char *data, qsizetype size)
{
    crc = ~crc;
    for (qsizetype i = 0; i < size; ++i) {
        crc ^= quint8(data[i]);
        for (int b = 0; b < 8; ++b)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray randomBytes(qsizetype n, quint32 seed)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator rng(seed);
    for (char &c : b)
        c = char(rng.generate());
    return b;
}

} // namespace

class TestCrc32 : public QObject
{
    Q_OBJECT
private slots:
    void knownValues_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<quint32>("crc");
        QTest::newRow("empty") << QByteArray() << 0u;
        QTest::newRow("check string") << QByteArrayLiteral("123456789") << 0xcbf43926u;
        QTest::newRow("64 zero bytes") << QByteArray(64, '\0') << 0x758d6336u;
        QTest::newRow("80 x 'a'") << QByteArray(80, 'a') << referenceCrc(0, QByteArray(80, 'a').constData(), 80);
    }
    void knownValues()
    {
        QFETCH(QByteArray, data);
        QFETCH(quint32, crc);
        QCOMPARE(session::crc32(0, data.constData(), size_t(data.size())), crc);
    }

    // Every length from 0 to 300 (the fold needs 64 bytes and works in 16-byte
    // steps) at every alignment within 16 bytes, plus a few large sizes.
    void matchesReference_data()
    {
        QTest::addColumn<int>("minLength");
        QTest::addColumn<int>("maxLength");
        QTest::newRow("short, below one fold") << 0 << 63;
        QTest::newRow("one to four folds") << 64 << 300;
        QTest::newRow("record sizes") << 1000 << 1040;
        QTest::newRow("64 KiB +- 17") << 65536 - 17 << 65536 + 17;
    }
    void matchesReference()
    {
        QFETCH(int, minLength);
        QFETCH(int, maxLength);
        const QByteArray data = randomBytes(maxLength + 16, quint32(maxLength));
        for (int len = minLength; len <= maxLength; ++len) {
            for (int off = 0; off < 16; off += (maxLength > 2000 ? 5 : 1)) {
                const char *p = data.constData() + off;
                const quint32 want = referenceCrc(0, p, len);
                const quint32 got = session::crc32(0, p, size_t(len));
                if (got != want)
                    QFAIL(qPrintable(QStringLiteral("length %1 offset %2: %3 != %4")
                                         .arg(len).arg(off).arg(got, 8, 16).arg(want, 8, 16)));
            }
        }
    }

    // A checksum continued piece by piece equals the one over the whole.
    void continues()
    {
        const QByteArray data = randomBytes(5000, 7);
        const quint32 whole = referenceCrc(0, data.constData(), data.size());
        for (int cut : {1, 15, 16, 63, 64, 65, 200, 4096, 4999}) {
            quint32 crc = session::crc32(0, data.constData(), size_t(cut));
            crc = session::crc32(crc, data.constData() + cut, size_t(data.size() - cut));
            QCOMPARE(crc, whole);
        }
    }

    void reportsPath()
    {
#if defined(__x86_64__)
        qInfo("carry-less multiplication path: %s", session::crc32Accelerated() ? "yes" : "no");
#endif
        QVERIFY(session::crc32(0, "a", 1) == 0xe8b7be43u);
    }
};

QTEST_GUILESS_MAIN(TestCrc32)
#include "tst_crc32.moc"
