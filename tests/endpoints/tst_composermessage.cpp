// The composer's message encoding: formats, validation, variables.

#include "endpoints/composermessage.h"

#include <QRegularExpression>
#include <QTest>

using namespace wslens::endpoints;

class tst_ComposerMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compose_data();
    void compose();
    void variables();
};

void tst_ComposerMessage::compose_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("raw");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("text") << int(ComposerFormat::Text) << QStringLiteral("hi #{{counter}}") << true << false << 1 << QByteArray("hi #7");
    QTest::newRow("json ok") << int(ComposerFormat::Json) << QStringLiteral("{\"n\": {{counter}}}") << true << false << 1 << QByteArray("{\"n\": 7}");
    QTest::newRow("json bad") << int(ComposerFormat::Json) << QStringLiteral("{\"n\": }") << false << false << 0 << QByteArray();
    QTest::newRow("hex") << int(ComposerFormat::Hex) << QStringLiteral("00 ff:10") << true << false << 2 << QByteArray::fromHex("00ff10");
    QTest::newRow("hex bad") << int(ComposerFormat::Hex) << QStringLiteral("0g") << false << false << 0 << QByteArray();
    QTest::newRow("base64") << int(ComposerFormat::Base64) << QStringLiteral("AP8Q") << true << false << 2 << QByteArray::fromHex("00ff10");
    QTest::newRow("base64 bad") << int(ComposerFormat::Base64) << QStringLiteral("A*P8") << false << false << 0 << QByteArray();
    QTest::newRow("frame") << int(ComposerFormat::FrameSpec) << QStringLiteral("opcode=1,rsv=4,mask=0a0b0c0d,text=hello") << true << true << 0
                           << QByteArray::fromHex("c1850a0b0c0d626e606165");
    QTest::newRow("frame bad") << int(ComposerFormat::FrameSpec) << QStringLiteral("opcode=99") << false << false << 0 << QByteArray();
}

void tst_ComposerMessage::compose()
{
    QFETCH(int, format);
    QFETCH(QString, body);
    QFETCH(bool, ok);
    QFETCH(bool, raw);
    QFETCH(int, opcode);
    QFETCH(QByteArray, bytes);
    ComposedMessage m;
    QString error;
    QCOMPARE(composeMessage(ComposerFormat(format), body, 7, true, &m, &error), ok);
    QCOMPARE(error.isEmpty(), ok);
    if (!ok)
        return;
    QCOMPARE(m.raw, raw);
    if (!raw)
        QCOMPARE(int(m.opcode), opcode);
    QCOMPARE(m.bytes.toHex(), bytes.toHex());
}

void tst_ComposerMessage::variables()
{
    const QString out = expandVariables(QStringLiteral("{{counter}}|{{uuid}}|{{timestamp}}|{{random}}|{{other}}|{{"), 42);
    const QStringList parts = out.split(QLatin1Char('|'));
    QCOMPARE(parts.size(), 6);
    QCOMPARE(parts.at(0), QStringLiteral("42"));
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")).match(parts.at(1)).hasMatch());
    QVERIFY(parts.at(2).toLongLong() > 1600000000000LL);
    bool ok = false;
    parts.at(3).toULong(&ok);
    QVERIFY(ok);
    QCOMPARE(parts.at(4), QStringLiteral("{{other}}"));
    QCOMPARE(parts.at(5), QStringLiteral("{{"));
    QVERIFY(expandVariables(QStringLiteral("{{uuid}}"), 0) != expandVariables(QStringLiteral("{{uuid}}"), 0));
}

QTEST_GUILESS_MAIN(tst_ComposerMessage)
#include "tst_composermessage.moc"
