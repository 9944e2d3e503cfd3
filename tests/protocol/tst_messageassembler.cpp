// Message assembler: fragments to messages, interleaved control frames,
// size limit, the decompression hook.

#include "protocol/frameparser.h"
#include "protocol/framewriter.h"
#include "protocol/messageassembler.h"

#include <QTest>

#include <vector>

using namespace wslens;

namespace {

struct Collected
{
    std::vector<AssembledMessage> messages;
    QList<Violation> violations;
};

void wire(MessageAssembler &assembler, Collected &out)
{
    assembler.setMessageHandler([&out](AssembledMessage &&m) { out.messages.push_back(std::move(m)); });
    assembler.setViolationHandler([&out](Violation v, const FrameHeader &) { out.violations.append(v); });
}

void feedAll(FrameParser &parser, MessageAssembler &assembler, const QByteArray &bytes, int chunk)
{
    for (qsizetype pos = 0; pos < bytes.size(); pos += chunk) {
        const qsizetype n = qMin<qsizetype>(chunk, bytes.size() - pos);
        parser.feed(bytes.constData() + pos, std::size_t(n), assembler);
    }
}

QByteArray frame(std::uint8_t op, const QByteArray &payload, bool fin = true, std::uint8_t rsv = 0)
{
    QByteArray out;
    FrameWriter::appendFrame(out, op, payload, fin, rsv, true, 0x12345678);
    return out;
}

// Test transform: "inflates" by reversing the bytes; fails on "bad".
class ReverseTransform : public MessageTransform
{
public:
    int calls = 0;
    Violation transform(AssembledMessage &m) override
    {
        ++calls;
        if (m.data == "bad")
            return Violation::DecompressionFailed;
        std::reverse(m.data.begin(), m.data.end());
        m.compressed = false;
        return Violation::None;
    }
};

} // namespace

class TestMessageAssembler : public QObject
{
    Q_OBJECT

private slots:
    void assembles_data();
    void assembles();
    void sizeLimit();
    void strayContinuationAndAbandonedMessage();
    void transformHook();
    void forwardsViolations();
};

void TestMessageAssembler::assembles_data()
{
    QTest::addColumn<int>("fragments");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("chunk");
    for (int fragments : {1, 2, 7})
        for (int size : {0, 5, 70000})
            for (int chunk : {1, 4096, 1 << 20})
                if (!(chunk == 1 && size > 5))
                    QTest::addRow("%d fragments, %d bytes, chunk %d", fragments, size, chunk) << fragments << size << chunk;
}

void TestMessageAssembler::assembles()
{
    QFETCH(int, fragments);
    QFETCH(int, size);
    QFETCH(int, chunk);
    QByteArray text(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        text[i] = char('A' + i % 26);
    FrameSpec first;
    first.opcode = Opcode::Text;
    first.masked = true;
    InterleavedFrame ping;
    ping.afterFragment = 0;
    ping.spec.opcode = Opcode::Ping;
    ping.spec.masked = true;
    ping.payload = QByteArrayLiteral("are you there");
    const QByteArray bytes = FrameWriter::fragmentedMessage(first, text, fragments, {ping})
                           + frame(Opcode::Binary, QByteArrayLiteral("\x00\x01"))
                           + FrameWriter::closeFrame(1000, "done", true);

    FrameParser parser;
    MessageAssembler assembler;
    Collected got;
    wire(assembler, got);
    feedAll(parser, assembler, bytes, chunk);
    QVERIFY(got.violations.isEmpty());
    QCOMPARE(got.messages.size(), std::size_t(4));
    // The ping interrupts the message and comes out first when there are several fragments.
    const std::size_t pingIndex = fragments > 1 ? 0 : 1;
    const std::size_t textIndex = fragments > 1 ? 1 : 0;
    QCOMPARE(int(got.messages[pingIndex].opcode), int(Opcode::Ping));
    QCOMPARE(got.messages[pingIndex].data, QByteArrayLiteral("are you there"));
    const AssembledMessage &m = got.messages[textIndex];
    QCOMPARE(int(m.opcode), int(Opcode::Text));
    QCOMPARE(m.frameCount, fragments);
    QVERIFY(!m.compressed);
    QVERIFY(!m.tooLarge);
    QVERIFY(m.data == text);
    QCOMPARE(int(got.messages[2].opcode), int(Opcode::Binary));
    QCOMPARE(got.messages[2].data, QByteArrayLiteral("\x00\x01"));
    QCOMPARE(int(got.messages[3].opcode), int(Opcode::Close));
    QCOMPARE(got.messages[3].data, FrameWriter::closePayload(1000, "done"));
    QVERIFY(!assembler.messageOpen());
}

void TestMessageAssembler::sizeLimit()
{
    FrameParser parser;
    MessageAssembler assembler(10);
    Collected got;
    wire(assembler, got);
    const QByteArray bytes = frame(Opcode::Binary, "123456", false) + frame(Opcode::Continuation, "7890", false)
                           + frame(Opcode::Continuation, "X", true) + frame(Opcode::Text, "0123456789");
    feedAll(parser, assembler, bytes, 3);
    QCOMPARE(got.messages.size(), std::size_t(2));
    QVERIFY(got.messages[0].tooLarge);
    QVERIFY(got.messages[0].data.isEmpty());
    QCOMPARE(got.messages[0].frameCount, 3);
    QVERIFY(!got.messages[1].tooLarge); // exactly at the limit
    QCOMPARE(got.messages[1].data, QByteArrayLiteral("0123456789"));
    QCOMPARE(assembler.maxMessageSize(), std::uint64_t(10));
}

void TestMessageAssembler::strayContinuationAndAbandonedMessage()
{
    FrameParser parser;
    MessageAssembler assembler;
    Collected got;
    wire(assembler, got);
    const QByteArray bytes = frame(Opcode::Continuation, "stray") + frame(Opcode::Text, "abandoned", false)
                           + frame(Opcode::Binary, "new") + frame(0x5, "reserved");
    feedAll(parser, assembler, bytes, 1000);
    QCOMPARE(got.messages.size(), std::size_t(1));
    QCOMPARE(got.messages[0].data, QByteArrayLiteral("new"));
    QCOMPARE(got.violations, (QList<Violation>{Violation::ContinuationWithoutMessage,
                                               Violation::DataFrameInsideMessage, Violation::ReservedOpcode}));
    // reset() drops a partial message.
    feedAll(parser, assembler, frame(Opcode::Text, "part", false), 1000);
    QVERIFY(assembler.messageOpen());
    assembler.reset();
    QVERIFY(!assembler.messageOpen());
}

void TestMessageAssembler::transformHook()
{
    ParserOptions o;
    o.allowedRsv = Rsv::Rsv1;
    FrameParser parser(o);
    MessageAssembler assembler;
    ReverseTransform transform;
    Collected got;
    wire(assembler, got);
    const QByteArray compressed = frame(Opcode::Text, "cb", false, Rsv::Rsv1) + frame(Opcode::Continuation, "a");
    const QByteArray plain = frame(Opcode::Text, "xyz");
    const QByteArray bad = frame(Opcode::Binary, "bad", true, Rsv::Rsv1);

    // Without a transform: the raw payload with compressed set.
    feedAll(parser, assembler, compressed, 100);
    QCOMPARE(got.messages.size(), std::size_t(1));
    QVERIFY(got.messages[0].compressed);
    QCOMPARE(got.messages[0].data, QByteArrayLiteral("cba"));

    assembler.setTransform(&transform);
    feedAll(parser, assembler, compressed + plain + bad, 100);
    QCOMPARE(transform.calls, 2); // not for the uncompressed message
    QCOMPARE(got.messages.size(), std::size_t(4));
    QVERIFY(!got.messages[1].compressed);
    QCOMPARE(got.messages[1].data, QByteArrayLiteral("abc"));
    QCOMPARE(got.messages[2].data, QByteArrayLiteral("xyz"));
    QVERIFY(got.messages[3].compressed);
    QCOMPARE(got.violations, QList<Violation>{Violation::DecompressionFailed});
}

void TestMessageAssembler::forwardsViolations()
{
    ParserOptions o;
    o.sender = Role::Server; // masked frames from a server are a violation
    FrameParser parser(o);
    MessageAssembler assembler;
    Collected got;
    wire(assembler, got);
    feedAll(parser, assembler, frame(Opcode::Text, QByteArray("\xFF", 1)), 100);
    QCOMPARE(got.violations, (QList<Violation>{Violation::ServerFrameMasked, Violation::InvalidUtf8}));
    QCOMPARE(got.messages.size(), std::size_t(1)); // still delivered: the caller decides
}

QTEST_GUILESS_MAIN(TestMessageAssembler)
#include "tst_messageassembler.moc"
