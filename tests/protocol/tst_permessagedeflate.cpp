// permessage-deflate (RFC 7692): negotiation, inflater, deflater, interop
// with Debian's python3-websockets.
#include "protocol/deflatecodec.h"
#include "protocol/extensionheader.h"
#include "protocol/frameparser.h"
#include "protocol/framewriter.h"
#include "protocol/handshake.h"
#include "protocol/httpmessage.h"
#include "protocol/permessagedeflate.h"

#include "testsupport.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>

using namespace wslens;

Q_DECLARE_METATYPE(wslens::Violation)

namespace {

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}

// Inflates a message fed in pieces of chunk bytes (0 = whole).
Violation inflateChunked(Inflater &inf, const QByteArray &in, int chunk, QByteArray *out)
{
    const Inflater::Output sink = [out](const char *p, std::size_t n) { out->append(p, qsizetype(n)); };
    if (chunk <= 0)
        chunk = int(qMax<qsizetype>(1, in.size()));
    for (qsizetype i = 0; i < in.size(); i += chunk)
        inf.feed(in.constData() + i, std::size_t(qMin<qsizetype>(chunk, in.size() - i)), sink);
    return inf.finish(sink);
}

QByteArray randomBytes(int size, quint32 seed)
{
    QRandomGenerator gen(seed);
    QByteArray b(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        b[i] = char(gen.bounded(256));
    return b;
}

QByteArray textLike(int size, quint32 seed)
{
    static const char *words[] = {"websocket ", "frame ", "deflate ", "inspector ", "relay ", "message ", "\xc3\xa9t\xc3\xa9 ", "\xe2\x82\xac "};
    QRandomGenerator gen(seed);
    QByteArray b;
    while (b.size() < size)
        b += words[gen.bounded(8)];
    b.truncate(size);
    return b;
}

WebSocketExtension ext(const QByteArray &s)
{
    QList<WebSocketExtension> list;
    if (!parseExtensionList(s, &list) || list.size() != 1)
        qFatal("bad extension literal");
    return list.at(0);
}

// Frames read off a socket with our FrameParser.
struct FrameCollector : FrameSink
{
    struct Frame
    {
        FrameHeader header;
        QByteArray payload;
    };
    QList<Frame> frames;
    QList<Violation> violations;
    void frameHeader(const FrameHeader &h) override { frames.append({h, {}}); }
    void framePayload(const char *d, std::size_t n) override { frames.last().payload.append(d, qsizetype(n)); }
    void frameEnd() override {}
    void violation(Violation v) override { violations.append(v); }
};

// Reads from socket until pred() holds or the deadline passes.
bool readUntil(QTcpSocket &s, const std::function<void(const QByteArray &)> &consume,
               const std::function<bool()> &pred, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        if (s.bytesAvailable() == 0 && !s.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            return pred();
        consume(s.readAll());
    }
    return true;
}

} // namespace

class tst_PerMessageDeflate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfcExamples_data();
    void rfcExamples();
    void rfcSharedWindow();
    void deflaterMatchesRfc();
    void roundTrip_data();
    void roundTrip();
    void contextTakeover();
    void noContextTakeoverReset();
    void windowBits8();
    void bombStopsEarly_data();
    void bombStopsEarly();
    void capExactBoundary();
    void corruptInput_data();
    void corruptInput();
    void textUtf8();
    void parseParams_data();
    void parseParams();
    void serverSelection_data();
    void serverSelection();
    void clientValidation_data();
    void clientValidation();
    void interopPythonServer();
    void interopPythonClient();
};

void tst_PerMessageDeflate::rfcExamples_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("chunk");
    const struct
    {
        const char *name;
        const char *hex;
    } cases[] = {
        {"7.2.3.1 hello", "f248cdc9c90700"},
        {"7.2.3.3 stored block", "000500faff48656c6c6f00"},
        {"7.2.3.4 bfinal", "f348cdc9c9070000"},
        {"7.2.3.5 two blocks", "f2480500 0000ffff cac9c90700"},
    };
    for (const auto &c : cases) {
        for (int chunk : {0, 1, 3}) {
            QTest::addRow("%s/chunk%d", c.name, chunk) << QByteArray::fromHex(QByteArray(c.hex).replace(' ', "")) << chunk;
        }
    }
}

void tst_PerMessageDeflate::rfcExamples()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, chunk);
    Inflater inf;
    for (int round = 0; round < 3; ++round) { // the same message again, window carried over
        QByteArray out;
        QCOMPARE(inflateChunked(inf, payload, chunk, &out), Violation::None);
        QCOMPARE(out, QByteArray("Hello"));
        QCOMPARE(inf.messageSize(), quint64(5));
    }
}

void tst_PerMessageDeflate::rfcSharedWindow()
{
    // RFC 7692 7.2.3.2: the second "Hello" refers back into the first message.
    const QByteArray first = hex("f248cdc9c90700");
    const QByteArray second = hex("f200110000");
    for (int chunk : {0, 1}) {
        Inflater inf;
        QByteArray a, b;
        QCOMPARE(inflateChunked(inf, first, chunk, &a), Violation::None);
        QCOMPARE(inflateChunked(inf, second, chunk, &b), Violation::None);
        QCOMPARE(a, QByteArray("Hello"));
        QCOMPARE(b, QByteArray("Hello"));
    }
    // Without the shared window the second message cannot be decoded.
    Inflater fresh;
    QByteArray c;
    QCOMPARE(fresh.inflateMessage(second, &c), Violation::DecompressionFailed);
    QVERIFY(!fresh.errorString().isEmpty());
}

void tst_PerMessageDeflate::deflaterMatchesRfc()
{
    Deflater takeover;
    QCOMPARE(takeover.compressMessage(QByteArray("Hello")).toHex(), QByteArray("f248cdc9c90700"));
    QCOMPARE(takeover.compressMessage(QByteArray("Hello")).toHex(), QByteArray("f200110000"));
    DeflaterOptions o;
    o.noContextTakeover = true;
    Deflater reset(o);
    QCOMPARE(reset.compressMessage(QByteArray("Hello")).toHex(), QByteArray("f248cdc9c90700"));
    QCOMPARE(reset.compressMessage(QByteArray("Hello")).toHex(), QByteArray("f248cdc9c90700"));
    // An empty message is a single 0x00 (RFC 7692 7.2.3.6 spirit).
    QCOMPARE(reset.compressMessage(QByteArray()).toHex(), QByteArray("00"));
    Inflater inf;
    QByteArray out("x");
    QCOMPARE(inf.inflateMessage(hex("00"), &out), Violation::None);
    QCOMPARE(out, QByteArray("x"));
}

void tst_PerMessageDeflate::roundTrip_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("windowBits");
    QTest::addColumn<bool>("noContext");
    QTest::addColumn<bool>("random");
    QTest::addColumn<int>("chunk");
    for (int size : {0, 1, 125, 126, 65536, 1 << 20}) {
        for (int bits : {8, 9, 12, 15}) {
            if (size == (1 << 20) && bits != 15 && bits != 8)
                continue; // keep the suite fast: 1 MiB only at the window extremes
            for (bool noContext : {false, true}) {
                QTest::addRow("text/%d/w%d/%s", size, bits, noContext ? "reset" : "takeover")
                    << size << bits << noContext << false << (size > 4096 ? 4093 : 1);
            }
        }
        QTest::addRow("random/%d", size) << size << 15 << false << true << 7919;
    }
}

void tst_PerMessageDeflate::roundTrip()
{
    QFETCH(int, size);
    QFETCH(int, windowBits);
    QFETCH(bool, noContext);
    QFETCH(bool, random);
    QFETCH(int, chunk);
    DeflaterOptions dopt;
    dopt.windowBits = windowBits;
    dopt.noContextTakeover = noContext;
    Deflater def(dopt);
    QVERIFY(def.isValid());
    InflaterOptions iopt;
    iopt.windowBits = windowBits;
    iopt.noContextTakeover = noContext;
    Inflater inf(iopt);
    for (quint32 msg = 0; msg < 3; ++msg) {
        const QByteArray message = random ? randomBytes(size, msg + 1) : textLike(size, msg % 2);
        // The deflater fed in pieces gives a valid stream too.
        QByteArray compressed;
        for (qsizetype i = 0; i < message.size(); i += 10007)
            def.feed(message.constData() + i, std::size_t(qMin<qsizetype>(10007, message.size() - i)), &compressed);
        def.finish(&compressed);
        QVERIFY(!compressed.endsWith(QByteArray::fromHex("0000ffff")) || compressed.size() < 4);
        if (!random && size >= 65536 && windowBits > 8) // Z_RLE (window 8) compresses less
            QVERIFY2(compressed.size() < message.size() / 3, qPrintable(QString::number(compressed.size())));
        QByteArray out;
        QCOMPARE(inflateChunked(inf, compressed, chunk, &out), Violation::None);
        QCOMPARE(out.size(), message.size());
        QVERIFY(out == message);
    }
}

void tst_PerMessageDeflate::contextTakeover()
{
    const QByteArray message = textLike(4000, 7);
    Deflater def;
    Inflater inf;
    QByteArray out1, out2;
    const QByteArray c1 = def.compressMessage(message);
    const QByteArray c2 = def.compressMessage(message);
    // The second copy is encoded as references into the first message.
    QVERIFY2(c2.size() < 100, qPrintable(QString::number(c2.size())));
    QVERIFY(c1.size() > c2.size() * 10);
    QCOMPARE(inf.inflateMessage(c1, &out1), Violation::None);
    QCOMPARE(inf.inflateMessage(c2, &out2), Violation::None);
    QCOMPARE(out1, message);
    QCOMPARE(out2, message);
    // A receiver that resets its window (wrongly) cannot decode the second one.
    InflaterOptions o;
    o.noContextTakeover = true;
    Inflater resetting(o);
    QByteArray r1, r2;
    QCOMPARE(resetting.inflateMessage(c1, &r1), Violation::None);
    QCOMPARE(resetting.inflateMessage(c2, &r2), Violation::DecompressionFailed);
}

void tst_PerMessageDeflate::noContextTakeoverReset()
{
    const QByteArray message = textLike(4000, 7);
    DeflaterOptions o;
    o.noContextTakeover = true;
    Deflater def(o);
    const QByteArray c1 = def.compressMessage(message);
    const QByteArray c2 = def.compressMessage(message);
    QCOMPARE(c1, c2); // nothing carried over
    // Each message decodes on its own, with a fresh inflater.
    for (const QByteArray &c : {c1, c2}) {
        Inflater fresh;
        QByteArray out;
        QCOMPARE(fresh.inflateMessage(c, &out), Violation::None);
        QCOMPARE(out, message);
    }
    // Explicit reset() makes the deflater forget too.
    Deflater takeover;
    const QByteArray a = takeover.compressMessage(message);
    takeover.reset();
    QCOMPARE(takeover.compressMessage(message), a);
}

void tst_PerMessageDeflate::windowBits8()
{
    // Agreed window 8: compressed with zlib's 9-bit window and Z_RLE, so every
    // match distance is 1 and a strict 256-byte-window inflater (zlib raw -8) decodes it.
    DeflaterOptions o;
    o.windowBits = 8;
    Deflater def(o);
    QVERIFY(def.isValid());
    const QByteArray message = textLike(20000, 3) + QByteArray(3000, 'z');
    const QByteArray c = def.compressMessage(message);
    QVERIFY(c.size() < message.size());
    // Our inflater (window clamped to 9).
    InflaterOptions io;
    io.windowBits = 8;
    Inflater inf(io);
    QByteArray out;
    QCOMPARE(inf.inflateMessage(c, &out), Violation::None);
    QCOMPARE(out, message);
}

void tst_PerMessageDeflate::bombStopsEarly_data()
{
    QTest::addColumn<int>("chunk");
    QTest::newRow("whole") << 0;
    QTest::newRow("1 KiB pieces") << 1024;
    QTest::newRow("1 byte pieces") << 1;
}

void tst_PerMessageDeflate::bombStopsEarly()
{
    QFETCH(int, chunk);
    // 10 MiB of zeros compress to ~10 KiB; the cap is 1 MiB.
    const QByteArray zeros(10 << 20, '\0');
    Deflater def;
    const QByteArray bomb = def.compressMessage(zeros);
    QVERIFY2(bomb.size() < 20000, qPrintable(QString::number(bomb.size())));

    InflaterOptions o;
    o.maxMessageSize = 1 << 20;
    Inflater inf(o);
    std::uint64_t delivered = 0;
    std::size_t largestPiece = 0;
    int calls = 0;
    const Inflater::Output sink = [&](const char *, std::size_t n) {
        delivered += n;
        largestPiece = qMax(largestPiece, n);
        ++calls;
    };
    Violation v = Violation::None;
    qsizetype fed = 0;
    const qsizetype step = chunk <= 0 ? bomb.size() : chunk;
    while (fed < bomb.size() && v == Violation::None) {
        const qsizetype n = qMin(step, bomb.size() - fed);
        v = inf.feed(bomb.constData() + fed, std::size_t(n), sink);
        fed += n;
    }
    QCOMPARE(v, Violation::DecompressedTooLarge);
    // Stopped as soon as the cap was passed: at most the cap delivered, in
    // bounded pieces, and only a small part of the input consumed.
    QCOMPARE(delivered, std::uint64_t(1 << 20));
    QCOMPARE(inf.messageSize(), std::uint64_t(1 << 20));
    QVERIFY(largestPiece <= 16 * 1024);
    QVERIFY2(inf.inputConsumed() < std::uint64_t(bomb.size()) / 4,
             qPrintable(QStringLiteral("%1 of %2").arg(inf.inputConsumed()).arg(bomb.size())));
    // Further input of the message is ignored.
    const int callsBefore = calls;
    QCOMPARE(inf.feed(bomb.constData(), std::size_t(bomb.size()), sink), Violation::DecompressedTooLarge);
    QCOMPARE(calls, callsBefore);
    QCOMPARE(inf.finish(sink), Violation::DecompressedTooLarge);
    QCOMPARE(violationInfo(Violation::DecompressedTooLarge).closeCode, std::uint16_t(1009));
    QVERIFY(inf.errorString().contains(QLatin1String("1048576")));
    // The next (independent) message works again.
    QByteArray out;
    QCOMPARE(inf.inflateMessage(hex("f248cdc9c90700"), &out), Violation::None);
    QCOMPARE(out, QByteArray("Hello"));
}

void tst_PerMessageDeflate::capExactBoundary()
{
    const QByteArray message = textLike(100000, 1);
    Deflater def;
    const QByteArray c = def.compressMessage(message);
    for (const auto &[cap, expected] : {std::pair<int, Violation>{100000, Violation::None},
                                        {100001, Violation::None},
                                        {99999, Violation::DecompressedTooLarge},
                                        {0, Violation::DecompressedTooLarge}}) {
        InflaterOptions o;
        o.maxMessageSize = std::uint64_t(cap);
        Inflater inf(o);
        QByteArray out;
        QCOMPARE(inf.inflateMessage(c, &out), expected);
        QCOMPARE(out.size(), qMin(cap, 100000));
        QVERIFY(message.startsWith(out));
    }
}

void tst_PerMessageDeflate::corruptInput_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<Violation>("violation");
    QTest::newRow("reserved block type 11") << hex("07") << Violation::DecompressionFailed;
    QTest::newRow("stored len/nlen mismatch") << hex("000500faf048656c6c6f00") << Violation::DecompressionFailed;
    QTest::newRow("distance too far back") << hex("f200110000") << Violation::DecompressionFailed;
    QTest::newRow("truncated mid-block") << hex("f248cdc9") << Violation::DecompressionFailed;
    QTest::newRow("garbage") << randomBytes(512, 99) << Violation::DecompressionFailed;
    QTest::newRow("fine") << hex("f248cdc9c90700") << Violation::None;
}

void tst_PerMessageDeflate::corruptInput()
{
    QFETCH(QByteArray, payload);
    QFETCH(Violation, violation);
    for (int chunk : {0, 1}) {
        Inflater inf;
        QByteArray out;
        QCOMPARE(inflateChunked(inf, payload, chunk, &out), violation);
        if (violation != Violation::None)
            QVERIFY(!inf.errorString().isEmpty());
        // The inflater recovers for the next message.
        QByteArray next;
        QCOMPARE(inf.inflateMessage(hex("f248cdc9c90700"), &next), Violation::None);
        QCOMPARE(next, QByteArray("Hello"));
    }
}

void tst_PerMessageDeflate::textUtf8()
{
    Deflater def;
    Inflater inf;
    // Valid text with multibyte characters split across 16 KiB output pieces.
    const QByteArray text = textLike(100000, 5);
    QByteArray out;
    inf.setTextMessage(true);
    QCOMPARE(inf.inflateMessage(def.compressMessage(text), &out), Violation::None);
    QCOMPARE(out, text);
    // Invalid UTF-8 is reported, the bytes are still delivered, the window survives.
    inf.setTextMessage(true);
    out.clear();
    const QByteArray bad = QByteArray("ok \xc0\xaf overlong");
    QCOMPARE(inf.inflateMessage(def.compressMessage(bad), &out), Violation::InvalidUtf8);
    QCOMPARE(out, bad);
    // Text ending inside a code point.
    inf.setTextMessage(true);
    out.clear();
    QCOMPARE(inf.inflateMessage(def.compressMessage(QByteArray("cut \xe2\x82")), &out), Violation::InvalidUtf8);
    // Binary messages are not checked (setTextMessage is per message).
    out.clear();
    QCOMPARE(inf.inflateMessage(def.compressMessage(bad), &out), Violation::None);
    out.clear();
    QCOMPARE(inf.inflateMessage(def.compressMessage(text), &out), Violation::None);
    QCOMPARE(out, text);
}

void tst_PerMessageDeflate::parseParams_data()
{
    QTest::addColumn<QByteArray>("element");
    QTest::addColumn<bool>("offer"); // context
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("formatted");
    QTest::newRow("plain") << QByteArray("permessage-deflate") << true << true << QByteArray("permessage-deflate");
    QTest::newRow("all") << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9")
                         << true << true << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9");
    QTest::newRow("client bits no value (offer)") << QByteArray("permessage-deflate; client_max_window_bits") << true << true << QByteArray("permessage-deflate; client_max_window_bits");
    QTest::newRow("client bits no value (response)") << QByteArray("permessage-deflate; client_max_window_bits") << false << false << QByteArray();
    QTest::newRow("server bits no value") << QByteArray("permessage-deflate; server_max_window_bits") << true << false << QByteArray();
    QTest::newRow("quoted bits") << QByteArray("permessage-deflate; server_max_window_bits=\"12\"") << true << true << QByteArray("permessage-deflate; server_max_window_bits=12");
    QTest::newRow("bits 8") << QByteArray("permessage-deflate; client_max_window_bits=8") << false << true << QByteArray("permessage-deflate; client_max_window_bits=8");
    QTest::newRow("bits 7") << QByteArray("permessage-deflate; server_max_window_bits=7") << true << false << QByteArray();
    QTest::newRow("bits 16") << QByteArray("permessage-deflate; server_max_window_bits=16") << true << false << QByteArray();
    QTest::newRow("bits 08") << QByteArray("permessage-deflate; server_max_window_bits=08") << true << false << QByteArray();
    QTest::newRow("bits +9") << QByteArray("permessage-deflate; server_max_window_bits=+9") << true << false << QByteArray();
    QTest::newRow("bits abc") << QByteArray("permessage-deflate; client_max_window_bits=abc") << true << false << QByteArray();
    QTest::newRow("duplicate") << QByteArray("permessage-deflate; server_no_context_takeover; server_no_context_takeover") << true << false << QByteArray();
    QTest::newRow("duplicate bits") << QByteArray("permessage-deflate; client_max_window_bits=10; client_max_window_bits=11") << false << false << QByteArray();
    QTest::newRow("flag with value") << QByteArray("permessage-deflate; client_no_context_takeover=1") << true << false << QByteArray();
    QTest::newRow("unknown") << QByteArray("permessage-deflate; x_extra") << true << false << QByteArray();
}

void tst_PerMessageDeflate::parseParams()
{
    QFETCH(QByteArray, element);
    QFETCH(bool, offer);
    QFETCH(bool, ok);
    QFETCH(QByteArray, formatted);
    pmd::DeflateParams p;
    QString error;
    QCOMPARE(pmd::parseParams(ext(element), offer ? pmd::ParamsContext::Offer : pmd::ParamsContext::Response, &p, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (ok)
        QCOMPARE(p.toBytes(), formatted);
    else
        QVERIFY2(error.startsWith(QLatin1String("RFC 7692")), qPrintable(error));
}

void tst_PerMessageDeflate::serverSelection_data()
{
    QTest::addColumn<QByteArray>("offers");
    QTest::addColumn<int>("policyServerBits");
    QTest::addColumn<int>("policyClientBits");
    QTest::addColumn<QByteArray>("response"); // empty: declined
    QTest::newRow("plain") << QByteArray("permessage-deflate") << 15 << 15 << QByteArray("permessage-deflate");
    QTest::newRow("browser") << QByteArray("permessage-deflate; client_max_window_bits") << 15 << 15 << QByteArray("permessage-deflate");
    QTest::newRow("limit client") << QByteArray("permessage-deflate; client_max_window_bits") << 15 << 10 << QByteArray("permessage-deflate; client_max_window_bits=10");
    QTest::newRow("client bits not offered") << QByteArray("permessage-deflate") << 15 << 10 << QByteArray("permessage-deflate");
    QTest::newRow("client value kept") << QByteArray("permessage-deflate; client_max_window_bits=9") << 15 << 12 << QByteArray("permessage-deflate; client_max_window_bits=9");
    QTest::newRow("server bits min") << QByteArray("permessage-deflate; server_max_window_bits=10") << 12 << 15 << QByteArray("permessage-deflate; server_max_window_bits=10");
    QTest::newRow("server bits policy") << QByteArray("permessage-deflate; server_max_window_bits=14") << 12 << 15 << QByteArray("permessage-deflate; server_max_window_bits=12");
    QTest::newRow("server bits unasked") << QByteArray("permessage-deflate") << 12 << 15 << QByteArray("permessage-deflate; server_max_window_bits=12");
    QTest::newRow("no context echo") << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover") << 15 << 15
                                     << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    QTest::newRow("first invalid, second ok") << QByteArray("permessage-deflate; server_max_window_bits=99, permessage-deflate; client_max_window_bits") << 15 << 15 << QByteArray("permessage-deflate");
    QTest::newRow("other extension first") << QByteArray("x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=11") << 15 << 15 << QByteArray("permessage-deflate; server_max_window_bits=11");
    QTest::newRow("all invalid") << QByteArray("permessage-deflate; bogus") << 15 << 15 << QByteArray();
    QTest::newRow("none offered") << QByteArray("x-other") << 15 << 15 << QByteArray();
}

void tst_PerMessageDeflate::serverSelection()
{
    QFETCH(QByteArray, offers);
    QFETCH(int, policyServerBits);
    QFETCH(int, policyClientBits);
    QFETCH(QByteArray, response);
    QList<WebSocketExtension> list;
    QVERIFY(parseExtensionList(offers, &list));
    pmd::ServerPolicy policy;
    policy.serverMaxWindowBits = policyServerBits;
    policy.clientMaxWindowBits = policyClientBits;
    const pmd::ServerSelection sel = pmd::selectForServer(list, policy);
    QCOMPARE(sel.accepted, !response.isEmpty());
    if (!sel.accepted)
        return;
    QCOMPARE(sel.response.toBytes(), response);
    // What the server sends is acceptable to a client that made those offers.
    QList<pmd::DeflateParams> clientOffers;
    for (const WebSocketExtension &e : list) {
        pmd::DeflateParams p;
        if (e.name == "permessage-deflate" && pmd::parseParams(e, pmd::ParamsContext::Offer, &p))
            clientOffers.append(p);
    }
    pmd::DeflateAgreement agreement;
    QString error;
    QVERIFY2(pmd::validateResponseAgainstOffers(clientOffers, sel.response.toExtension(), &agreement, &error), qPrintable(error));
    QCOMPARE(agreement, sel.agreement);
    pmd::ServerPolicy off;
    off.enabled = false;
    QVERIFY(!pmd::selectForServer(list, off).accepted);
}

void tst_PerMessageDeflate::clientValidation_data()
{
    QTest::addColumn<QByteArray>("offer");
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("clientBits");
    QTest::addColumn<int>("serverBits");
    QTest::addColumn<bool>("clientReset");
    QTest::addColumn<bool>("serverReset");
    const QByteArray browser("permessage-deflate; client_max_window_bits");
    QTest::newRow("plain") << browser << QByteArray("permessage-deflate") << true << 15 << 15 << false << false;
    QTest::newRow("python defaults") << browser << QByteArray("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12") << true << 12 << 12 << false << false;
    QTest::newRow("client reset") << browser << QByteArray("permessage-deflate; client_no_context_takeover") << true << 15 << 15 << true << false;
    QTest::newRow("server reset unasked") << browser << QByteArray("permessage-deflate; server_no_context_takeover") << true << 15 << 15 << false << true;
    QTest::newRow("client bits not offered") << QByteArray("permessage-deflate") << QByteArray("permessage-deflate; client_max_window_bits=10") << false << 0 << 0 << false << false;
    QTest::newRow("client bits above offer") << QByteArray("permessage-deflate; client_max_window_bits=10") << QByteArray("permessage-deflate; client_max_window_bits=11") << false << 0 << 0 << false << false;
    QTest::newRow("client offered value kept") << QByteArray("permessage-deflate; client_max_window_bits=10") << QByteArray("permessage-deflate") << true << 10 << 15 << false << false;
    QTest::newRow("server bits ignored") << QByteArray("permessage-deflate; server_max_window_bits=10") << QByteArray("permessage-deflate") << false << 0 << 0 << false << false;
    QTest::newRow("server bits above offer") << QByteArray("permessage-deflate; server_max_window_bits=10") << QByteArray("permessage-deflate; server_max_window_bits=11") << false << 0 << 0 << false << false;
    QTest::newRow("server bits lower") << QByteArray("permessage-deflate; server_max_window_bits=10") << QByteArray("permessage-deflate; server_max_window_bits=9") << true << 15 << 9 << false << false;
    QTest::newRow("server reset ignored") << QByteArray("permessage-deflate; server_no_context_takeover") << QByteArray("permessage-deflate") << false << 0 << 0 << false << false;
    QTest::newRow("response client bits no value") << browser << QByteArray("permessage-deflate; client_max_window_bits") << false << 0 << 0 << false << false;
    QTest::newRow("response unknown param") << browser << QByteArray("permessage-deflate; foo=1") << false << 0 << 0 << false << false;
}

void tst_PerMessageDeflate::clientValidation()
{
    QFETCH(QByteArray, offer);
    QFETCH(QByteArray, response);
    QFETCH(bool, ok);
    QFETCH(int, clientBits);
    QFETCH(int, serverBits);
    QFETCH(bool, clientReset);
    QFETCH(bool, serverReset);
    pmd::DeflateParams o;
    QVERIFY(pmd::parseParams(ext(offer), pmd::ParamsContext::Offer, &o));
    pmd::DeflateAgreement a;
    QString error;
    QCOMPARE(pmd::validateResponse(o, ext(response), &a, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (!ok)
        return;
    QCOMPARE(a.clientMaxWindowBits, clientBits);
    QCOMPARE(a.serverMaxWindowBits, serverBits);
    QCOMPARE(a.clientNoContextTakeover, clientReset);
    QCOMPARE(a.serverNoContextTakeover, serverReset);
    QCOMPARE(a.sendWindowBits(Role::Client), clientBits);
    QCOMPARE(a.receiveWindowBits(Role::Client), serverBits);
    QCOMPARE(a.sendNoContextTakeover(Role::Server), serverReset);
}

// Our client against python3-websockets' server with compression on: we
// negotiate, send compressed text with our Deflater + FrameWriter, and decode
// python's compressed echoes with our Inflater.
void tst_PerMessageDeflate::interopPythonServer()
{
    const QString script = QStringLiteral(R"PY(
import asyncio, websockets
async def handler(ws, *args):
    async for msg in ws:
        await ws.send("echo:" + msg if isinstance(msg, str) else msg)
async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, compression="deflate") as server:
        print("listening on 127.0.0.1:%d" % server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(30)
asyncio.run(main())
)PY");
    test::ChildProcess python;
    QVERIFY2(python.start(test::debianPython(), {QStringLiteral("-c"), script}), qPrintable(python.errorString()));
    const QByteArray rest = python.waitForLine("listening on", 15000);
    const quint16 port = test::portFromListeningLine(rest);
    QVERIFY2(port != 0, qPrintable(python.errorString() + QString::fromUtf8(python.allStderr())));

    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    QVERIFY(socket.waitForConnected(5000));

    UpgradeRequestOptions ro;
    ro.host = "127.0.0.1:" + QByteArray::number(port);
    ro.resourceName = "/interop";
    ro.extensions = pmd::defaultClientOffer().toBytes();
    const UpgradeRequest request = buildUpgradeRequest(ro);
    socket.write(request.bytes);

    HttpHeadParser head(HttpMessageKind::Response);
    QByteArray leftover;
    const bool gotHead = readUntil(
        socket,
        [&](const QByteArray &data) {
            std::size_t used = 0;
            if (head.feed(data, &used) == HttpHeadParser::Status::Complete)
                leftover += data.mid(qsizetype(used));
        },
        [&] { return head.status() != HttpHeadParser::Status::NeedMore; });
    QVERIFY2(gotHead && head.status() == HttpHeadParser::Status::Complete, qPrintable(head.errorString()));
    UpgradeResponseInfo info;
    const HandshakeResult hr = validateUpgradeResponse(head.head(), clientOfferFromRequest(request.head), &info);
    QVERIFY2(hr.ok(), qPrintable(hr.message));
    QList<WebSocketExtension> exts;
    QVERIFY(parseExtensionList(info.extensions, &exts));
    const auto deflate = pmd::findDeflate(exts);
    QVERIFY2(deflate.has_value(), info.extensions.constData());
    pmd::DeflateAgreement agreement;
    QString error;
    QVERIFY2(pmd::validateResponse(pmd::defaultClientOffer(), *deflate, &agreement, &error), qPrintable(error));

    DeflaterOptions dopt;
    dopt.windowBits = agreement.sendWindowBits(Role::Client);
    dopt.noContextTakeover = agreement.sendNoContextTakeover(Role::Client);
    Deflater def(dopt);
    InflaterOptions iopt;
    iopt.windowBits = agreement.receiveWindowBits(Role::Client);
    iopt.noContextTakeover = agreement.receiveNoContextTakeover(Role::Client);
    Inflater inf(iopt);

    ParserOptions popt;
    popt.sender = Role::Server;
    popt.allowedRsv = Rsv::Rsv1;
    FrameParser parser(popt);
    FrameCollector frames;
    parser.feed(leftover.constData(), std::size_t(leftover.size()), frames);

    const QList<QByteArray> messages = {QByteArray("hello"), textLike(50000, 1), textLike(50000, 1),
                                        QByteArray("caf\xc3\xa9 \xe2\x82\xac"), QByteArray()};
    qsizetype sentBytes = 0;
    for (const QByteArray &m : messages) {
        const QByteArray payload = def.compressMessage(m);
        sentBytes += payload.size();
        // Split the larger ones into 3 fragments (RSV1 on the first only).
        FrameSpec spec;
        spec.opcode = Opcode::Text;
        spec.rsv = Rsv::Rsv1;
        spec.masked = true;
        socket.write(FrameWriter::fragmentedMessage(spec, payload, payload.size() > 1000 ? 3 : 1));
    }
    QVERIFY(socket.waitForBytesWritten(5000));
    QVERIFY(sentBytes < 60000); // context takeover made the second copy tiny
    const bool gotAll = readUntil(
        socket, [&](const QByteArray &data) { parser.feed(data.constData(), std::size_t(data.size()), frames); },
        [&] { return frames.frames.size() >= messages.size() && parser.atFrameBoundary(); });
    QVERIFY2(gotAll, qPrintable(QStringLiteral("got %1 frames; python: %2").arg(frames.frames.size()).arg(QString::fromUtf8(python.allStderr()))));
    QVERIFY(frames.violations.isEmpty());
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const auto &f = frames.frames.at(i);
        QCOMPARE(f.header.opcode, Opcode::Text);
        QVERIFY(f.header.fin);
        QCOMPARE(f.header.rsv, Rsv::Rsv1); // python compressed it
        QByteArray out;
        inf.setTextMessage(true);
        QCOMPARE(inf.inflateMessage(f.payload, &out), Violation::None);
        QCOMPARE(out, "echo:" + messages.at(i));
    }
    socket.write(FrameWriter::closeFrame(1000, {}, true));
    socket.waitForBytesWritten(2000);
}

// python3-websockets' client against our handshake + deflate code acting as
// the server: python offers permessage-deflate, we select, it sends
// compressed text, we inflate it and answer compressed.
void tst_PerMessageDeflate::interopPythonClient()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QString script = QStringLiteral(R"PY(
import asyncio, sys, websockets
async def main():
    async with websockets.connect(sys.argv[1], compression="deflate", open_timeout=10) as ws:
        print("ext", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        for i in range(4):
            await ws.send("ping %d " % i + "abcdefgh" * 2000)
            reply = await asyncio.wait_for(ws.recv(), 10)
            print("reply", reply[:40], len(reply), flush=True)
asyncio.run(main())
)PY");
    test::ChildProcess python;
    QVERIFY(python.start(test::debianPython(),
                         {QStringLiteral("-c"), script, QStringLiteral("ws://127.0.0.1:%1/py").arg(server.serverPort())}));
    QVERIFY(server.waitForNewConnection(15000));
    std::unique_ptr<QTcpSocket> socket(server.nextPendingConnection());
    QVERIFY(socket);

    HttpHeadParser head(HttpMessageKind::Request);
    QByteArray leftover;
    QVERIFY(readUntil(
        *socket,
        [&](const QByteArray &data) {
            std::size_t used = 0;
            if (head.feed(data, &used) == HttpHeadParser::Status::Complete)
                leftover += data.mid(qsizetype(used));
        },
        [&] { return head.status() != HttpHeadParser::Status::NeedMore; }));
    QCOMPARE(head.status(), HttpHeadParser::Status::Complete);
    UpgradeRequestInfo info;
    const HandshakeResult hr = validateUpgradeRequest(head.head(), &info);
    QVERIFY2(hr.ok(), qPrintable(hr.message));
    QList<WebSocketExtension> offers;
    QVERIFY(parseExtensionList(info.extensions, &offers));
    pmd::ServerPolicy policy;
    policy.serverMaxWindowBits = 11; // exercise a smaller window than python's
    const pmd::ServerSelection sel = pmd::selectForServer(offers, policy);
    QVERIFY2(sel.accepted, qPrintable(QString::fromLatin1(info.extensions) + sel.declined));
    UpgradeResponseOptions ro;
    ro.key = info.key;
    ro.extensions = sel.response.toBytes();
    socket->write(buildUpgradeResponse(ro));

    DeflaterOptions dopt;
    dopt.windowBits = sel.agreement.sendWindowBits(Role::Server);
    dopt.noContextTakeover = sel.agreement.sendNoContextTakeover(Role::Server);
    Deflater def(dopt);
    InflaterOptions iopt;
    iopt.windowBits = sel.agreement.receiveWindowBits(Role::Server);
    iopt.noContextTakeover = sel.agreement.receiveNoContextTakeover(Role::Server);
    Inflater inf(iopt);

    ParserOptions popt;
    popt.sender = Role::Client;
    popt.allowedRsv = Rsv::Rsv1;
    FrameParser parser(popt);
    FrameCollector frames;
    parser.feed(leftover.constData(), std::size_t(leftover.size()), frames);
    for (int i = 0; i < 4; ++i) {
        QVERIFY2(readUntil(
                     *socket, [&](const QByteArray &data) { parser.feed(data.constData(), std::size_t(data.size()), frames); },
                     [&] { return frames.frames.size() > i && parser.atFrameBoundary(); }),
                 qPrintable(QString::fromUtf8(python.allStderr())));
        const auto &f = frames.frames.at(i);
        QCOMPARE(f.header.rsv, Rsv::Rsv1);
        QVERIFY(f.header.masked);
        QByteArray message;
        inf.setTextMessage(true);
        QCOMPARE(inf.inflateMessage(f.payload, &message), Violation::None);
        QCOMPARE(message, "ping " + QByteArray::number(i) + ' ' + QByteArray("abcdefgh").repeated(2000));
        QVERIFY(f.payload.size() < 200); // it really was compressed
        socket->write(FrameWriter::frame({Opcode::Text, Rsv::Rsv1, true, false, {}, {}, {}},
                                         def.compressMessage("pong:" + message)));
        QVERIFY(socket->waitForBytesWritten(5000));
    }
    QVERIFY(frames.violations.isEmpty());
    const QByteArray ext = python.waitForLine("ext", 10000);
    QCOMPARE(ext, sel.response.toBytes());
    for (int i = 0; i < 4; ++i) {
        const QByteArray reply = python.waitForLine("reply", 10000);
        if (reply.isEmpty())
            qWarning() << python.errorString() << python.allStderr();
        QCOMPARE(reply, "pong:ping " + QByteArray::number(i) + " abcdefghabcdefghabcdefghabcd 16012");
    }
    // Close handshake: python's close frame, ours, then the server closes TCP.
    QVERIFY(readUntil(
        *socket, [&](const QByteArray &data) { parser.feed(data.constData(), std::size_t(data.size()), frames); },
        [&] { return !frames.frames.isEmpty() && frames.frames.last().header.opcode == Opcode::Close; }));
    socket->write(FrameWriter::closeFrame(1000));
    QVERIFY(socket->waitForBytesWritten(2000));
    socket->disconnectFromHost();
    QCOMPARE(python.waitForExit(10000), 0);
}

QTEST_GUILESS_MAIN(tst_PerMessageDeflate)
#include "tst_permessagedeflate.moc"
