// The server's handshake options as typed (Server dock, settings): list
// splitting, subprotocol tokens, Origins written as browsers send them.

#include "endpoints/serveroptionstext.h"

#include <QTest>

using namespace wslens::endpoints;

class tst_ServerOptionsText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void split_data();
    void split();
    void subprotocols_data();
    void subprotocols();
    void origins_data();
    void origins();
};

void tst_ServerOptionsText::split_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("entries");
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("commas and spaces") << QStringLiteral(" a, b  c,,\td ")
                                       << QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
}

void tst_ServerOptionsText::split()
{
    QFETCH(QString, text);
    QFETCH(QStringList, entries);
    QCOMPARE(splitOptionList(text), entries);
}

void tst_ServerOptionsText::subprotocols_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::newRow("none") << QStringList() << QList<QByteArray>() << QString();
    QTest::newRow("order kept, duplicates dropped")
        << QStringList{QStringLiteral("v2.chat"), QStringLiteral("chat"), QStringLiteral("v2.chat")}
        << QList<QByteArray>{"v2.chat", "chat"} << QString();
    QTest::newRow("token characters") << QStringList{QStringLiteral("a!#$%&'*+-.^_`|~9")}
                                      << QList<QByteArray>{"a!#$%&'*+-.^_`|~9"} << QString();
    QTest::newRow("slash") << QStringList{QStringLiteral("chat"), QStringLiteral("mqtt/5")} << QList<QByteArray>()
                           << QStringLiteral("subprotocol \"mqtt/5\" is not a valid name");
    QTest::newRow("quote") << QStringList{QStringLiteral("\"chat\"")} << QList<QByteArray>() << QStringLiteral("\"\"chat\"\"");
    QTest::newRow("non-ASCII") << QStringList{QString::fromUtf8("ch\xc3\xa4t")} << QList<QByteArray>()
                               << QStringLiteral("is not a valid name");
    QTest::newRow("very long") << QStringList{QString(300, QLatin1Char('a'))} << QList<QByteArray>()
                               << QStringLiteral("is not a valid name");
}

void tst_ServerOptionsText::subprotocols()
{
    QFETCH(QStringList, entries);
    QFETCH(QList<QByteArray>, expected);
    QFETCH(QString, error);
    QList<QByteArray> out{"left over"};
    QString message;
    const bool ok = parseSubprotocols(entries, &out, &message);
    QCOMPARE(ok, error.isEmpty());
    if (ok)
        QCOMPARE(out, expected);
    else
        QVERIFY2(message.contains(error), qPrintable(message));
}

void tst_ServerOptionsText::origins_data()
{
    QTest::addColumn<QString>("entry");
    QTest::addColumn<QByteArray>("expected"); // empty: refused
    QTest::newRow("https") << QStringLiteral("https://app.example") << QByteArray("https://app.example");
    QTest::newRow("port kept") << QStringLiteral("http://localhost:3000") << QByteArray("http://localhost:3000");
    QTest::newRow("trailing slash, case, default port")
        << QStringLiteral("HTTPS://App.Example:443/") << QByteArray("https://app.example");
    QTest::newRow("http default port") << QStringLiteral("http://a.example:80") << QByteArray("http://a.example");
    QTest::newRow("IPv6") << QStringLiteral("http://[::1]:8080") << QByteArray("http://[::1]:8080");
    QTest::newRow("IDN to punycode") << QString::fromUtf8("https://b\xc3\xbc" "cher.example")
                                     << QByteArray("https://xn--bcher-kva.example");
    QTest::newRow("null") << QStringLiteral("null") << QByteArray("null");
    QTest::newRow("no scheme") << QStringLiteral("app.example") << QByteArray();
    QTest::newRow("path") << QStringLiteral("https://app.example/index.html") << QByteArray();
    QTest::newRow("query") << QStringLiteral("https://app.example?x=1") << QByteArray();
    QTest::newRow("user") << QStringLiteral("https://me@app.example") << QByteArray();
    QTest::newRow("no host") << QStringLiteral("https://") << QByteArray();
    QTest::newRow("file") << QStringLiteral("file:///etc") << QByteArray();
}

void tst_ServerOptionsText::origins()
{
    QFETCH(QString, entry);
    QFETCH(QByteArray, expected);
    QList<QByteArray> out;
    QString error;
    const bool ok = parseOrigins({entry, entry}, &out, &error);
    QCOMPARE(ok, !expected.isEmpty());
    if (ok) {
        QCOMPARE(out, QList<QByteArray>{expected}); // the duplicate is dropped
    } else {
        QVERIFY2(error.startsWith(QStringLiteral("Origin \"%1\" must look like https://app.example").arg(entry)),
                 qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(tst_ServerOptionsText)
#include "tst_server_optionstext.moc"
