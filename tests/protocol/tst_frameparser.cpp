// Streaming frame parser: RFC 6455 5.7 examples, every length boundary,
// chunking independence, each violation, UTF-8 across fragments, limits.

#include "framerecorder.h"

#include "protocol/framewriter.h"
#include "protocol/frameparser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wslens;
using namespace wslens::test;

namespace {

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(QByteArray(h));
}

ParserOptions opts(Role sender, std::uint8_t allowedRsv = 0)
{
    ParserOptions o;
    o.sender = sender;
    o.allowedRsv = allowedRsv;
    return o;
}

QStringList ids(const QList<Violation> &vs)
{
    QStringList out;
    for (Violation v : vs)
        out << QString::fromLatin1(violationInfo(v).id);
    return out;
}

QByteArray patternPayload(qsizetype n, int seed = 1)
{
    QByteArray p(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        p[i] = char((i * 31 + seed * 7 + (i >> 8)) & 0xFF);
    return p;
}

QByteArray frame(std::uint8_t op, const QByteArray &payload, bool fin = true, bool masked = false,
                 std::uint8_t rsv = 0, std::uint32_t key = 0x11223344)
{
    FrameSpec s;
    s.opcode = op;
    s.fin = fin;
    s.masked = masked;
    s.rsv = rsv;
    s.maskKey = key;
    return FrameWriter::frame(s, payload);
}

// A stream that exercises most of the parser: every encoding, masking,
// fragments with interleaved control frames, and a few violations.
QByteArray mixedStream(bool masked)
{
    QByteArray s;
    s += frame(Opcode::Text, QByteArrayLiteral("Hello"), true, masked);
    s += frame(Opcode::Binary, patternPayload(126), true, masked, 0, 0xA1B2C3D4);
    s += frame(Opcode::Binary, patternPayload(70000, 3), true, masked, 0, 0x01020304);
    s += frame(Opcode::Text, QByteArray("caf\xC3", 4), false, masked);
    s += frame(Opcode::Ping, QByteArrayLiteral("p"), true, masked);
    s += frame(Opcode::Continuation, QByteArray("\xA9 \xE2\x82", 4), false, masked);
    s += frame(Opcode::Continuation, QByteArray("\xAC!", 2), true, masked);
    s += frame(Opcode::Binary, QByteArray(), true, masked);
    s += frame(Opcode::Text, QByteArray("bad\xFF", 4), true, masked);            // invalid-utf8
    s += frame(Opcode::Continuation, QByteArrayLiteral("x"), true, masked);      // continuation-without-message
    s += frame(0x3, QByteArrayLiteral("r"), true, masked, 0x2);                  // reserved opcode + rsv
    FrameSpec nonMinimal;
    nonMinimal.opcode = Opcode::Binary;
    nonMinimal.masked = masked;
    nonMinimal.maskKey = 0xDEADBEEF;
    nonMinimal.lengthEncoding = LengthEncoding::Long64;
    s += FrameWriter::frame(nonMinimal, QByteArrayLiteral("12345"));             // non-minimal-length
    s += frame(Opcode::Close, FrameWriter::closePayload(1000, "bye"), true, masked);
    return s;
}

} // namespace

class TestFrameParser : public QObject
{
    Q_OBJECT

private slots:
    void rfcExamples_data();
    void rfcExamples();
    void lengthBoundaries_data();
    void lengthBoundaries();
    void chunkingIndependent_data();
    void chunkingIndependent();
    void unmaskedPayloadIsZeroCopy();
    void violations_data();
    void violations();
    void utf8AcrossFragments_data();
    void utf8AcrossFragments();
    void utf8ReportedEarly();
    void compressedTextNotValidated();
    void limits_data();
    void limits();
    void hugeDeclaredLengthStreams();
    void headerDecoding();
    void stateAccessors();
};

void TestFrameParser::rfcExamples_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("sender");
    QTest::addColumn<QList<int>>("opcodes");
    QTest::addColumn<QList<bool>>("fins");
    QTest::addColumn<QByteArrayList>("payloads");
    QTest::addColumn<QList<int>>("headerLengths");

    const QByteArray hello = QByteArrayLiteral("Hello");
    QTest::newRow("single-frame unmasked text")
        << hex("810548656c6c6f") << int(Role::Server) << QList<int>{1} << QList<bool>{true}
        << QByteArrayList{hello} << QList<int>{2};
    QTest::newRow("single-frame masked text")
        << hex("818537fa213d7f9f4d5158") << int(Role::Client) << QList<int>{1} << QList<bool>{true}
        << QByteArrayList{hello} << QList<int>{6};
    QTest::newRow("fragmented unmasked text")
        << hex("010348656c80026c6f") << int(Role::Server) << QList<int>{1, 0} << QList<bool>{false, true}
        << QByteArrayList{QByteArrayLiteral("Hel"), QByteArrayLiteral("lo")} << QList<int>{2, 2};
    QTest::newRow("unmasked ping")
        << hex("890548656c6c6f") << int(Role::Server) << QList<int>{9} << QList<bool>{true}
        << QByteArrayList{hello} << QList<int>{2};
    QTest::newRow("masked pong")
        << hex("8a8537fa213d7f9f4d5158") << int(Role::Client) << QList<int>{10} << QList<bool>{true}
        << QByteArrayList{hello} << QList<int>{6};
    const QByteArray b256 = patternPayload(256);
    QTest::newRow("256 bytes binary unmasked")
        << (hex("827e0100") + b256) << int(Role::Server) << QList<int>{2} << QList<bool>{true}
        << QByteArrayList{b256} << QList<int>{4};
    const QByteArray b64k = patternPayload(65536);
    QTest::newRow("64KiB binary unmasked")
        << (hex("827f0000000000010000") + b64k) << int(Role::Server) << QList<int>{2}
        << QList<bool>{true} << QByteArrayList{b64k} << QList<int>{10};
}

void TestFrameParser::rfcExamples()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, sender);
    QFETCH(QList<int>, opcodes);
    QFETCH(QList<bool>, fins);
    QFETCH(QByteArrayList, payloads);
    QFETCH(QList<int>, headerLengths);

    for (const QList<int> &chunks : {QList<int>{}, QList<int>{1}, QList<int>{3, 1, 7}}) {
        const FrameRecorder rec = parseChunked(opts(Role(sender)), wire, chunks);
        QVERIFY(!rec.orderError);
        QCOMPARE(rec.frames.size(), opcodes.size());
        for (int i = 0; i < opcodes.size(); ++i) {
            const RecordedFrame &f = rec.frames.at(i);
            QCOMPARE(int(f.header.opcode), opcodes.at(i));
            QCOMPARE(f.header.fin, fins.at(i));
            QCOMPARE(f.payload, payloads.at(i));
            QCOMPARE(int(f.header.headerLength), headerLengths.at(i));
            QCOMPARE(f.header.payloadLength, std::uint64_t(payloads.at(i).size()));
            QVERIFY2(f.violations.isEmpty(), qPrintable(describe(f)));
            QVERIFY(f.ended);
        }
    }
    // The masked examples carry key 37 fa 21 3d.
    const FrameRecorder rec = parseChunked(opts(Role(sender)), wire);
    if (rec.frames.first().header.masked)
        QCOMPARE(rec.frames.first().header.maskKey, 0x37fa213du);
}

void TestFrameParser::lengthBoundaries_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<int>("encoding");
    for (qint64 size : {0LL, 1LL, 125LL, 126LL, 127LL, 65535LL, 65536LL, 1LL << 20}) {
        const int enc = size < 126 ? 0 : size <= 65535 ? 1 : 2;
        for (bool masked : {false, true}) {
            QTest::addRow("%lld %s", size, masked ? "masked" : "unmasked") << size << masked << enc;
        }
    }
}

void TestFrameParser::lengthBoundaries()
{
    QFETCH(qint64, size);
    QFETCH(bool, masked);
    QFETCH(int, encoding);
    const QByteArray payload = patternPayload(size, int(size & 0xFF));
    const QByteArray wire = frame(Opcode::Binary, payload, true, masked, 0, 0x9A7B3C2D)
                          + frame(Opcode::Ping, QByteArrayLiteral("after"), true, masked);
    const Role sender = masked ? Role::Client : Role::Server;
    const FrameRecorder whole = parseChunked(opts(sender), wire);
    QVERIFY(!whole.orderError);
    QCOMPARE(whole.frames.size(), 2);
    const RecordedFrame &f = whole.frames.first();
    QCOMPARE(int(f.header.lengthEncoding), encoding);
    QCOMPARE(f.header.payloadLength, std::uint64_t(size));
    QCOMPARE(int(f.header.headerLength), 2 + (encoding == 1 ? 2 : encoding == 2 ? 8 : 0) + (masked ? 4 : 0));
    QVERIFY(f.payload == payload);
    QVERIFY2(f.violations.isEmpty(), qPrintable(describe(f)));
    QCOMPARE(f.pieces, size == 0 ? 0 : masked ? int((size + 65535) / 65536) : 1);
    QCOMPARE(whole.frames.at(1).payload, QByteArrayLiteral("after"));

    // Byte-at-a-time (cheap enough up to 64 KiB) and odd chunks give the same frames.
    if (size <= 65536) {
        const FrameRecorder bytes = parseChunked(opts(sender), wire, {1});
        QCOMPARE(bytes.frames.size(), 2);
        QVERIFY(bytes.frames == whole.frames);
    }
    const FrameRecorder odd = parseChunked(opts(sender), wire, {5, 1, 4093, 2, 70001});
    QVERIFY(odd.frames == whole.frames);
}

void TestFrameParser::chunkingIndependent_data()
{
    QTest::addColumn<bool>("masked");
    QTest::newRow("client stream (masked)") << true;
    QTest::newRow("server stream (unmasked)") << false;
}

void TestFrameParser::chunkingIndependent()
{
    QFETCH(bool, masked);
    const QByteArray stream = mixedStream(masked);
    const ParserOptions o = opts(masked ? Role::Client : Role::Server);
    const FrameRecorder whole = parseChunked(o, stream);
    QVERIFY(!whole.orderError);
    QCOMPARE(whole.frames.size(), 13);
    QCOMPARE(ids(whole.allViolations()),
             (QStringList{QStringLiteral("invalid-utf8"), QStringLiteral("continuation-without-message"),
                          QStringLiteral("reserved-opcode"), QStringLiteral("reserved-bits-set"),
                          QStringLiteral("non-minimal-length")}));

    const FrameRecorder bytes = parseChunked(o, stream, {1});
    QVERIFY(!bytes.orderError);
    QVERIFY2(bytes.frames == whole.frames, qPrintable(bytes.dump()));

    QRandomGenerator rng(20261125);
    for (int round = 0; round < 20; ++round) {
        QList<int> chunks;
        for (int i = 0; i < 64; ++i)
            chunks << int(rng.bounded(1, round % 2 ? 20 : 5000));
        const FrameRecorder random = parseChunked(o, stream, chunks);
        QVERIFY(!random.orderError);
        QVERIFY2(random.frames == whole.frames, qPrintable(random.dump()));
        // A sink offering its own buffer (payloadDestination) records the same.
        const FrameRecorder inPlace = parseChunked(o, stream, chunks, true);
        QVERIFY(!inPlace.orderError);
        QVERIFY2(inPlace.frames == whole.frames, qPrintable(inPlace.dump()));
        QCOMPARE(inPlace.inPlacePieces > 0, masked); // only masked payloads are unmasked into it
    }
    const FrameRecorder inPlaceWhole = parseChunked(o, stream, {}, true);
    QVERIFY2(inPlaceWhole.frames == whole.frames, qPrintable(inPlaceWhole.dump()));
    const FrameRecorder inPlaceBytes = parseChunked(o, stream, {1}, true);
    QVERIFY2(inPlaceBytes.frames == whole.frames, qPrintable(inPlaceBytes.dump()));
}

void TestFrameParser::unmaskedPayloadIsZeroCopy()
{
    const QByteArray payload = patternPayload(1000);
    const QByteArray wire = frame(Opcode::Binary, payload, true, false);
    FrameParser parser(opts(Role::Server));
    FrameRecorder rec;
    parser.feed(wire.constData(), 500, rec);
    parser.feed(wire.constData() + 500, std::size_t(wire.size() - 500), rec);
    QCOMPARE(rec.piecePointers.size(), 2);
    QCOMPARE(rec.piecePointers.at(0), wire.constData() + 4);
    QCOMPARE(rec.piecePointers.at(1), wire.constData() + 500);
    QCOMPARE(rec.frames.first().payload, payload);

    // Masked payloads are unmasked into one reused scratch buffer.
    const QByteArray masked = frame(Opcode::Binary, payload, true, true) + frame(Opcode::Binary, payload, true, true);
    FrameRecorder rec2;
    FrameParser client(opts(Role::Client));
    client.feed(masked.constData(), std::size_t(masked.size()), rec2);
    QCOMPARE(rec2.piecePointers.size(), 2);
    QCOMPARE(rec2.piecePointers.at(0), rec2.piecePointers.at(1));
    QVERIFY(rec2.piecePointers.at(0) < masked.constData()
            || rec2.piecePointers.at(0) >= masked.constData() + masked.size());
    QCOMPARE(rec2.frames.at(1).payload, payload);
}

void TestFrameParser::violations_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("sender");
    QTest::addColumn<int>("allowedRsv");
    QTest::addColumn<QStringList>("expected");

    const int C = int(Role::Client);
    const int S = int(Role::Server);
    auto spec = [](std::uint8_t op, bool masked) {
        FrameSpec s;
        s.opcode = op;
        s.masked = masked;
        s.maskKey = 0x01020304;
        return s;
    };
    const QStringList none;

    FrameSpec s = spec(Opcode::Binary, false);
    s.lengthEncoding = LengthEncoding::Medium16;
    QTest::newRow("non-minimal 16-bit for 5 bytes")
        << FrameWriter::frame(s, QByteArrayLiteral("12345")) << S << 0 << QStringList{QStringLiteral("non-minimal-length")};
    s.lengthEncoding = LengthEncoding::Long64;
    QTest::newRow("non-minimal 64-bit for 5 bytes")
        << FrameWriter::frame(s, QByteArrayLiteral("12345")) << S << 0 << QStringList{QStringLiteral("non-minimal-length")};
    QTest::newRow("non-minimal 64-bit for 65535 bytes")
        << FrameWriter::frame(s, patternPayload(65535)) << S << 0 << QStringList{QStringLiteral("non-minimal-length")};
    QTest::newRow("minimal 64-bit for 65536 bytes") << FrameWriter::frame(s, patternPayload(65536)) << S << 0 << none;
    s.lengthEncoding.reset();
    s.declaredLength = (std::uint64_t(1) << 63) | 5;
    QTest::newRow("64-bit length top bit set")
        << FrameWriter::frame(s, QByteArrayLiteral("12345")) << S << 0
        << QStringList{QStringLiteral("length-high-bit-set"), QStringLiteral("frame-too-large"),
                       QStringLiteral("message-too-large")};

    QTest::newRow("ping over 125 bytes")
        << frame(Opcode::Ping, patternPayload(126)) << S << 0 << QStringList{QStringLiteral("control-frame-too-long")};
    QTest::newRow("ping of 125 bytes") << frame(Opcode::Ping, patternPayload(125)) << S << 0 << none;
    QTest::newRow("fragmented pong")
        << frame(Opcode::Pong, "x", false) << S << 0 << QStringList{QStringLiteral("control-frame-fragmented")};
    QTest::newRow("continuation with no message")
        << frame(Opcode::Continuation, "x") << S << 0 << QStringList{QStringLiteral("continuation-without-message")};
    QTest::newRow("data frame inside message")
        << (frame(Opcode::Text, "a", false) + frame(Opcode::Binary, "b")) << S << 0
        << QStringList{QStringLiteral("data-frame-inside-message")};
    for (int op : {3, 4, 5, 6, 7}) {
        QTest::addRow("reserved opcode 0x%x", op)
            << frame(std::uint8_t(op), "x") << S << 0 << QStringList{QStringLiteral("reserved-opcode")};
    }
    for (int op : {0xB, 0xC, 0xD, 0xE, 0xF}) {
        QTest::addRow("reserved control opcode 0x%x", op)
            << frame(std::uint8_t(op), "x") << S << 0 << QStringList{QStringLiteral("reserved-opcode")};
    }
    for (int rsv : {1, 2, 4, 7}) {
        QTest::addRow("rsv %d with nothing negotiated", rsv)
            << frame(Opcode::Binary, "x", true, false, std::uint8_t(rsv)) << S << 0
            << QStringList{QStringLiteral("reserved-bits-set")};
    }
    QTest::newRow("rsv1 with deflate") << frame(Opcode::Binary, "x", true, false, Rsv::Rsv1) << S << int(Rsv::Rsv1) << none;
    QTest::newRow("rsv2 with deflate")
        << frame(Opcode::Binary, "x", true, false, Rsv::Rsv2) << S << int(Rsv::Rsv1) << QStringList{QStringLiteral("reserved-bits-set")};
    QTest::newRow("rsv1 on ping with deflate")
        << frame(Opcode::Ping, "x", true, false, Rsv::Rsv1) << S << int(Rsv::Rsv1)
        << QStringList{QStringLiteral("compressed-control-frame")};
    QTest::newRow("rsv1 on continuation with deflate")
        << (frame(Opcode::Binary, "a", false, false, Rsv::Rsv1) + frame(Opcode::Continuation, "b", true, false, Rsv::Rsv1))
        << S << int(Rsv::Rsv1) << QStringList{QStringLiteral("compressed-continuation")};
    QTest::newRow("rsv1 on ping without deflate")
        << frame(Opcode::Ping, "x", true, false, Rsv::Rsv1) << S << 0 << QStringList{QStringLiteral("reserved-bits-set")};

    QTest::newRow("client frame unmasked")
        << frame(Opcode::Text, "hi", true, false) << C << 0 << QStringList{QStringLiteral("client-frame-unmasked")};
    QTest::newRow("server frame masked")
        << frame(Opcode::Text, "hi", true, true) << S << 0 << QStringList{QStringLiteral("server-frame-masked")};
    QTest::newRow("client frame masked") << frame(Opcode::Text, "hi", true, true) << C << 0 << none;

    QTest::newRow("invalid utf8 byte")
        << frame(Opcode::Text, QByteArray("a\xC0\xAF", 3)) << S << 0 << QStringList{QStringLiteral("invalid-utf8")};
    QTest::newRow("surrogate in text")
        << frame(Opcode::Text, QByteArray("\xED\xA0\x80", 3)) << S << 0 << QStringList{QStringLiteral("invalid-utf8")};
    QTest::newRow("truncated sequence at message end")
        << frame(Opcode::Text, QByteArray("ok\xE2\x82", 4)) << S << 0 << QStringList{QStringLiteral("invalid-utf8")};
    QTest::newRow("binary is not utf8-checked") << frame(Opcode::Binary, QByteArray("\xFF\xFE", 2)) << S << 0 << none;

    QTest::newRow("close payload of 1 byte")
        << frame(Opcode::Close, "\x03") << S << 0 << QStringList{QStringLiteral("close-payload-too-short")};
    QTest::newRow("close empty") << frame(Opcode::Close, QByteArray()) << S << 0 << none;
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
        QTest::addRow("close code %d", code)
            << frame(Opcode::Close, FrameWriter::closePayload(code)) << S << 0
            << QStringList{QStringLiteral("invalid-close-code")};
    }
    for (int code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999}) {
        QTest::addRow("close code %d valid", code) << frame(Opcode::Close, FrameWriter::closePayload(code, "ok")) << S << 0 << none;
    }
    QTest::newRow("close reason invalid utf8")
        << frame(Opcode::Close, FrameWriter::closePayload(1000, QByteArray("\xFF", 1))) << S << 0
        << QStringList{QStringLiteral("invalid-utf8")};
    QTest::newRow("close reason truncated utf8")
        << frame(Opcode::Close, FrameWriter::closePayload(1000, QByteArray("\xC3", 1))) << S << 0
        << QStringList{QStringLiteral("invalid-utf8")};
    QTest::newRow("close reason valid utf8 masked")
        << frame(Opcode::Close, FrameWriter::closePayload(1001, "\xC3\xA9t\xC3\xA9"), true, true) << C << 0 << none;
    QTest::newRow("frame after close")
        << (frame(Opcode::Close, FrameWriter::closePayload(1000)) + frame(Opcode::Text, "late")) << S << 0
        << QStringList{QStringLiteral("frame-after-close")};
    QTest::newRow("several at once")
        << frame(0xB, patternPayload(200), false, true, Rsv::Rsv3) << S << 0
        << QStringList{QStringLiteral("reserved-opcode"), QStringLiteral("control-frame-too-long"),
                       QStringLiteral("control-frame-fragmented"), QStringLiteral("reserved-bits-set"),
                       QStringLiteral("server-frame-masked")};
}

void TestFrameParser::violations()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, sender);
    QFETCH(int, allowedRsv);
    QFETCH(QStringList, expected);
    for (const QList<int> &chunks : {QList<int>{}, QList<int>{1}}) {
        const FrameRecorder rec = parseChunked(opts(Role(sender), std::uint8_t(allowedRsv)), wire, chunks);
        QVERIFY(!rec.orderError);
        QVERIFY(!rec.frames.isEmpty());
        for (const RecordedFrame &f : rec.frames) // never stops on a violation
            QCOMPARE(f.ended, std::uint64_t(f.payload.size()) == f.header.payloadLength);
        QCOMPARE(ids(rec.allViolations()), expected);
    }
}

void TestFrameParser::utf8AcrossFragments_data()
{
    QTest::addColumn<QByteArrayList>("fragments");
    QTest::addColumn<bool>("valid");
    const QByteArray euro("\xE2\x82\xAC", 3);
    const QByteArray emoji("\xF0\x9F\x98\x80", 4);
    QTest::newRow("2-byte split") << QByteArrayList{QByteArray("caf\xC3", 4), QByteArray("\xA9", 1)} << true;
    QTest::newRow("3-byte split 1+2") << QByteArrayList{euro.left(1), euro.mid(1)} << true;
    QTest::newRow("3-byte split 2+1") << QByteArrayList{euro.left(2), euro.mid(2)} << true;
    QTest::newRow("4-byte split 1+1+1+1")
        << QByteArrayList{emoji.left(1), emoji.mid(1, 1), emoji.mid(2, 1), emoji.mid(3)} << true;
    QTest::newRow("4-byte split with empty fragments")
        << QByteArrayList{emoji.left(2), QByteArray(), emoji.mid(2), QByteArray()} << true;
    QTest::newRow("incomplete at message end") << QByteArrayList{QByteArrayLiteral("a"), emoji.left(3)} << false;
    QTest::newRow("bad continuation in second fragment")
        << QByteArrayList{euro.left(2), QByteArrayLiteral("A")} << false;
    QTest::newRow("surrogate split") << QByteArrayList{QByteArray("\xED", 1), QByteArray("\xA0\x80", 2)} << false;
    QTest::newRow("above U+10FFFF split") << QByteArrayList{QByteArray("\xF4", 1), QByteArray("\x90\x80\x80", 3)} << false;
}

void TestFrameParser::utf8AcrossFragments()
{
    QFETCH(QByteArrayList, fragments);
    QFETCH(bool, valid);
    for (bool masked : {false, true}) {
        for (bool withPing : {false, true}) {
            QByteArray wire;
            for (int i = 0; i < fragments.size(); ++i) {
                wire += frame(i == 0 ? Opcode::Text : Opcode::Continuation, fragments.at(i),
                              i == fragments.size() - 1, masked, 0, 0x5A5A0000u + std::uint32_t(i));
                if (withPing && i == 0) // a control frame between fragments does not disturb the UTF-8 state
                    wire += frame(Opcode::Ping, QByteArray("\xC3", 1), true, masked);
            }
            const Role sender = masked ? Role::Client : Role::Server;
            for (const QList<int> &chunks : {QList<int>{}, QList<int>{1}}) {
                const FrameRecorder rec = parseChunked(opts(sender), wire, chunks);
                QStringList expected;
                if (!valid)
                    expected << QStringLiteral("invalid-utf8");
                QCOMPARE(ids(rec.allViolations()), expected);
            }
        }
    }
}

void TestFrameParser::utf8ReportedEarly()
{
    // The violation arrives with the piece holding the bad byte, before the frame ends.
    const QByteArray wire = frame(Opcode::Text, QByteArray("abc\xFF", 4) + QByteArray(100, 'x'));
    FrameParser parser(opts(Role::Server));
    FrameRecorder rec;
    parser.feed(wire.constData(), 2 + 4, rec);
    QCOMPARE(ids(rec.allViolations()), QStringList{QStringLiteral("invalid-utf8")});
    QVERIFY(!rec.frames.first().ended);
    // Reported once per message even though more bytes follow.
    parser.feed(wire.constData() + 6, std::size_t(wire.size() - 6), rec);
    QCOMPARE(rec.allViolations().size(), 1);

    // Invalid first fragment: later fragments of the same message do not repeat it.
    const QByteArray frag = frame(Opcode::Text, QByteArray("\xFF", 1), false) + frame(Opcode::Continuation, QByteArray("\xFF", 1));
    QCOMPARE(parseChunked(opts(Role::Server), frag).allViolations().size(), 1);

    // validateUtf8 = false turns the check off.
    ParserOptions o = opts(Role::Server);
    o.validateUtf8 = false;
    QVERIFY(parseChunked(o, wire).allViolations().isEmpty());
}

void TestFrameParser::compressedTextNotValidated()
{
    // With deflate negotiated, an RSV1 text message is DEFLATE data; the
    // permessage-deflate layer validates the inflated text instead.
    const QByteArray deflated = hex("f248cdc9c90700"); // "Hello", RFC 7692 7.2.3.1
    const QByteArray wire = frame(Opcode::Text, deflated, false, false, Rsv::Rsv1)
                          + frame(Opcode::Continuation, QByteArray("\xFF", 1), true);
    QVERIFY(parseChunked(opts(Role::Server, Rsv::Rsv1), wire).allViolations().isEmpty());
    // Without deflate negotiated, the same bytes are checked (and RSV1 is a violation).
    QCOMPARE(ids(parseChunked(opts(Role::Server, 0), wire).allViolations()),
             (QStringList{QStringLiteral("reserved-bits-set"), QStringLiteral("invalid-utf8")}));
}

void TestFrameParser::limits_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<qint64>("maxFrame");
    QTest::addColumn<qint64>("maxMessage");
    QTest::addColumn<QStringList>("expected");
    const QByteArray k1 = patternPayload(1024);
    QTest::newRow("frame at limit") << frame(Opcode::Binary, k1) << 1024LL << 4096LL << QStringList();
    QTest::newRow("frame over limit") << frame(Opcode::Binary, k1) << 1023LL << 4096LL
                                      << QStringList{QStringLiteral("frame-too-large")};
    const QByteArray threeFragments = frame(Opcode::Binary, k1, false) + frame(Opcode::Continuation, k1, false)
                                    + frame(Opcode::Continuation, k1, true);
    QTest::newRow("message at limit") << threeFragments << 1024LL << 3072LL << QStringList();
    QTest::newRow("message over limit, reported once")
        << threeFragments << 1024LL << 1500LL << QStringList{QStringLiteral("message-too-large")};
    QTest::newRow("next message counts from zero")
        << (threeFragments + frame(Opcode::Binary, k1)) << 1024LL << 2048LL
        << QStringList{QStringLiteral("message-too-large")};
    QTest::newRow("control frames do not count toward the message")
        << (frame(Opcode::Binary, k1, false) + frame(Opcode::Ping, patternPayload(100)) + frame(Opcode::Continuation, k1))
        << 1024LL << 2048LL << QStringList();
}

void TestFrameParser::limits()
{
    QFETCH(QByteArray, wire);
    QFETCH(qint64, maxFrame);
    QFETCH(qint64, maxMessage);
    QFETCH(QStringList, expected);
    ParserOptions o = opts(Role::Server);
    o.limits.maxFrameSize = std::uint64_t(maxFrame);
    o.limits.maxMessageSize = std::uint64_t(maxMessage);
    QCOMPARE(ids(parseChunked(o, wire).allViolations()), expected);
}

void TestFrameParser::hugeDeclaredLengthStreams()
{
    // A header claiming 2^62 bytes: reported as too large at once, payload
    // streamed without any allocation of that size, never completes.
    FrameSpec s;
    s.opcode = Opcode::Binary;
    s.declaredLength = std::uint64_t(1) << 62;
    const QByteArray wire = FrameWriter::frame(s, patternPayload(4096));
    FrameParser parser(opts(Role::Server));
    FrameRecorder rec;
    parser.feed(wire.constData(), std::size_t(wire.size()), rec);
    QCOMPARE(rec.frames.size(), 1);
    QCOMPARE(ids(rec.allViolations()),
             (QStringList{QStringLiteral("frame-too-large"), QStringLiteral("message-too-large")}));
    QCOMPARE(rec.frames.first().payload.size(), 4096);
    QVERIFY(!rec.frames.first().ended);
    QVERIFY(!parser.atFrameBoundary());
}

void TestFrameParser::headerDecoding()
{
    // Every opcode, RSV combination, FIN and mask flag round-trips through the header.
    for (int op = 0; op < 16; ++op) {
        for (int rsv = 0; rsv < 8; ++rsv) {
            for (bool fin : {false, true}) {
                FrameHeader h;
                h.opcode = std::uint8_t(op);
                h.rsv = std::uint8_t(rsv);
                h.fin = fin;
                h.masked = (op + rsv) % 2;
                h.maskKey = h.masked ? 0xCAFEBABE : 0;
                h.payloadLength = 3;
                std::uint8_t buf[14];
                const std::size_t n = FrameWriter::encodeHeader(h, buf);
                QCOMPARE(FrameParser::headerSize(buf[0], buf[1]), n);
                const FrameHeader d = FrameParser::decodeHeader(buf);
                QCOMPARE(int(d.opcode), op);
                QCOMPARE(int(d.rsv), rsv);
                QCOMPARE(d.fin, fin);
                QCOMPARE(d.masked, h.masked);
                QCOMPARE(d.maskKey, h.maskKey);
                QCOMPARE(d.payloadLength, std::uint64_t(3));
                QCOMPARE(std::size_t(d.headerLength), n);
            }
        }
    }
}

void TestFrameParser::stateAccessors()
{
    const QByteArray wire = frame(Opcode::Text, "ab", false) + frame(Opcode::Continuation, "cd", true);
    FrameParser parser(opts(Role::Server));
    FrameRecorder rec;
    QVERIFY(parser.atFrameBoundary());
    parser.feed(wire.constData(), 1, rec);
    QVERIFY(!parser.atFrameBoundary());
    parser.feed(wire.constData() + 1, 3, rec);
    QVERIFY(parser.atFrameBoundary());
    QVERIFY(parser.inFragmentedMessage());
    parser.feed(wire.constData() + 4, 3, rec);
    QVERIFY(!parser.atFrameBoundary());
    parser.feed(wire.constData() + 7, 1, rec);
    QVERIFY(parser.atFrameBoundary());
    QVERIFY(!parser.inFragmentedMessage());
    QCOMPARE(parser.bytesConsumed(), std::uint64_t(8));
    parser.feed(wire.constData(), 3, rec);
    parser.reset();
    QVERIFY(parser.atFrameBoundary());
    QCOMPARE(parser.bytesConsumed(), std::uint64_t(0));
    QVERIFY(!parser.closeSeen());
}

QTEST_GUILESS_MAIN(TestFrameParser)
#include "tst_frameparser.moc"
