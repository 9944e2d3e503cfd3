// Display helpers: opcode names, previews, hex dumps, close payloads.
#include "detail/formatting.h"

#include <QtTest>

using namespace wslens;
using namespace wslens::ui;

class TestFormatting : public QObject
{
    Q_OBJECT
private slots:
    void opcodeNames_data();
    void opcodeNames();
    void hexDumpLayout();
    void hexDumpLimit();
    void preview_data();
    void preview();
    void bytes_data();
    void bytes();
};

void TestFormatting::opcodeNames_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QString>("name");
    QTest::newRow("cont") << 0 << QStringLiteral("cont");
    QTest::newRow("text") << 1 << QStringLiteral("text");
    QTest::newRow("binary") << 2 << QStringLiteral("binary");
    QTest::newRow("reserved 3") << 3 << QStringLiteral("0x3");
    QTest::newRow("close") << 8 << QStringLiteral("close");
    QTest::newRow("ping") << 9 << QStringLiteral("ping");
    QTest::newRow("pong") << 10 << QStringLiteral("pong");
    QTest::newRow("reserved f") << 15 << QStringLiteral("0xf");
}

void TestFormatting::opcodeNames()
{
    QFETCH(int, opcode);
    QFETCH(QString, name);
    QCOMPARE(fmt::opcodeName(quint8(opcode)), name);
}

void TestFormatting::hexDumpLayout()
{
    const QString dump = fmt::hexDump(QByteArrayLiteral("Hello, WebSocket!\x01"));
    const QStringList lines = dump.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0], QStringLiteral("00000000  48 65 6c 6c 6f 2c 20 57  65 62 53 6f 63 6b 65 74 |Hello, WebSocket|"));
    QVERIFY2(lines[1].startsWith(QStringLiteral("00000010  21 01 ")), qPrintable(lines[1]));
    QVERIFY2(lines[1].endsWith(QStringLiteral("|!.|")), qPrintable(lines[1]));
}

void TestFormatting::hexDumpLimit()
{
    const QString dump = fmt::hexDump(QByteArray(100, 'a'), 32);
    QCOMPARE(dump.count(QLatin1Char('\n')), 3);
    QVERIFY(dump.contains(QStringLiteral("68 more bytes")));
}

void TestFormatting::preview_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<QString>("expected");
    QTest::newRow("text") << 1 << QByteArrayLiteral("hi\nthere") << qint64(8) << QStringLiteral("hi there");
    QTest::newRow("text truncated") << 1 << QByteArrayLiteral("abc") << qint64(10) << QStringLiteral("abc …");
    QTest::newRow("binary") << 2 << QByteArray::fromHex("00ff10") << qint64(3) << QStringLiteral("00 ff 10");
    QTest::newRow("close") << 8 << QByteArray::fromHex("03e8") + QByteArrayLiteral("bye") << qint64(5)
                           << QStringLiteral("1000 normal: bye");
    QTest::newRow("close empty") << 8 << QByteArray() << qint64(0) << QStringLiteral("no status");
    QTest::newRow("ping text") << 9 << QByteArrayLiteral("ping?") << qint64(5) << QStringLiteral("ping?");
    QTest::newRow("ping binary") << 9 << QByteArray::fromHex("0001") << qint64(2) << QStringLiteral("00 01");
}

void TestFormatting::preview()
{
    QFETCH(int, opcode);
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, total);
    QFETCH(QString, expected);
    QCOMPARE(fmt::preview(quint8(opcode), bytes, total), expected);
}

void TestFormatting::bytes_data()
{
    QTest::addColumn<qint64>("n");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0 B");
    QTest::newRow("1023") << qint64(1023) << QStringLiteral("1023 B");
    QTest::newRow("1536") << qint64(1536) << QStringLiteral("1.5 KiB");
    QTest::newRow("20 MiB") << qint64(20) * 1024 * 1024 << QStringLiteral("20 MiB");
}

void TestFormatting::bytes()
{
    QFETCH(qint64, n);
    QFETCH(QString, text);
    QCOMPARE(fmt::bytes(n), text);
}

QTEST_GUILESS_MAIN(TestFormatting)
#include "tst_formatting.moc"
