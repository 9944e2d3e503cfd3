// Strict RFC 6455 conformance of our server (`serve --echo` behaviour), as a
// case table modelled on the Autobahn|Testsuite categories 1-7 and 9 (smaller
// sizes), 12/13 (permessage-deflate). Each row: the exact bytes a raw client
// sends and the exact bytes the server must answer before it closes TCP.

#include "conformanceclient.h"

#include "endpoints/deflatecodec.h"
#include "endpoints/wsserver.h"
#include "protocol/closecode.h"
#include "protocol/violation.h"

#include <QTest>

using namespace wslens;
using namespace wslens::test;

namespace {

constexpr quint64 kLimit = 4u << 20; // the test server's frame and message limit

QByteArray failClose(Violation v)
{
    return serverClose(violationInfo(v).closeCode, violationInfo(v).id);
}

QByteArray bytesOf(int n, char fill)
{
    return QByteArray(n, fill);
}

QByteArray pattern(int n)
{
    QByteArray out(n, Qt::Uninitialized);
    for (int i = 0; i < n; ++i)
        out[i] = char((i * 31 + 7) & 0xff);
    return out;
}

// A text of n bytes of valid multi-byte UTF-8 ("κόσμε" repeated, then ASCII).
QByteArray utf8Text(int n)
{
    const QByteArray unit = QByteArrayLiteral("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
    QByteArray out;
    while (out.size() + unit.size() <= n)
        out += unit;
    out += QByteArray(n - out.size(), 'x');
    return out;
}

// Splits bytes into pieces of size n (to exercise streaming).
QList<QByteArray> chunked(const QByteArray &bytes, int n)
{
    QList<QByteArray> out;
    for (qsizetype i = 0; i < bytes.size(); i += n)
        out.append(bytes.mid(i, n));
    return out;
}

} // namespace

class tst_Conformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cases_data();
    void cases();
    void failsFast_data();
    void failsFast();
    void deflate_data();
    void deflate();
    void deflateViolations_data();
    void deflateViolations();
    void handshakeRejected_data();
    void handshakeRejected();

private:
    endpoints::WsServer m_server;
};

void tst_Conformance::initTestCase()
{
    endpoints::ServerOptions options;
    options.connection.limits.maxFrameSize = kLimit;
    options.connection.limits.maxMessageSize = kLimit;
    options.connection.limits.maxDecompressedSize = kLimit;
    options.allowedOrigins = {QByteArrayLiteral("http://allowed.example")};
    QString error;
    QVERIFY2(m_server.listen(options, &error), qPrintable(error));
}

void tst_Conformance::cleanupTestCase()
{
    m_server.stop();
}

void tst_Conformance::cases_data()
{
    QTest::addColumn<QByteArray>("send");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("chunk"); // write in pieces of this size (0: at once)

    const QByteArray bye = clientClose(1000);
    const QByteArray byeAnswer = serverClose(1000);
    const auto echo = [&](const char *name, std::uint8_t op, const QByteArray &payload) {
        QTest::newRow(name) << clientFrame(op, payload) + bye << serverFrame(op, payload) + byeAnswer << 0;
    };

    // 1.* framing: every length encoding boundary, text and binary
    for (int n : {0, 125, 126, 127, 128, 65535, 65536, 300000}) {
        echo(qPrintable(QStringLiteral("1.1 text %1").arg(n)), 0x1, bytesOf(n, '*'));
        echo(qPrintable(QStringLiteral("1.2 binary %1").arg(n)), 0x2, pattern(n));
    }
    QTest::newRow("1.1.8 text 65536 in 997-byte pieces")
        << clientFrame(0x1, bytesOf(65536, '*')) + bye << serverFrame(0x1, bytesOf(65536, '*')) + byeAnswer << 997;
    QTest::newRow("1.2.8 binary 300 byte by byte")
        << clientFrame(0x2, pattern(300)) + bye << serverFrame(0x2, pattern(300)) + byeAnswer << 1;

    // 2.* ping/pong
    QTest::newRow("2.1 ping empty -> pong") << clientFrame(0x9, {}) + bye << serverFrame(0xA, {}) + byeAnswer << 0;
    QTest::newRow("2.2 ping text") << clientFrame(0x9, "Hello, world!") + bye
                                   << serverFrame(0xA, "Hello, world!") + byeAnswer << 0;
    QTest::newRow("2.3 ping binary") << clientFrame(0x9, "\x00\xff\xfe\xfd\xfc\xfb\x00\xff") + bye
                                     << serverFrame(0xA, "\x00\xff\xfe\xfd\xfc\xfb\x00\xff") + byeAnswer << 0;
    QTest::newRow("2.4 ping 125") << clientFrame(0x9, pattern(125)) + bye << serverFrame(0xA, pattern(125)) + byeAnswer << 0;
    QTest::newRow("2.5 ping 126 fails") << clientFrame(0x9, pattern(126)) + bye
                                        << failClose(Violation::ControlFrameTooLong) << 0;
    QTest::newRow("2.6 ping 125 byte by byte") << clientFrame(0x9, pattern(125)) + bye
                                               << serverFrame(0xA, pattern(125)) + byeAnswer << 1;
    QTest::newRow("2.7 unsolicited pong") << clientFrame(0xA, {}) + bye << byeAnswer << 0;
    QTest::newRow("2.8 unsolicited pong with payload") << clientFrame(0xA, "unsolicited") + bye << byeAnswer << 0;
    QTest::newRow("2.9 pong then ping") << clientFrame(0xA, "x") + clientFrame(0x9, "y") + bye
                                        << serverFrame(0xA, "y") + byeAnswer << 0;
    {
        QByteArray send, expected;
        for (int i = 0; i < 10; ++i) {
            send += clientFrame(0x9, "ping " + QByteArray::number(i));
            expected += serverFrame(0xA, "ping " + QByteArray::number(i));
        }
        QTest::newRow("2.10 ten pings answered in order") << send + bye << expected + byeAnswer << 0;
        QTest::newRow("2.11 ten pings, byte by byte") << send + bye << expected + byeAnswer << 1;
    }

    // 3.* reserved bits
    const QByteArray rsvFail = failClose(Violation::ReservedBitsSet);
    QTest::newRow("3.1 RSV1 text") << clientFrame(0x1, "Hello", true, 4) + bye << rsvFail << 0;
    QTest::newRow("3.2 text, RSV2 text, ping")
        << clientFrame(0x1, "Hello") + clientFrame(0x1, "Hello", true, 2) + clientFrame(0x9, {}) + bye
        << serverFrame(0x1, "Hello") + rsvFail << 0;
    QTest::newRow("3.3 same, byte by byte")
        << clientFrame(0x1, "Hello") + clientFrame(0x1, "Hello", true, 3) + clientFrame(0x9, {}) + bye
        << serverFrame(0x1, "Hello") + rsvFail << 1;
    QTest::newRow("3.5 RSV binary") << clientFrame(0x2, pattern(8), true, 5) + bye << rsvFail << 0;
    QTest::newRow("3.6 RSV ping") << clientFrame(0x9, "ping", true, 6) + bye << rsvFail << 0;
    QTest::newRow("3.7 RSV close") << clientFrame(0x8, FrameWriter::closePayload(1000), true, 7) << rsvFail << 0;

    // 4.* opcodes
    const QByteArray opFail = failClose(Violation::ReservedOpcode);
    for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
        QTest::newRow(qPrintable(QStringLiteral("4 opcode %1").arg(op))) << clientFrame(std::uint8_t(op), "x") + bye << opFail << 0;
    QTest::newRow("4.1.3 text, opcode 5, ping")
        << clientFrame(0x1, "Hello") + clientFrame(0x5, {}) + clientFrame(0x9, {}) + bye
        << serverFrame(0x1, "Hello") + opFail << 0;
    QTest::newRow("4.2.3 text, opcode 0xD, ping")
        << clientFrame(0x1, "Hello") + clientFrame(0xD, {}) + clientFrame(0x9, {}) + bye
        << serverFrame(0x1, "Hello") + opFail << 0;

    // 5.* fragmentation
    QTest::newRow("5.1 fragmented ping") << clientFrame(0x9, "frag", false) + clientFrame(0x0, "ment") + bye
                                         << failClose(Violation::ControlFrameFragmented) << 0;
    QTest::newRow("5.2 fragmented pong") << clientFrame(0xA, "frag", false) + clientFrame(0x0, "ment") + bye
                                         << failClose(Violation::ControlFrameFragmented) << 0;
    QTest::newRow("5.3 text in 2 fragments") << clientFrame(0x1, "frag", false) + clientFrame(0x0, "ment") + bye
                                             << serverFrame(0x1, "fragment") + byeAnswer << 0;
    QTest::newRow("5.5 text in 2 fragments, byte by byte") << clientFrame(0x1, "frag", false) + clientFrame(0x0, "ment") + bye
                                                           << serverFrame(0x1, "fragment") + byeAnswer << 1;
    QTest::newRow("5.6 ping between fragments")
        << clientFrame(0x1, "frag", false) + clientFrame(0x9, "ping") + clientFrame(0x0, "ment") + bye
        << serverFrame(0xA, "ping") + serverFrame(0x1, "fragment") + byeAnswer << 0;
    QTest::newRow("5.8 ping between fragments, byte by byte")
        << clientFrame(0x1, "frag", false) + clientFrame(0x9, "ping") + clientFrame(0x0, "ment") + bye
        << serverFrame(0xA, "ping") + serverFrame(0x1, "fragment") + byeAnswer << 1;
    QTest::newRow("5.9 continuation without message")
        << clientFrame(0x0, "x") + clientFrame(0x1, "Hello") + bye << failClose(Violation::ContinuationWithoutMessage) << 0;
    QTest::newRow("5.13 non-final continuation without message")
        << clientFrame(0x0, "x", false) + clientFrame(0x1, "Hello") + bye
        << failClose(Violation::ContinuationWithoutMessage) << 0;
    QTest::newRow("5.15 text, stray continuation")
        << clientFrame(0x1, "a", false) + clientFrame(0x0, "b") + clientFrame(0x0, "c", false) + clientFrame(0x1, "d") + bye
        << serverFrame(0x1, "ab") + failClose(Violation::ContinuationWithoutMessage) << 0;
    QTest::newRow("5.18 two text frames in one message")
        << clientFrame(0x1, "a", false) + clientFrame(0x1, "b") + bye << failClose(Violation::DataFrameInsideMessage) << 0;
    {
        QByteArray send = clientFrame(0x1, "f1", false);
        QByteArray expected;
        for (int i = 2; i <= 5; ++i) {
            send += clientFrame(0x9, "p" + QByteArray::number(i)) + clientFrame(0x0, "f" + QByteArray::number(i), i == 5);
            expected += serverFrame(0xA, "p" + QByteArray::number(i));
        }
        QTest::newRow("5.19 pings between five fragments") << send + bye
                                                           << expected + serverFrame(0x1, "f1f2f3f4f5") + byeAnswer << 0;
    }
    {
        // 64 fragments of a 256 KiB binary message
        const QByteArray payload = pattern(256 * 1024);
        FrameSpec first;
        first.opcode = 0x2;
        first.masked = true;
        first.maskKey = kTestMaskKey;
        QTest::newRow("5.x 256 KiB binary in 64 fragments")
            << FrameWriter::fragmentedMessage(first, payload, 64) + bye << serverFrame(0x2, payload) + byeAnswer << 0;
        QTest::newRow("5.x empty fragments") << clientFrame(0x1, {}, false) + clientFrame(0x0, {}, false) + clientFrame(0x0, {}) + bye
                                              << serverFrame(0x1, {}) + byeAnswer << 0;
    }
    QTest::newRow("5.x unmasked client frame") << serverFrame(0x1, "Hello") + bye << failClose(Violation::ClientFrameUnmasked) << 0;
    {
        FrameSpec nonMinimal;
        nonMinimal.opcode = 0x1;
        nonMinimal.masked = true;
        nonMinimal.maskKey = kTestMaskKey;
        nonMinimal.lengthEncoding = LengthEncoding::Medium16;
        QTest::newRow("5.x non-minimal length") << FrameWriter::frame(nonMinimal, "Hello") + bye
                                                << failClose(Violation::NonMinimalLength) << 0;
    }

    // 6.* UTF-8
    const QByteArray utf8Fail = failClose(Violation::InvalidUtf8);
    const QByteArray hello = QByteArrayLiteral("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!");
    echo("6.2.1 valid UTF-8", 0x1, hello);
    QTest::newRow("6.2.2 valid UTF-8, fragment split inside a code point")
        << clientFrame(0x1, hello.left(7), false) + clientFrame(0x0, hello.mid(7)) + bye << serverFrame(0x1, hello) + byeAnswer << 0;
    QTest::newRow("6.2.4 valid UTF-8 byte by byte in 1-byte fragments")
        << [&]() -> QByteArray {
               QByteArray s;
               for (int i = 0; i < hello.size(); ++i)
                   s += clientFrame(i == 0 ? 0x1 : 0x0, hello.mid(i, 1), i == hello.size() - 1);
               return s + bye;
           }()
        << serverFrame(0x1, hello) + byeAnswer << 0;
    echo("6.2.x 64 KiB multi-byte text", 0x1, utf8Text(65536));
    echo("6.x 4-byte sequence (U+10FFFF)", 0x1, "\xf4\x8f\xbf\xbf");
    echo("6.x BOM and U+FFFF", 0x1, "\xef\xbb\xbf\xef\xbf\xbf");
    const struct { const char *name; QByteArray text; } invalid[] = {
        {"6.3.1 surrogate in text", QByteArrayLiteral("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")},
        {"6.6.x truncated at end", QByteArrayLiteral("\xce\xba\xe1\xbd")},
        {"6.8.x over U+10FFFF", QByteArrayLiteral("\xf4\x90\x80\x80")},
        {"6.9.x overlong slash", QByteArrayLiteral("\xc0\xaf")},
        {"6.9.x overlong NUL", QByteArrayLiteral("\xe0\x80\x80")},
        {"6.10.x 5-byte sequence", QByteArrayLiteral("\xf8\x88\x80\x80\x80")},
        {"6.12.x lone continuation", QByteArrayLiteral("\x80")},
        {"6.14.x lone start byte then space", QByteArrayLiteral("\xc0 ")},
        {"6.17.x 0xfe", QByteArrayLiteral("\xfe")},
        {"6.18.x surrogate pair", QByteArrayLiteral("\xed\xa0\x80\xed\xb0\x80")},
    };
    for (const auto &c : invalid) {
        QTest::newRow(c.name) << clientFrame(0x1, "before") + clientFrame(0x1, c.text) + clientFrame(0x9, {}) + bye
                              << serverFrame(0x1, "before") + utf8Fail << 0;
    }
    QTest::newRow("6.x binary with invalid UTF-8 is fine") << clientFrame(0x2, "\xc0\xaf") + bye
                                                           << serverFrame(0x2, "\xc0\xaf") + byeAnswer << 0;
    QTest::newRow("6.x truncated code point at the end of the final fragment")
        << clientFrame(0x1, "ab\xce", false) + clientFrame(0x0, "c\xce") + bye << utf8Fail << 0;

    // 7.* close handling
    QTest::newRow("7.1.1 text then close") << clientFrame(0x1, "Hello") + bye << serverFrame(0x1, "Hello") + byeAnswer << 0;
    QTest::newRow("7.1.2 close twice") << bye + bye << byeAnswer << 0;
    QTest::newRow("7.1.3 close then ping") << bye + clientFrame(0x9, "x") << byeAnswer << 0;
    QTest::newRow("7.1.4 close then text") << bye + clientFrame(0x1, "x") << byeAnswer << 0;
    QTest::newRow("7.1.5 fragment, close, fragment")
        << clientFrame(0x1, "frag", false) + bye + clientFrame(0x0, "ment") << byeAnswer << 0;
    QTest::newRow("7.1.6 large text, ping, close")
        << clientFrame(0x1, bytesOf(256 * 1024, 'x')) + clientFrame(0x9, "p") + bye
        << serverFrame(0x1, bytesOf(256 * 1024, 'x')) + serverFrame(0xA, "p") + byeAnswer << 0;
    QTest::newRow("7.3.1 close empty") << clientFrame(0x8, {}) << serverFrame(0x8, {}) << 0;
    QTest::newRow("7.3.2 close 1 byte") << clientFrame(0x8, "\x03") << failClose(Violation::ClosePayloadTooShort) << 0;
    QTest::newRow("7.3.3 close 1000 empty reason") << clientClose(1000) << serverClose(1000) << 0;
    QTest::newRow("7.3.4 close 1000 with reason") << clientClose(1000, "Hello World!") << serverClose(1000) << 0;
    QTest::newRow("7.3.5 close with 123-byte reason") << clientClose(1000, bytesOf(123, 'r')) << serverClose(1000) << 0;
    QTest::newRow("7.3.6 close with 124-byte reason") << clientClose(1000, bytesOf(124, 'r'))
                                                      << failClose(Violation::ControlFrameTooLong) << 0;
    QTest::newRow("7.5.1 close reason invalid UTF-8") << clientClose(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64")
                                                      << utf8Fail << 0;
    for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
        QTest::newRow(qPrintable(QStringLiteral("7.7 valid close code %1").arg(code))) << clientClose(code) << serverClose(code) << 0;
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        QTest::newRow(qPrintable(QStringLiteral("7.9 invalid close code %1").arg(code)))
            << clientClose(code) << failClose(Violation::InvalidCloseCode) << 0;

    // 9.* large messages (limits of the test server: 4 MiB)
    echo("9.1 text 1 MiB", 0x1, bytesOf(1 << 20, '*'));
    echo("9.2 binary 4 MiB (the limit)", 0x2, pattern(int(kLimit)));
    QTest::newRow("9.1 text 1 MiB in 64 KiB pieces") << clientFrame(0x1, utf8Text(1 << 20)) + bye
                                                     << serverFrame(0x1, utf8Text(1 << 20)) + byeAnswer << 65536;
    {
        FrameSpec first;
        first.opcode = 0x1;
        first.masked = true;
        first.maskKey = kTestMaskKey;
        QTest::newRow("9.3 text 1 MiB in 1024 fragments")
            << FrameWriter::fragmentedMessage(first, bytesOf(1 << 20, 'f'), 1024) + bye
            << serverFrame(0x1, bytesOf(1 << 20, 'f')) + byeAnswer << 0;
        QTest::newRow("9.x fragmented message over the limit")
            << FrameWriter::fragmentedMessage(first, bytesOf(int(kLimit) + 10, 'f'), 8) + bye
            << failClose(Violation::MessageTooLarge) << 0;
    }
    QTest::newRow("9.x frame over the limit") << clientFrame(0x2, pattern(int(kLimit) + 1)) + bye
                                              << failClose(Violation::FrameTooLarge) << 0;
    QTest::newRow("9.x messages before the too-large frame are answered")
        << clientFrame(0x1, "one") + clientFrame(0x9, "two") + clientFrame(0x2, pattern(int(kLimit) + 1))
        << serverFrame(0x1, "one") + serverFrame(0xA, "two") + failClose(Violation::FrameTooLarge) << 0;
}

void tst_Conformance::cases()
{
    QFETCH(QByteArray, send);
    QFETCH(QByteArray, expected);
    QFETCH(int, chunk);
    const QList<QByteArray> chunks = chunk > 0 ? chunked(send, chunk) : QList<QByteArray>{send};
    const Exchange ex = runExchange(m_server.serverPort(), chunks);
    QVERIFY2(ex.handshakeOk, ex.handshakeResponse.constData());
    if (ex.received != expected) {
        qWarning("received %lld bytes: %s", qlonglong(ex.received.size()), ex.received.left(64).toHex(' ').constData());
        qWarning("expected %lld bytes: %s", qlonglong(expected.size()), expected.left(64).toHex(' ').constData());
        qWarning("received tail: %s", ex.received.right(48).toHex(' ').constData());
        qWarning("expected tail: %s", expected.right(48).toHex(' ').constData());
    }
    QCOMPARE(ex.received.size(), expected.size());
    QVERIFY(ex.received == expected);
    QVERIFY2(ex.closedByServer, "the server must close TCP after the close handshake or a failure");
}

// The connection fails as soon as the bytes prove a violation, without
// waiting for the rest of the frame or message (which never comes).
void tst_Conformance::failsFast_data()
{
    QTest::addColumn<QByteArray>("send");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray utf8Fail = failClose(Violation::InvalidUtf8);
    QTest::newRow("6.4.1 invalid first fragment, message never finished")
        << clientFrame(0x1, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80", false) << utf8Fail;
    // A frame declaring 1000 bytes of which only the first 20 arrive, the invalid ones among them.
    QByteArray partial = clientFrame(0x1, QByteArrayLiteral("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80")
                                              + QByteArray(986, 'x'));
    partial.truncate(8 + 20);
    QTest::newRow("6.4.3 invalid bytes at the start of an unfinished frame") << partial << utf8Fail;
    QTest::newRow("6.4.x text then invalid unfinished fragment")
        << clientFrame(0x1, "ok") + clientFrame(0x1, "\xc0", false) << serverFrame(0x1, "ok") + utf8Fail;
    QByteArray header = clientFrame(0x2, pattern(int(kLimit) + 100));
    header.truncate(14 + 10);
    QTest::newRow("9.x frame declared too large, payload never sent") << header << failClose(Violation::FrameTooLarge);
    QTest::newRow("4.x reserved opcode, payload never sent") << clientFrame(0x3, pattern(100)).left(10)
                                                            << failClose(Violation::ReservedOpcode);
}

void tst_Conformance::failsFast()
{
    QFETCH(QByteArray, send);
    QFETCH(QByteArray, expected);
    const Exchange ex = runExchange(m_server.serverPort(), {send}, QByteArray(), 4000);
    QVERIFY(ex.handshakeOk);
    QCOMPARE(ex.received.toHex(' '), expected.toHex(' '));
    QVERIFY2(ex.closedByServer, "the server must fail the connection without waiting for more bytes");
    QVERIFY2(ex.closedAfterMs < 3000, qPrintable(QString::number(ex.closedAfterMs)));
}

// 12/13.*: permessage-deflate. The expected echo is what a fresh server-side
// compressor produces for the same messages (same zlib, same parameters).
void tst_Conformance::deflate_data()
{
    QTest::addColumn<QByteArray>("offer");
    QTest::addColumn<QByteArray>("agreed");
    QTest::addColumn<QList<QByteArray>>("messages");
    QTest::addColumn<bool>("binary");

    const QList<QByteArray> small = {"Hello", "Hello", "Hello, Hello, Hello", QByteArray()};
    const QList<QByteArray> big = {utf8Text(65536), utf8Text(131072), QByteArray("tail")};
    QTest::newRow("12.1 default offer, small text") << QByteArray("permessage-deflate") << QByteArray("permessage-deflate") << small << false;
    QTest::newRow("12.2 client_max_window_bits, big text")
        << QByteArray("permessage-deflate; client_max_window_bits") << QByteArray("permessage-deflate") << big << false;
    QTest::newRow("12.3 binary") << QByteArray("permessage-deflate") << QByteArray("permessage-deflate")
                                 << QList<QByteArray>{pattern(300), pattern(70000), pattern(300)} << true;
    QTest::newRow("13.2 server_no_context_takeover")
        << QByteArray("permessage-deflate; server_no_context_takeover")
        << QByteArray("permessage-deflate; server_no_context_takeover") << small << false;
    QTest::newRow("13.3 server_max_window_bits=9")
        << QByteArray("permessage-deflate; server_max_window_bits=9")
        << QByteArray("permessage-deflate; server_max_window_bits=9") << big << false;
    QTest::newRow("13.5 client_no_context_takeover")
        << QByteArray("permessage-deflate; client_no_context_takeover")
        << QByteArray("permessage-deflate; client_no_context_takeover") << small << false;
    QTest::newRow("13.x first offer invalid, second taken")
        << QByteArray("permessage-deflate; bogus=1, permessage-deflate; server_no_context_takeover")
        << QByteArray("permessage-deflate; server_no_context_takeover") << small << false;
}

void tst_Conformance::deflate()
{
    QFETCH(QByteArray, offer);
    QFETCH(QByteArray, agreed);
    QFETCH(QList<QByteArray>, messages);
    QFETCH(bool, binary);

    endpoints::DeflateParams params;
    QByteArray answer;
    QVERIFY(endpoints::negotiateDeflateAsServer(offer, &params, &answer));
    QCOMPARE(answer, agreed);
    endpoints::DeflateCodec client(Role::Client, params, kLimit);
    endpoints::DeflateCodec server(Role::Server, params, kLimit);
    const std::uint8_t op = binary ? 0x2 : 0x1;
    QByteArray send, expected;
    for (const QByteArray &m : messages) {
        send += clientFrame(op, client.compress(m), true, 4);
        expected += serverFrame(op, server.compress(m), true, 4);
    }
    // Uncompressed messages are fine too, and are echoed compressed.
    send += clientFrame(op, messages.first());
    expected += serverFrame(op, server.compress(messages.first()), true, 4);
    send += clientClose(1000);
    expected += serverClose(1000);
    const Exchange ex = runExchange(m_server.serverPort(), {send}, offer);
    QVERIFY(ex.handshakeOk);
    QVERIFY2(ex.handshakeResponse.contains(QByteArray("Sec-WebSocket-Extensions: " + agreed + "\r\n")), ex.handshakeResponse.constData());
    if (ex.received != expected)
        qWarning("received tail: %s", ex.received.right(64).toHex(' ').constData());
    QCOMPARE(ex.received.size(), expected.size());
    QVERIFY(ex.received == expected);
    QVERIFY(ex.closedByServer);
}

void tst_Conformance::deflateViolations_data()
{
    QTest::addColumn<QByteArray>("send");
    QTest::addColumn<QByteArray>("expected");
    endpoints::DeflateParams params;
    endpoints::DeflateCodec client(Role::Client, params, kLimit);
    const QByteArray ok = client.compress("fine");
    endpoints::DeflateCodec server(Role::Server, params, kLimit);
    const QByteArray okEcho = serverFrame(0x1, server.compress("fine"), true, 4);
    QTest::newRow("12.x compressed text with invalid UTF-8")
        << clientFrame(0x1, ok, true, 4) + clientFrame(0x1, client.compress("\xce\xba\xed\xa0\x80"), true, 4)
        << okEcho + failClose(Violation::InvalidUtf8);
    QTest::newRow("12.x not DEFLATE data") << clientFrame(0x2, "\xff\xff\xff\xff\xff", true, 4)
                                           << failClose(Violation::DecompressionFailed);
    QTest::newRow("13.x inflates past the cap") << clientFrame(0x2, client.compress(QByteArray(int(kLimit) + 1, '\0')), true, 4)
                                                << failClose(Violation::DecompressedTooLarge);
    QTest::newRow("12.x RSV1 on a continuation")
        << clientFrame(0x1, "ab", false) + clientFrame(0x0, "cd", true, 4) << failClose(Violation::CompressedContinuation);
    QTest::newRow("12.x RSV1 on a ping") << clientFrame(0x9, "ab", true, 4) << failClose(Violation::CompressedControlFrame);
}

void tst_Conformance::deflateViolations()
{
    QFETCH(QByteArray, send);
    QFETCH(QByteArray, expected);
    const Exchange ex = runExchange(m_server.serverPort(), {send}, QByteArrayLiteral("permessage-deflate"));
    QVERIFY(ex.handshakeOk);
    QCOMPARE(ex.received.toHex(' '), expected.toHex(' '));
    QVERIFY(ex.closedByServer);
}

void tst_Conformance::handshakeRejected_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<QByteArray>("statusLine");
    const QByteArray base = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    QTest::newRow("version 8") << base + "Sec-WebSocket-Version: 8\r\n\r\n" << QByteArray("HTTP/1.1 426");
    QTest::newRow("POST") << QByteArray("POST / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("HTTP/1.1 405");
    QTest::newRow("plain GET") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("HTTP/1.1 400");
    QTest::newRow("origin not allowed") << base + "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n"
                                        << QByteArray("HTTP/1.1 403");
    QTest::newRow("origin allowed") << base + "Sec-WebSocket-Version: 13\r\nOrigin: http://allowed.example\r\n\r\n"
                                    << QByteArray("HTTP/1.1 101");
    QTest::newRow("garbage") << QByteArrayLiteral("\x16\x03\x01\x02\x00\r\n\r\n") << QByteArray("HTTP/1.1 400");
}

void tst_Conformance::handshakeRejected()
{
    QFETCH(QByteArray, request);
    QFETCH(QByteArray, statusLine);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.serverPort());
    QVERIFY(socket.waitForConnected(3000));
    socket.write(request);
    QByteArray answer;
    while (!answer.contains("\r\n\r\n") && socket.waitForReadyRead(3000))
        answer += socket.readAll();
    QVERIFY2(answer.startsWith(statusLine), answer.constData());
}

QTEST_GUILESS_MAIN(tst_Conformance)
#include "tst_conformance.moc"
