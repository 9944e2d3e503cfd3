// `wslens send --frame SPEC` puts exactly the specified bytes on the wire.
// The real binary talks to a raw server that records the bytes.

#include "rawupgradeserver.h"
#include "testsupport.h"

#include "endpoints/framespectext.h"

#include <QTest>

using namespace wslens;
using namespace wslens::test;

class tst_Crafting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void frameSpecOnTheWire_data();
    void frameSpecOnTheWire();
    void randomMaskByDefault();
    void headersAndSubprotocol();
    void specParser_data();
    void specParser();
};

void tst_Crafting::initTestCase()
{
    QVERIFY2(!wslensBinary().isEmpty(), "WSLENS_BINARY is not set");
}

void tst_Crafting::frameSpecOnTheWire_data()
{
    QTest::addColumn<QStringList>("frames");
    QTest::addColumn<QByteArray>("expectedHex");

    QTest::newRow("masked text") << QStringList{QStringLiteral("opcode=1,mask=0a0b0c0d,text=hello")}
                                 << QByteArray("81850a0b0c0d626e606165");
    QTest::newRow("fin=0 rsv=4 (issue example)") << QStringList{QStringLiteral("opcode=1,fin=0,rsv=4,mask=0a0b0c0d,text=hello")}
                                                 << QByteArray("41850a0b0c0d626e606165");
    QTest::newRow("unmasked binary hex") << QStringList{QStringLiteral("opcode=2,mask=none,hex=00ff10")}
                                         << QByteArray("820300ff10");
    QTest::newRow("opcode 15, all rsv, empty") << QStringList{QStringLiteral("opcode=15,rsv=7,mask=none,hex=")}
                                               << QByteArray("ff00");
    QTest::newRow("opcode in hex") << QStringList{QStringLiteral("opcode=0xA,mask=none,hex=01")} << QByteArray("8a0101");
    QTest::newRow("declared length shorter field") << QStringList{QStringLiteral("opcode=1,mask=none,len=10,text=abc")}
                                                   << QByteArray("810a616263");
    QTest::newRow("declared length 16-bit") << QStringList{QStringLiteral("opcode=1,mask=none,len=300,text=x")}
                                            << QByteArray("817e012c78");
    QTest::newRow("declared length 64-bit") << QStringList{QStringLiteral("opcode=2,mask=none,len=70000,hex=01")}
                                            << QByteArray("827f000000000001117001");
    QTest::newRow("text keeps commas") << QStringList{QStringLiteral("opcode=0,fin=0,mask=01020304,text=a,b,c")}
                                       << QByteArray("008501020304602e612862");
    QTest::newRow("utf-8 text") << QStringList{QStringLiteral("opcode=1,mask=deadbeef,text=\u03ba\u1f79\u03c3\u03bc\u03b5")}
                                << QByteArray("818bdeadbeef10175f5267623d2162630b");
    QTest::newRow("close with a code") << QStringList{QStringLiteral("opcode=8,mask=none,hex=03e8")} << QByteArray("880203e8");
    QTest::newRow("fragments in order")
        << QStringList{QStringLiteral("opcode=1,fin=0,mask=none,text=ab"), QStringLiteral("opcode=9,mask=none,text=p"),
                       QStringLiteral("opcode=0,mask=none,text=cd")}
        << QByteArray("01026162" "890170" "80026364");
}

void tst_Crafting::frameSpecOnTheWire()
{
    QFETCH(QStringList, frames);
    QFETCH(QByteArray, expectedHex);
    const QByteArray expected = QByteArray::fromHex(expectedHex);

    RawUpgradeServer server;
    QStringList args{QStringLiteral("send"), QStringLiteral("ws://127.0.0.1:%1/craft").arg(server.port())};
    for (const QString &f : frames)
        args << QStringLiteral("--frame") << f;
    args << QStringLiteral("--timeout") << QStringLiteral("5");
    ChildProcess child;
    QVERIFY2(child.start(wslensBinary(), args), qPrintable(child.errorString()));
    // Our bytes, then the client's masked close frame (2 + 4 + 2 bytes).
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() >= expected.size() + 8, 5000);
    server.closeClient();
    QCOMPARE(server.received().left(expected.size()).toHex(), expected.toHex());
    const QByteArray close = server.received().mid(expected.size());
    QCOMPARE(close.size(), 8);
    QCOMPARE(quint8(close.at(0)), quint8(0x88));
    QCOMPARE(quint8(close.at(1)), quint8(0x82));
    QCOMPARE(child.waitForExit(10000), 0);
}

void tst_Crafting::randomMaskByDefault()
{
    RawUpgradeServer server;
    ChildProcess child;
    QVERIFY(child.start(wslensBinary(), {QStringLiteral("send"), QStringLiteral("ws://127.0.0.1:%1/").arg(server.port()),
                                         QStringLiteral("--frame"), QStringLiteral("opcode=1,text=hi")}));
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() >= 8 + 8, 5000);
    server.closeClient();
    const QByteArray bytes = server.received();
    QCOMPARE(quint8(bytes.at(0)), quint8(0x81));
    QCOMPARE(quint8(bytes.at(1)), quint8(0x82)); // masked, length 2
    const QByteArray key = bytes.mid(2, 4);
    QVERIFY(key != QByteArray(4, '\0'));
    QCOMPARE(char(bytes.at(6) ^ key.at(0)), 'h');
    QCOMPARE(char(bytes.at(7) ^ key.at(1)), 'i');
    QCOMPARE(child.waitForExit(10000), 0);
}

void tst_Crafting::headersAndSubprotocol()
{
    RawUpgradeServer server;
    ChildProcess child;
    QVERIFY(child.start(wslensBinary(), {QStringLiteral("send"), QStringLiteral("ws://127.0.0.1:%1/path?q=1").arg(server.port()),
                                         QStringLiteral("--header"), QStringLiteral("X-Test: yes"),
                                         QStringLiteral("--header"), QStringLiteral("Cookie: a=b"),
                                         QStringLiteral("--subprotocol"), QStringLiteral("chat"),
                                         QStringLiteral("--deflate"), QStringLiteral("--text"), QStringLiteral("x")}));
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() >= 7 + 8, 5000);
    server.closeClient();
    QCOMPARE(server.request().target, QByteArray("/path?q=1"));
    QCOMPARE(server.request().header("X-Test"), QByteArray("yes"));
    QCOMPARE(server.request().header("Cookie"), QByteArray("a=b"));
    QCOMPARE(server.request().header("Sec-WebSocket-Protocol"), QByteArray("chat"));
    QVERIFY(server.request().header("Sec-WebSocket-Extensions").startsWith("permessage-deflate"));
    QCOMPARE(child.waitForExit(10000), 0);
}

void tst_Crafting::specParser_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");
    QTest::newRow("minimal") << QStringLiteral("opcode=1") << true;
    QTest::newRow("no opcode") << QStringLiteral("text=x") << false;
    QTest::newRow("opcode 16") << QStringLiteral("opcode=16") << false;
    QTest::newRow("fin 2") << QStringLiteral("opcode=1,fin=2") << false;
    QTest::newRow("rsv 8") << QStringLiteral("opcode=1,rsv=8") << false;
    QTest::newRow("short mask") << QStringLiteral("opcode=1,mask=0a0b") << false;
    QTest::newRow("bad hex") << QStringLiteral("opcode=1,hex=0g") << false;
    QTest::newRow("odd hex") << QStringLiteral("opcode=1,hex=abc") << false;
    QTest::newRow("both payloads") << QStringLiteral("opcode=1,hex=00,text=x") << false;
    QTest::newRow("unknown key") << QStringLiteral("opcode=1,foo=1") << false;
    QTest::newRow("not key=value") << QStringLiteral("opcode=1,fin") << false;
    QTest::newRow("text with = and ,") << QStringLiteral("opcode=1,text=a=b,c=d") << true;
}

void tst_Crafting::specParser()
{
    QFETCH(QString, spec);
    QFETCH(bool, valid);
    endpoints::CraftedFrame frame;
    QString error;
    QCOMPARE(endpoints::parseFrameSpec(spec, true, &frame, &error), valid);
    QCOMPARE(error.isEmpty(), valid);
}

QTEST_GUILESS_MAIN(tst_Crafting)
#include "tst_crafting.moc"
