// The per-direction stream interceptor on crafted byte streams: pass-through
// byte identity, replace / drop / hold with fragmented messages and pings in
// between, masking, permessage-deflate with context takeover checked by an
// independent inflater, and injection at frame boundaries.
#include "intercept/rulesfile.h"
#include "streamtestsupport.h"

#include <QtTest>

using namespace wslens;
using namespace wslens::intercept;
using namespace wslens::test;

namespace {

std::shared_ptr<const RuleSet> rulesFrom(const QByteArray &json)
{
    RuleList rules;
    QString error;
    if (!parseRules(json, &rules, &error))
        qFatal("bad test rules: %s", qPrintable(error));
    return RuleSet::compile(rules);
}

StreamOptions options(Direction d, bool deflate = false)
{
    StreamOptions o;
    o.direction = d;
    o.deflate = deflate;
    o.url = QStringLiteral("ws://127.0.0.1/x");
    o.host = QStringLiteral("127.0.0.1");
    return o;
}

// Fragmented "foo" + "12" with a ping between the fragments, then "plain", then a pong.
QByteArray mixedStream(bool masked)
{
    QByteArray s;
    s += textFrame("foo", masked, false);
    s += textFrame("ping!", masked, true, Opcode::Ping);
    s += textFrame("12", masked, true, Opcode::Continuation);
    s += textFrame("plain", masked);
    s += textFrame(QByteArray("\x01\x02", 2), masked, true, Opcode::Binary);
    s += textFrame("", masked, true, Opcode::Pong);
    return s;
}

const int kChunkSizes[] = {1, 3, 7, 1000};

} // namespace

class TestStreamInterceptor : public QObject
{
    Q_OBJECT
private slots:
    void passThroughWithoutRules_data();
    void passThroughWithoutRules();
    void unmatchedIsByteIdentical_data();
    void unmatchedIsByteIdentical();
    void replaceFragmented_data();
    void replaceFragmented();
    void dropServerMessage();
    void holdKeepsOrder();
    void holdDropAndForwardAll();
    void controlRules();
    void closeWaitsBehindHeld();
    void deflateContextTakeover_data();
    void deflateContextTakeover();
    void injectAtBoundaries();
    void rulesSwitchedOnMidMessage();
    void hugeFrameLosesFraming();
};

void TestStreamInterceptor::passThroughWithoutRules_data()
{
    QTest::addColumn<int>("chunk");
    for (int c : kChunkSizes)
        QTest::newRow(qPrintable(QString::number(c))) << c;
}

void TestStreamInterceptor::passThroughWithoutRules()
{
    QFETCH(int, chunk);
    StreamInterceptor si(options(Direction::ClientToServer));
    const QByteArray stream = mixedStream(true);
    const RunResult r = runStream(si, stream, chunk);
    QCOMPARE(r.bytes, stream);
    QCOMPARE(r.fastChunks, int((stream.size() + chunk - 1) / chunk)); // every chunk took the fast path
    QVERIFY(r.items.empty());
}

void TestStreamInterceptor::unmatchedIsByteIdentical_data()
{
    passThroughWithoutRules_data();
}

void TestStreamInterceptor::unmatchedIsByteIdentical()
{
    QFETCH(int, chunk);
    for (const bool masked : {true, false}) {
        StreamInterceptor si(options(masked ? Direction::ClientToServer : Direction::ServerToClient));
        si.setRules(rulesFrom(R"J({"rules":[{"action":"replace","match":"nomatch","replace":"x"},{"action":"drop","hex":"ffff"}]})J"));
        // A ping between the fragments of a message being assembled goes ahead
        // of it; everything else is exactly the input.
        const QByteArray ping = textFrame("ping!", masked, true, Opcode::Ping);
        QByteArray stream = mixedStream(masked);
        const RunResult r = runStream(si, stream, chunk);
        QVERIFY(stream.contains(ping));
        stream.remove(stream.indexOf(ping), ping.size());
        QCOMPARE(r.bytes, ping + stream);
        QCOMPARE(r.fastChunks, 0);
        QVERIFY(si.messagesBuffered() >= 2);
        for (const auto &item : r.items)
            QCOMPARE(item.mark, EditMark::None);
    }
}

void TestStreamInterceptor::replaceFragmented_data()
{
    passThroughWithoutRules_data();
}

void TestStreamInterceptor::replaceFragmented()
{
    QFETCH(int, chunk);
    StreamInterceptor si(options(Direction::ClientToServer));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo(\\d+)","replace":"bar\\1"}]})J"));
    const RunResult r = runStream(si, mixedStream(true), chunk);
    Receiver rx(Role::Client, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.violations, 0);
    QVERIFY(rx.atBoundary());
    QCOMPARE(rx.messages.size(), 5);
    QCOMPARE(rx.messages[4].opcode, Opcode::Pong);
    // The ping went ahead of the message that was being assembled around it.
    QCOMPARE(rx.messages[0].opcode, Opcode::Ping);
    QCOMPARE(rx.messages[0].payload, QByteArray("ping!"));
    QCOMPARE(rx.messages[1].opcode, Opcode::Text);
    QCOMPARE(rx.messages[1].payload, QByteArray("bar12"));
    QVERIFY(rx.messages[1].masked);
    QCOMPARE(rx.messages[2].payload, QByteArray("plain"));
    QCOMPARE(rx.messages[3].opcode, Opcode::Binary);
    int replaced = 0;
    for (const auto &item : r.items)
        if (item.mark == EditMark::Replaced) {
            ++replaced;
            QCOMPARE(item.original, QByteArray("foo12"));
            // A fresh mask key, not the original's.
            const FrameHeader h = FrameParser::decodeHeader(reinterpret_cast<const std::uint8_t *>(item.bytes.constData()));
            QVERIFY(h.masked);
            QVERIFY(h.maskKey != 0x11223344u);
        }
    QCOMPARE(replaced, 1);
    // The direction the rule does not watch passes through.
    StreamInterceptor other(options(Direction::ServerToClient));
    other.setRules(rulesFrom(R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo(\\d+)","replace":"bar\\1"}]})J"));
    QVERIFY(!other.hasActiveRules());
    QCOMPARE(runStream(other, mixedStream(false), chunk).bytes, mixedStream(false));
}

void TestStreamInterceptor::dropServerMessage()
{
    StreamInterceptor si(options(Direction::ServerToClient));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"drop","direction":"s2c","match":"^secret"}]})J"));
    QByteArray stream = textFrame("hello", false) + textFrame("secret", false, false)
                        + textFrame(" plans", false, true, Opcode::Continuation) + textFrame("bye", false);
    const RunResult r = runStream(si, stream, 5);
    Receiver rx(Role::Server, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.messages.size(), 2);
    QCOMPARE(rx.messages[0].payload, QByteArray("hello"));
    QCOMPARE(rx.messages[1].payload, QByteArray("bye"));
    QVERIFY(!rx.messages[1].masked);
    bool found = false;
    for (const auto &item : r.items)
        if (item.mark == EditMark::Dropped) {
            found = true;
            QVERIFY(item.bytes.isEmpty());
            QCOMPARE(item.dropped.size(), std::size_t(2)); // both original frames recorded
            QCOMPARE(item.dropped.back().message, QByteArray("secret plans"));
            QCOMPARE(item.dropped.back().original, QByteArray("secret plans"));
            QCOMPARE(item.dropped.front().edit, EditMark::Dropped);
        }
    QVERIFY(found);
}

void TestStreamInterceptor::holdKeepsOrder()
{
    StreamInterceptor si(options(Direction::ClientToServer));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"breakpoint","match":"^stop"}]})J"));
    const QByteArray stream = textFrame("one", true) + textFrame("stop here", true) + textFrame("ping", true, true, Opcode::Ping)
                              + textFrame("three", true) + textFrame("four", true);
    RunResult r = runStream(si, stream, 4);
    const auto held = si.takeNewlyHeld();
    QCOMPARE(held.size(), std::size_t(1));
    QCOMPARE(held[0].payload, QByteArray("stop here"));
    QCOMPARE(si.heldCount(), 1);
    {
        Receiver rx(Role::Client, false);
        rx.feed(r.bytes);
        QCOMPARE(rx.messages.size(), 2); // "one" and the ping; "three" and "four" wait behind the held message
        QCOMPARE(rx.messages[0].payload, QByteArray("one"));
        QCOMPARE(rx.messages[1].opcode, Opcode::Ping);
    }
    Output out;
    QVERIFY(!si.forward(held[0].id + 100, std::nullopt, out));
    QVERIFY(si.forward(held[0].id, QByteArray("edited"), out));
    QVERIFY(!si.forward(held[0].id, std::nullopt, out)); // once only
    for (auto &item : out)
        r.bytes += item.bytes;
    QCOMPARE(out.front().mark, EditMark::Replaced);
    QCOMPARE(out.front().original, QByteArray("stop here"));
    Receiver rx(Role::Client, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.messages.size(), 5);
    QCOMPARE(rx.messages[2].payload, QByteArray("edited"));
    QCOMPARE(rx.messages[3].payload, QByteArray("three"));
    QCOMPARE(rx.messages[4].payload, QByteArray("four"));
    // Back to the fast path once nothing is held and no rules remain.
    si.setRules(nullptr);
    Output more;
    QVERIFY(si.process(textFrame("five", true), more));
}

void TestStreamInterceptor::holdDropAndForwardAll()
{
    StreamInterceptor si(options(Direction::ServerToClient));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"hold"}]})J"));
    const QByteArray stream = textFrame("a", false) + textFrame("b", false) + textFrame("c", false);
    RunResult r = runStream(si, stream, 1000);
    QVERIFY(r.bytes.isEmpty());
    const auto held = si.takeNewlyHeld();
    QCOMPARE(held.size(), std::size_t(3));
    Output out;
    QVERIFY(si.drop(held[0].id, out));
    QCOMPARE(out.size(), std::size_t(1));
    QCOMPARE(out[0].mark, EditMark::Dropped);
    QCOMPARE(out[0].original, QByteArray("a"));
    out.clear();
    QCOMPARE(si.forwardAll(out), (std::vector<quint64>{held[1].id, held[2].id}));
    QByteArray bytes;
    for (const auto &item : out)
        bytes += item.bytes;
    QCOMPARE(bytes, textFrame("b", false) + textFrame("c", false)); // unedited: the original bytes
    // Discarding on close records what was still held.
    r = runStream(si, textFrame("d", false), 1000);
    Output gone;
    QCOMPARE(si.discardAll(gone).size(), std::size_t(1));
    QCOMPARE(gone.size(), std::size_t(1));
    QCOMPARE(gone[0].mark, EditMark::Dropped);
    QCOMPARE(si.heldCount(), 0);
}

void TestStreamInterceptor::controlRules()
{
    StreamInterceptor si(options(Direction::ClientToServer));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"drop","opcode":"ping"},{"action":"replace","opcode":"pong","match":"x","replace":"y"}]})J"));
    const QByteArray stream = textFrame("p", true, true, Opcode::Ping) + textFrame("xx", true, true, Opcode::Pong)
                              + textFrame("text", true);
    const RunResult r = runStream(si, stream, 2);
    Receiver rx(Role::Client, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.messages.size(), 2);
    QCOMPARE(rx.messages[0].opcode, Opcode::Pong);
    QCOMPARE(rx.messages[0].payload, QByteArray("yy"));
    QCOMPARE(rx.messages[1].payload, QByteArray("text"));
}

void TestStreamInterceptor::closeWaitsBehindHeld()
{
    StreamInterceptor si(options(Direction::ClientToServer));
    si.setRules(rulesFrom(R"J({"rules":[{"action":"hold","match":"wait"}]})J"));
    const QByteArray close = FrameWriter::closeFrame(1000, "bye", true, 0x01020304u);
    RunResult r = runStream(si, textFrame("wait", true) + close, 1000);
    QVERIFY(r.bytes.isEmpty()); // the close frame does not overtake the held message
    Output out;
    si.forwardAll(out);
    QByteArray bytes;
    for (const auto &item : out)
        bytes += item.bytes;
    QCOMPARE(bytes, textFrame("wait", true) + close);
}

void TestStreamInterceptor::deflateContextTakeover_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("noContextTakeover");
    QTest::addColumn<int>("chunk");
    QTest::newRow("replace") << QStringLiteral("replace") << false << 1000;
    QTest::newRow("replace, small chunks") << QStringLiteral("replace") << false << 3;
    QTest::newRow("drop") << QStringLiteral("drop") << false << 1000;
    QTest::newRow("replace, no context takeover") << QStringLiteral("replace") << true << 1000;
    QTest::newRow("drop, no context takeover") << QStringLiteral("drop") << true << 7;
}

void TestStreamInterceptor::deflateContextTakeover()
{
    QFETCH(QString, action);
    QFETCH(bool, noContextTakeover);
    QFETCH(int, chunk);
    // The sender compresses with context takeover: later messages refer to earlier text.
    DeflaterOptions dopts;
    dopts.noContextTakeover = noContextTakeover;
    Deflater sender(dopts);
    QList<QByteArray> messages;
    for (int i = 0; i < 8; ++i)
        messages << QByteArrayLiteral("{\"type\":\"update\",\"symbol\":\"ACME\",\"price\":") + QByteArray::number(100 + i)
                        + QByteArrayLiteral(",\"note\":\"the same words again and again\"}");
    messages[2] = "secret 42 " + messages[2];
    QByteArray stream;
    qsizetype prefix = 0;
    for (int i = 0; i < messages.size(); ++i) {
        const QByteArray c = sender.compressMessage(messages[i]);
        if (i == 4) { // one message fragmented, with a ping inside
            const qsizetype half = c.size() / 2;
            stream += textFrame(c.left(half), true, false, Opcode::Text, Rsv::Rsv1);
            stream += textFrame("ping", true, true, Opcode::Ping);
            stream += textFrame(c.mid(half), true, true, Opcode::Continuation);
        } else {
            stream += textFrame(c, true, true, Opcode::Text, Rsv::Rsv1);
        }
        if (i == 5)
            stream += textFrame("uncompressed", true); // RSV1 clear: touches no window
        if (i == 1)
            prefix = stream.size();
    }
    StreamOptions o = options(Direction::ClientToServer, true);
    o.agreement.clientNoContextTakeover = noContextTakeover;
    StreamInterceptor si(o);
    const bool drop = action == QLatin1String("drop");
    si.setRules(rulesFrom(drop ? QByteArray(R"J({"rules":[{"action":"drop","match":"^secret"}]})J")
                               : QByteArray(R"J({"rules":[{"action":"replace","match":"^secret (\\d+)","replace":"public \\1!"}]})J")));
    const RunResult r = runStream(si, stream, chunk);
    QCOMPARE(si.reencoding(), !noContextTakeover);

    QList<QByteArray> expected = messages;
    if (drop)
        expected.removeAt(2);
    else
        expected[2] = "public 42! " + messages[2].mid(10);
    expected.insert(drop ? 5 : 6, "uncompressed");

    Receiver rx(Role::Client, true, noContextTakeover);
    rx.feed(r.bytes);
    QCOMPARE(rx.violations, 0);
    QList<QByteArray> got;
    for (const DecodedMessage &m : rx.messages) {
        QVERIFY(m.ok);
        QVERIFY(m.masked);
        if (m.opcode == Opcode::Text)
            got << m.payload;
    }
    QCOMPARE(got, expected);
    // The messages before the edit went out exactly as they came.
    QVERIFY(prefix > 0);
    QCOMPARE(r.bytes.left(prefix), stream.left(prefix));
    int compressed = 0;
    for (const DecodedMessage &m : rx.messages)
        compressed += m.compressed ? 1 : 0;
    QCOMPARE(compressed, drop ? 7 : 8); // every originally compressed message still goes compressed
}

void TestStreamInterceptor::injectAtBoundaries()
{
    StreamInterceptor si(options(Direction::ServerToClient));
    RunResult r;
    Output out;
    // In the middle of a fragmented message (fast path, no rules): a ping may go
    // between fragments; a text message waits until the message ends.
    QByteArray first = textFrame("frag1-", false, false);
    QByteArray partial = textFrame("frag2-", false, false, Opcode::Continuation);
    collect(first, si.process(first, out), out, r);
    collect(partial.left(3), si.process(partial.left(3), out), out, r); // stops inside a frame
    QVERIFY(si.inject(InterceptMessage{Opcode::Text, "injected"}, out));
    QVERIFY(si.inject(InterceptMessage{Opcode::Ping, "p"}, out));
    QVERIFY(out.empty()); // nothing may go in the middle of a frame
    const QByteArray rest = partial.mid(3) + textFrame("end", false, true, Opcode::Continuation) + textFrame("after", false);
    collect(rest, si.process(rest, out), out, r);
    Receiver rx(Role::Server, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.violations, 0);
    QCOMPARE(rx.messages.size(), 4);
    QCOMPARE(rx.messages[3].payload, QByteArray("after"));
    QCOMPARE(rx.messages[0].opcode, Opcode::Text);
    QCOMPARE(rx.messages[0].payload, QByteArray("frag1-frag2-end"));
    QCOMPARE(rx.messages[1].payload, QByteArray("injected")); // FIFO: the ping waits behind the text
    QCOMPARE(rx.messages[2].opcode, Opcode::Ping);
    int injected = 0;
    for (const auto &item : r.items)
        injected += item.mark == EditMark::Injected ? 1 : 0;
    QCOMPARE(injected, 2);
    // At a boundary it goes at once; toward a server it is masked; close has code and reason.
    StreamInterceptor c2s(options(Direction::ClientToServer, true));
    Output now;
    QVERIFY(c2s.inject(InterceptMessage::closeMessage(4000, "bye"), now));
    QCOMPARE(now.size(), std::size_t(1));
    Receiver rx2(Role::Client, true);
    rx2.feed(now[0].bytes);
    QCOMPARE(rx2.violations, 0);
    QCOMPARE(rx2.messages.size(), 1);
    QCOMPARE(rx2.messages[0].opcode, Opcode::Close);
    QVERIFY(rx2.messages[0].masked);
    QCOMPARE(rx2.messages[0].payload, QByteArray("\x0f\xa0" "bye"));
}

void TestStreamInterceptor::rulesSwitchedOnMidMessage()
{
    StreamInterceptor si(options(Direction::ClientToServer));
    const QByteArray stream = textFrame("foo1", true, false) + textFrame("foo2", true, true, Opcode::Continuation)
                              + textFrame("foo3", true);
    RunResult r;
    Output out;
    // The first chunk ends inside the second frame's header; then a rule is switched on.
    const qsizetype cut = textFrame("foo1", true, false).size() + 3;
    collect(stream.left(cut), si.process(stream.left(cut), out), out, r);
    si.setRules(rulesFrom(R"J({"rules":[{"action":"replace","match":"foo","replace":"bar"}]})J"));
    collect(stream.mid(cut), si.process(stream.mid(cut), out), out, r);
    Receiver rx(Role::Client, false);
    rx.feed(r.bytes);
    QCOMPARE(rx.violations, 0);
    QCOMPARE(rx.messages.size(), 2);
    QCOMPARE(rx.messages[0].payload, QByteArray("foo1foo2")); // already on its way: untouched
    QCOMPARE(rx.messages[1].payload, QByteArray("bar3"));
}

void TestStreamInterceptor::hugeFrameLosesFraming()
{
    StreamOptions o = options(Direction::ServerToClient);
    o.maxFrameSize = 100;
    StreamInterceptor si(o);
    si.setRules(rulesFrom(R"J({"rules":[{"action":"drop"}]})J"));
    const QByteArray big = textFrame(QByteArray(300, 'x'), false);
    const QByteArray stream = textFrame("small", false) + big + textFrame("later", false);
    const RunResult r = runStream(si, stream, 50);
    QVERIFY(si.framingLost());
    QCOMPARE(r.bytes, big + textFrame("later", false)); // the small one dropped, the rest raw
    Output out;
    QVERIFY(!si.inject(InterceptMessage{Opcode::Text, "x"}, out));
}

QTEST_GUILESS_MAIN(TestStreamInterceptor)
#include "tst_stream_interceptor.moc"
