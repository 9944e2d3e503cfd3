// Frame writer: RFC 6455 5.7 examples byte for byte, every field combination
// (valid and invalid on purpose) read back by the parser, fragmentation.

#include "framerecorder.h"

#include "protocol/framewriter.h"

#include <QTest>

using namespace wslens;
using namespace wslens::test;

namespace {
QByteArray hex(const char *h)
{
    return QByteArray::fromHex(QByteArray(h));
}
ParserOptions serverSide(Role sender)
{
    ParserOptions o;
    o.sender = sender;
    o.allowedRsv = 0x7;
    o.validateUtf8 = false;
    return o;
}
} // namespace

class TestFrameWriter : public QObject
{
    Q_OBJECT

private slots:
    void rfcExamples_data();
    void rfcExamples();
    void everyFieldCombination();
    void forcedLengthEncoding_data();
    void forcedLengthEncoding();
    void declaredLengthDiffers();
    void randomMaskKey();
    void fastPathMatchesSpecPath_data();
    void fastPathMatchesSpecPath();
    void fragmentedMessage_data();
    void fragmentedMessage();
    void closeFrames();
};

void TestFrameWriter::rfcExamples_data()
{
    QTest::addColumn<int>("opcode");
    QTest::addColumn<bool>("fin");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray hello = QByteArrayLiteral("Hello");
    QTest::newRow("unmasked text") << 1 << true << false << hello << hex("810548656c6c6f");
    QTest::newRow("masked text") << 1 << true << true << hello << hex("818537fa213d7f9f4d5158");
    QTest::newRow("fragment 1") << 1 << false << false << QByteArrayLiteral("Hel") << hex("010348656c");
    QTest::newRow("fragment 2") << 0 << true << false << QByteArrayLiteral("lo") << hex("80026c6f");
    QTest::newRow("unmasked ping") << 9 << true << false << hello << hex("890548656c6c6f");
    QTest::newRow("masked pong") << 10 << true << true << hello << hex("8a8537fa213d7f9f4d5158");
    const QByteArray b256(256, 'z');
    QTest::newRow("256 bytes") << 2 << true << false << b256 << (hex("827e0100") + b256);
    const QByteArray b64k(65536, 'q');
    QTest::newRow("64 KiB") << 2 << true << false << b64k << (hex("827f0000000000010000") + b64k);
}

void TestFrameWriter::rfcExamples()
{
    QFETCH(int, opcode);
    QFETCH(bool, fin);
    QFETCH(bool, masked);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, expected);
    FrameSpec s;
    s.opcode = std::uint8_t(opcode);
    s.fin = fin;
    s.masked = masked;
    s.maskKey = 0x37fa213d;
    QCOMPARE(FrameWriter::frame(s, payload), expected);
    QByteArray fast;
    FrameWriter::appendFrame(fast, std::uint8_t(opcode), payload, fin, 0, masked, 0x37fa213d);
    QCOMPARE(fast, expected);
}

void TestFrameWriter::everyFieldCombination()
{
    // Any opcode 0-15, any RSV bits, FIN either way, mask on/off: the parser
    // reads back exactly the fields that were written.
    const QByteArray payload = QByteArrayLiteral("payload bytes");
    int checked = 0;
    for (int op = 0; op < 16; ++op) {
        for (int rsv = 0; rsv < 8; ++rsv) {
            for (bool fin : {false, true}) {
                for (bool masked : {false, true}) {
                    FrameSpec s;
                    s.opcode = std::uint8_t(op);
                    s.rsv = std::uint8_t(rsv);
                    s.fin = fin;
                    s.masked = masked;
                    s.maskKey = 0x0BADF00Du + std::uint32_t(op);
                    const QByteArray wire = FrameWriter::frame(s, payload);
                    QCOMPARE(wire.size(), 2 + (masked ? 4 : 0) + payload.size());
                    const FrameRecorder rec = parseChunked(serverSide(masked ? Role::Client : Role::Server), wire);
                    QCOMPARE(rec.frames.size(), 1);
                    const FrameHeader &h = rec.frames.first().header;
                    QCOMPARE(int(h.opcode), op);
                    QCOMPARE(int(h.rsv), rsv);
                    QCOMPARE(h.fin, fin);
                    QCOMPARE(h.masked, masked);
                    QCOMPARE(h.maskKey, masked ? *s.maskKey : 0u);
                    QCOMPARE(rec.frames.first().payload, payload);
                    if (masked) // the payload really is masked on the wire
                        QVERIFY(!wire.contains(payload));
                    ++checked;
                }
            }
        }
    }
    QCOMPARE(checked, 16 * 8 * 2 * 2);
}

void TestFrameWriter::forcedLengthEncoding_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("encoding");
    QTest::addColumn<QByteArray>("expectedHeader");
    QTest::newRow("5 bytes as 64-bit") << 5 << int(LengthEncoding::Long64) << hex("827f0000000000000005");
    QTest::newRow("5 bytes as 16-bit") << 5 << int(LengthEncoding::Medium16) << hex("827e0005");
    QTest::newRow("0 bytes as 16-bit") << 0 << int(LengthEncoding::Medium16) << hex("827e0000");
    QTest::newRow("300 bytes as 64-bit") << 300 << int(LengthEncoding::Long64) << hex("827f000000000000012c");
    QTest::newRow("125 bytes as 7-bit") << 125 << int(LengthEncoding::Short7) << hex("827d");
}

void TestFrameWriter::forcedLengthEncoding()
{
    QFETCH(int, size);
    QFETCH(int, encoding);
    QFETCH(QByteArray, expectedHeader);
    FrameSpec s;
    s.lengthEncoding = LengthEncoding(encoding);
    const QByteArray payload(size, 'a');
    const QByteArray wire = FrameWriter::frame(s, payload);
    QCOMPARE(wire.left(expectedHeader.size()), expectedHeader);
    QCOMPARE(wire.size(), expectedHeader.size() + size);
    const FrameRecorder rec = parseChunked(serverSide(Role::Server), wire, {1});
    QCOMPARE(rec.frames.size(), 1);
    QCOMPARE(int(rec.frames.first().header.lengthEncoding), encoding);
    QCOMPARE(rec.frames.first().payload, payload);
    const bool minimal = FrameWriter::minimalEncoding(std::uint64_t(size)) == LengthEncoding(encoding);
    QCOMPARE(rec.frames.first().violations.contains(Violation::NonMinimalLength), !minimal);
}

void TestFrameWriter::declaredLengthDiffers()
{
    // Declares 10 bytes, carries 4: the next frame's 6 bytes are read as payload.
    FrameSpec s;
    s.declaredLength = 10;
    QByteArray wire = FrameWriter::frame(s, QByteArrayLiteral("abcd"));
    QCOMPARE(wire, hex("820a61626364"));
    wire += FrameWriter::frame(FrameSpec(), QByteArrayLiteral("efgh"));
    const FrameRecorder rec = parseChunked(serverSide(Role::Server), wire);
    QCOMPARE(rec.frames.size(), 1);
    QCOMPARE(rec.frames.first().payload, hex("61626364820465666768")); // swallowed the whole next frame
    QVERIFY(rec.frames.first().ended);
    QCOMPARE(rec.frames.first().header.payloadLength, std::uint64_t(10));

    // Declares fewer bytes than it carries.
    s.declaredLength = 2;
    s.masked = true;
    s.maskKey = 0x01010101;
    const QByteArray shortWire = FrameWriter::frame(s, QByteArrayLiteral("xy\x82\x00"));
    QCOMPARE(shortWire.size(), 2 + 4 + 4);
    QCOMPARE(int(quint8(shortWire.at(1))), 0x82);
}

void TestFrameWriter::randomMaskKey()
{
    FrameSpec s;
    s.masked = true; // no key given: random per frame
    const QByteArray a = FrameWriter::frame(s, QByteArrayLiteral("same"));
    const QByteArray b = FrameWriter::frame(s, QByteArrayLiteral("same"));
    const QByteArray c = FrameWriter::frame(s, QByteArrayLiteral("same"));
    QVERIFY(a != b || b != c); // three equal 32-bit random keys: practically impossible
    for (const QByteArray &w : {a, b, c}) {
        const FrameRecorder rec = parseChunked(serverSide(Role::Client), w);
        QVERIFY(rec.frames.first().header.maskKey != 0);
        QCOMPARE(rec.frames.first().payload, QByteArrayLiteral("same"));
    }
}

void TestFrameWriter::fastPathMatchesSpecPath_data()
{
    QTest::addColumn<int>("size");
    for (int size : {0, 1, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536, 1 << 20})
        QTest::addRow("%d", size) << size;
}

void TestFrameWriter::fastPathMatchesSpecPath()
{
    QFETCH(int, size);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char(i * 13);
    for (bool masked : {false, true}) {
        FrameSpec s;
        s.opcode = Opcode::Binary;
        s.masked = masked;
        s.maskKey = 0x89ABCDEF;
        QByteArray fast("prefix");
        FrameWriter::appendFrame(fast, Opcode::Binary, payload, true, 0, masked, 0x89ABCDEF);
        QCOMPARE(fast, QByteArray("prefix") + FrameWriter::frame(s, payload));
    }
}

void TestFrameWriter::fragmentedMessage_data()
{
    QTest::addColumn<int>("payloadSize");
    QTest::addColumn<int>("fragments");
    QTest::addColumn<bool>("masked");
    QTest::newRow("1 fragment") << 10 << 1 << false;
    QTest::newRow("3 even") << 9 << 3 << true;
    QTest::newRow("4 uneven") << 10 << 4 << false;
    QTest::newRow("more fragments than bytes") << 2 << 5 << true;
    QTest::newRow("empty message in 3") << 0 << 3 << false;
    QTest::newRow("0 fragments means 1") << 4 << 0 << false;
}

void TestFrameWriter::fragmentedMessage()
{
    QFETCH(int, payloadSize);
    QFETCH(int, fragments);
    QFETCH(bool, masked);
    QByteArray payload(payloadSize, Qt::Uninitialized);
    for (int i = 0; i < payloadSize; ++i)
        payload[i] = char('a' + i % 26);
    FrameSpec first;
    first.opcode = Opcode::Text;
    first.rsv = Rsv::Rsv1;
    first.masked = masked;
    std::vector<InterleavedFrame> controls;
    InterleavedFrame ping;
    ping.afterFragment = 0;
    ping.spec.opcode = Opcode::Ping;
    ping.spec.masked = masked;
    ping.payload = QByteArrayLiteral("ping");
    controls.push_back(ping);
    InterleavedFrame late = ping;
    late.afterFragment = 99; // past the end: after the last fragment
    late.spec.opcode = Opcode::Pong;
    controls.push_back(late);

    const QByteArray wire = FrameWriter::fragmentedMessage(first, payload, fragments, controls);
    ParserOptions o = serverSide(masked ? Role::Client : Role::Server);
    o.allowedRsv = Rsv::Rsv1;
    const FrameRecorder rec = parseChunked(o, wire);
    const int n = qMax(1, fragments);
    QCOMPARE(rec.frames.size(), n + 2);
    QVERIFY2(rec.allViolations().isEmpty(), qPrintable(rec.dump()));
    QByteArray joined;
    int dataIndex = 0;
    for (int i = 0; i < rec.frames.size(); ++i) {
        const RecordedFrame &f = rec.frames.at(i);
        if (i == 1) {
            QCOMPARE(int(f.header.opcode), int(Opcode::Ping));
            continue;
        }
        if (i == rec.frames.size() - 1) {
            QCOMPARE(int(f.header.opcode), int(Opcode::Pong));
            continue;
        }
        QCOMPARE(int(f.header.opcode), dataIndex == 0 ? int(Opcode::Text) : int(Opcode::Continuation));
        QCOMPARE(int(f.header.rsv), dataIndex == 0 ? int(Rsv::Rsv1) : 0);
        QCOMPARE(f.header.fin, dataIndex == n - 1);
        QCOMPARE(f.header.masked, masked);
        const int expectedSize = payloadSize / n + (dataIndex < payloadSize % n ? 1 : 0);
        QCOMPARE(f.payload.size(), expectedSize);
        joined += f.payload;
        ++dataIndex;
    }
    QCOMPARE(dataIndex, n);
    QCOMPARE(joined, payload);
}

void TestFrameWriter::closeFrames()
{
    QCOMPARE(FrameWriter::closePayload(1000, "bye"), hex("03e8627965"));
    QCOMPARE(FrameWriter::closePayload(-1), QByteArray());
    QCOMPARE(FrameWriter::closeFrame(1001), hex("880203e9"));
    QCOMPARE(FrameWriter::closeFrame(-1), hex("8800"));
    QCOMPARE(FrameWriter::closeFrame(1000, {}, true, 0x37fa213du), hex("888237fa213d3412"));
}

QTEST_GUILESS_MAIN(TestFrameWriter)
#include "tst_framewriter.moc"
