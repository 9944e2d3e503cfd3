// Building blocks of the frame layer: masking, UTF-8 validation, close codes,
// the violation table.

#include "protocol/closecode.h"
#include "protocol/masking.h"
#include "protocol/utf8validator.h"
#include "protocol/violation.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace wslens;

class TestProtocolPrimitives : public QObject
{
    Q_OBJECT

private slots:
    void maskMatchesReference_data();
    void maskMatchesReference();
    void maskInPiecesWithPhase();
    void maskRfcExample();
    void maskUnalignedAndInPlace();
    void utf8_data();
    void utf8();
    void utf8EverySplit_data();
    void utf8EverySplit();
    void utf8ValidPrefix();
    void closeCodes_data();
    void closeCodes();
    void violationTable();
};

void TestProtocolPrimitives::maskMatchesReference_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("phase");
    for (int size : {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 100, 127, 1024, 4099})
        for (int phase : {0, 1, 2, 3, 5})
            QTest::addRow("%d bytes phase %d", size, phase) << size << phase;
}

void TestProtocolPrimitives::maskMatchesReference()
{
    QFETCH(int, size);
    QFETCH(int, phase);
    QRandomGenerator rng(std::uint32_t(size * 7 + phase));
    QByteArray src(size, Qt::Uninitialized);
    for (char &c : src)
        c = char(rng.bounded(256));
    for (std::uint32_t key : {0x37fa213du, 0x00000000u, 0xFFFFFFFFu, 0x01020304u}) {
        QByteArray fast(size, '\0');
        QByteArray ref(size, '\0');
        applyMask(fast.data(), src.constData(), std::size_t(size), key, std::size_t(phase));
        applyMaskBytewise(ref.data(), src.constData(), std::size_t(size), key, std::size_t(phase));
        QCOMPARE(fast, ref);
        // Masking twice restores the input.
        applyMaskInPlace(fast.data(), std::size_t(size), key, std::size_t(phase));
        QCOMPARE(fast, src);
    }
}

void TestProtocolPrimitives::maskInPiecesWithPhase()
{
    // Unmasking a payload in arbitrary pieces, passing the running offset as
    // phase, equals unmasking it whole.
    QByteArray src(5000, Qt::Uninitialized);
    for (int i = 0; i < src.size(); ++i)
        src[i] = char(i * 7 + 3);
    const std::uint32_t key = 0xA1B2C3D4;
    QByteArray whole(src.size(), '\0');
    applyMask(whole.data(), src.constData(), std::size_t(src.size()), key, 0);
    QRandomGenerator rng(42);
    for (int round = 0; round < 50; ++round) {
        QByteArray pieces(src.size(), '\0');
        int pos = 0;
        while (pos < src.size()) {
            const int n = qMin(int(rng.bounded(1, 300)), int(src.size()) - pos);
            applyMask(pieces.data() + pos, src.constData() + pos, std::size_t(n), key, std::size_t(pos));
            pos += n;
        }
        QCOMPARE(pieces, whole);
    }
}

void TestProtocolPrimitives::maskRfcExample()
{
    // RFC 6455 5.7: "Hello" masked with 37 fa 21 3d.
    const QByteArray hello = QByteArrayLiteral("Hello");
    QByteArray out(5, '\0');
    applyMask(out.data(), hello.constData(), 5, 0x37fa213d, 0);
    QCOMPARE(out, QByteArray::fromHex("7f9f4d5158"));
}

void TestProtocolPrimitives::maskUnalignedAndInPlace()
{
    QByteArray buf(300, Qt::Uninitialized);
    for (int i = 0; i < buf.size(); ++i)
        buf[i] = char(i);
    for (int offset = 0; offset < 9; ++offset) {
        QByteArray a = buf;
        QByteArray ref = buf;
        applyMaskInPlace(a.data() + offset, std::size_t(200 + offset), 0xDEADBEEF, std::size_t(offset));
        applyMaskBytewise(ref.data() + offset, ref.constData() + offset, std::size_t(200 + offset), 0xDEADBEEF,
                          std::size_t(offset));
        QCOMPARE(a, ref);
    }
}

void TestProtocolPrimitives::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("complete");
    auto b = [](const char *s, int n) { return QByteArray(s, n); };
    QTest::newRow("empty") << QByteArray() << true << true;
    QTest::newRow("ascii") << QByteArrayLiteral("Hello, World! 0123456789 long enough for words") << true << true;
    QTest::newRow("2-byte") << b("\xC3\xA9", 2) << true << true;
    QTest::newRow("3-byte euro") << b("\xE2\x82\xAC", 3) << true << true;
    QTest::newRow("4-byte emoji") << b("\xF0\x9F\x98\x80", 4) << true << true;
    QTest::newRow("U+10FFFF") << b("\xF4\x8F\xBF\xBF", 4) << true << true;
    QTest::newRow("U+D7FF") << b("\xED\x9F\xBF", 3) << true << true;
    QTest::newRow("U+E000") << b("\xEE\x80\x80", 3) << true << true;
    QTest::newRow("NUL") << b("\0", 1) << true << true;
    QTest::newRow("mixed after ascii run") << b("abcdefghijklmnop\xCE\xBA\xE1\xBD\xB9", 21) << true << true;
    QTest::newRow("truncated 2-byte") << b("\xC3", 1) << true << false;
    QTest::newRow("truncated 4-byte") << b("\xF0\x9F\x98", 3) << true << false;
    QTest::newRow("stray continuation") << b("\x80", 1) << false << false;
    QTest::newRow("overlong slash C0 AF") << b("\xC0\xAF", 2) << false << false;
    QTest::newRow("overlong C1") << b("\xC1\xBF", 2) << false << false;
    QTest::newRow("overlong 3-byte E0 80 AF") << b("\xE0\x80\xAF", 3) << false << false;
    QTest::newRow("overlong 4-byte F0 80 80 AF") << b("\xF0\x80\x80\xAF", 4) << false << false;
    QTest::newRow("surrogate D800") << b("\xED\xA0\x80", 3) << false << false;
    QTest::newRow("surrogate DFFF") << b("\xED\xBF\xBF", 3) << false << false;
    QTest::newRow("above U+10FFFF") << b("\xF4\x90\x80\x80", 4) << false << false;
    QTest::newRow("F5 lead") << b("\xF5\x80\x80\x80", 4) << false << false;
    QTest::newRow("FF") << b("\xFF", 1) << false << false;
    QTest::newRow("FE") << b("\xFE", 1) << false << false;
    QTest::newRow("lead then ascii") << b("\xE2\x82" "A", 3) << false << false;
    QTest::newRow("autobahn 6.3.1 ") << b("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80\x65\x64\x69\x74\x65\x64", 20)
                                     << false << false;
}

void TestProtocolPrimitives::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QFETCH(bool, complete);
    const std::uint32_t state = Utf8Validator::advance(Utf8Validator::Accept, bytes.constData(), std::size_t(bytes.size()));
    QCOMPARE(state != Utf8Validator::Reject, valid);
    QCOMPARE(state == Utf8Validator::Accept, complete);
    QCOMPARE(Utf8Validator::isValid(bytes.constData(), std::size_t(bytes.size())), complete);
    // Agrees with Qt's decoder on complete input.
    if (complete)
        QVERIFY(QString::fromUtf8(bytes).toUtf8() == bytes);
}

void TestProtocolPrimitives::utf8EverySplit_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("complete");
    QTest::newRow("valid mix") << QByteArray("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", 11) << true;
    QTest::newRow("invalid in middle") << QByteArray("a\xC3\xA9\xED\xA0\x80z", 7) << false;
    QTest::newRow("incomplete end") << QByteArray("abc\xF0\x9F", 5) << false;
}

void TestProtocolPrimitives::utf8EverySplit()
{
    // The state carries across pieces: every split point gives the same answer.
    QFETCH(QByteArray, bytes);
    QFETCH(bool, complete);
    for (int cut = 0; cut <= bytes.size(); ++cut) {
        Utf8Validator v;
        v.feed(bytes.constData(), std::size_t(cut));
        v.feed(bytes.constData() + cut, std::size_t(bytes.size() - cut));
        QCOMPARE(v.isComplete(), complete);
    }
    Utf8Validator v;
    for (char c : bytes)
        v.feed(&c, 1);
    QCOMPARE(v.isComplete(), complete);
}

void TestProtocolPrimitives::utf8ValidPrefix()
{
    const QByteArray s("hello w\xC3\xB6rld \xC3\x28 more", 20);
    std::size_t prefix = 0;
    QCOMPARE(Utf8Validator::advance(Utf8Validator::Accept, s.constData(), std::size_t(s.size()), &prefix),
             Utf8Validator::Reject);
    QCOMPARE(prefix, std::size_t(14)); // the '(' after C3 proves it invalid
    Utf8Validator v;
    QVERIFY(!v.feed("\xFF", 1));
    QVERIFY(v.failed());
    QVERIFY(!v.feed("a", 1)); // sticky
    v.reset();
    QVERIFY(v.feed("a", 1));
    QVERIFY(v.isComplete());
}

void TestProtocolPrimitives::closeCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("name");
    QTest::newRow("0") << 0 << false << QStringLiteral("unknown");
    QTest::newRow("999") << 999 << false << QStringLiteral("unknown");
    QTest::newRow("1000") << 1000 << true << QStringLiteral("normal");
    QTest::newRow("1001") << 1001 << true << QStringLiteral("going-away");
    QTest::newRow("1002") << 1002 << true << QStringLiteral("protocol-error");
    QTest::newRow("1003") << 1003 << true << QStringLiteral("unsupported-data");
    QTest::newRow("1004") << 1004 << false << QStringLiteral("reserved");
    QTest::newRow("1005") << 1005 << false << QStringLiteral("no-status-received");
    QTest::newRow("1006") << 1006 << false << QStringLiteral("abnormal-closure");
    QTest::newRow("1007") << 1007 << true << QStringLiteral("invalid-payload");
    QTest::newRow("1009") << 1009 << true << QStringLiteral("message-too-big");
    QTest::newRow("1011") << 1011 << true << QStringLiteral("internal-error");
    QTest::newRow("1014") << 1014 << true << QStringLiteral("bad-gateway");
    QTest::newRow("1015") << 1015 << false << QStringLiteral("tls-handshake");
    QTest::newRow("1016") << 1016 << false << QStringLiteral("unknown");
    QTest::newRow("2999") << 2999 << false << QStringLiteral("unknown");
    QTest::newRow("3000") << 3000 << true << QStringLiteral("registered");
    QTest::newRow("4000") << 4000 << true << QStringLiteral("private");
    QTest::newRow("4999") << 4999 << true << QStringLiteral("private");
    QTest::newRow("5000") << 5000 << false << QStringLiteral("unknown");
    QTest::newRow("65535") << 65535 << false << QStringLiteral("unknown");
}

void TestProtocolPrimitives::closeCodes()
{
    QFETCH(int, code);
    QFETCH(bool, valid);
    QFETCH(QString, name);
    QCOMPARE(CloseCode::isValidOnWire(std::uint16_t(code)), valid);
    QCOMPARE(QString::fromLatin1(CloseCode::name(std::uint16_t(code))), name);
}

void TestProtocolPrimitives::violationTable()
{
    const QRegularExpression kebab(QStringLiteral("^[a-z0-9]+(-[a-z0-9]+)*$"));
    QSet<QString> seen;
    for (int i = 1; i < int(Violation::Count); ++i) {
        const Violation v = Violation(i);
        const ViolationInfo &info = violationInfo(v);
        const QString id = QString::fromLatin1(info.id);
        QVERIFY2(kebab.match(id).hasMatch(), qPrintable(id));
        QVERIFY2(!seen.contains(id), qPrintable(id));
        seen.insert(id);
        QVERIFY(qstrlen(info.rule) > 10);
        QVERIFY2(info.closeCode == 1002 || info.closeCode == 1007 || info.closeCode == 1009, qPrintable(id));
        QCOMPARE(violationFromId(info.id), v);
    }
    QCOMPARE(violationFromId("no-such-rule"), Violation::None);
    QCOMPARE(violationFromId(nullptr), Violation::None);
    QCOMPARE(violationInfo(Violation::Count).id, violationInfo(Violation::None).id);
    // Spot checks of the documented mapping.
    QCOMPARE(QByteArray(violationInfo(Violation::NonMinimalLength).id), QByteArrayLiteral("non-minimal-length"));
    QCOMPARE(violationInfo(Violation::InvalidUtf8).closeCode, std::uint16_t(1007));
    QCOMPARE(violationInfo(Violation::MessageTooLarge).closeCode, std::uint16_t(1009));
    QCOMPARE(violationInfo(Violation::DecompressedTooLarge).closeCode, std::uint16_t(1009));
    QCOMPARE(violationInfo(Violation::ReservedOpcode).closeCode, std::uint16_t(1002));
    QVERIFY(QByteArray(violationInfo(Violation::ControlFrameTooLong).rule).contains("125"));
}

QTEST_GUILESS_MAIN(TestProtocolPrimitives)
#include "tst_protocolprimitives.moc"
