// The shared argument walker of the CLI verbs: values, checks and messages.
#include "cli/optionreader.h"
#include "endpoints/endpointaddress.h"

#include <QTest>

using wslens::cli::OptionReader;

class TestOptionReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void walksInOrder();
    void values_data();
    void values();
    void listenAddress_data();
    void listenAddress();
};

void TestOptionReader::walksInOrder()
{
    OptionReader args("t", {QStringLiteral("URL"), QStringLiteral("--text"), QStringLiteral("a"),
                            QStringLiteral("--deflate"), QStringLiteral("-"), QStringLiteral("--text"), QString()});
    QStringList seen;
    QString value;
    while (args.next()) {
        if (args.is("--text")) {
            QVERIFY(args.text(&value, "a value"));
            seen << QStringLiteral("text=") + value;
        } else {
            seen << args.current() + (args.isOption() ? QStringLiteral("(opt)") : QString());
        }
    }
    QCOMPARE(seen, (QStringList{QStringLiteral("URL"), QStringLiteral("text=a"), QStringLiteral("--deflate(opt)"),
                                QStringLiteral("-"), QStringLiteral("text=")}));
}

void TestOptionReader::values_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("result");

    const auto args = [](std::initializer_list<const char *> list) {
        QStringList out;
        for (const char *s : list)
            out << QString::fromUtf8(s);
        return out;
    };
    QTest::newRow("seconds") << "seconds" << args({"--timeout", "2.5"}) << true << "2.5";
    QTest::newRow("seconds zero") << "seconds" << args({"--timeout", "0"}) << false << "--timeout needs seconds > 0";
    QTest::newRow("seconds text") << "seconds" << args({"--timeout", "soon"}) << false << "--timeout needs seconds > 0";
    QTest::newRow("seconds too long") << "seconds" << args({"--timeout", "1e9"}) << false << "--timeout needs seconds > 0";
    QTest::newRow("seconds missing") << "seconds" << args({"--timeout"}) << false << "--timeout needs seconds > 0";
    QTest::newRow("integer") << "integer" << args({"--n", "7"}) << true << "7";
    QTest::newRow("integer below") << "integer" << args({"--n", "-1"}) << false << "--n needs a count from 0 to 10";
    QTest::newRow("integer above") << "integer" << args({"--n", "11"}) << false << "--n needs a count from 0 to 10";
    QTest::newRow("header") << "header" << args({"--header", "X-A:  b: c "}) << true << "X-A=b: c";
    QTest::newRow("header no colon") << "header" << args({"--header", "X-A b"}) << false << "--header needs 'Name: value'";
    QTest::newRow("header empty name") << "header" << args({"--header", ": b"}) << false << "--header needs 'Name: value'";
    QTest::newRow("header space in name") << "header" << args({"--header", "X A: b"}) << false << "--header needs 'Name: value'";
    QTest::newRow("hostport") << "hostport" << args({"--proxy", "proxy.test:3128"}) << true << "proxy.test/3128";
    QTest::newRow("hostport v6") << "hostport" << args({"--proxy", "[::1]:8080"}) << true << "::1/8080";
    QTest::newRow("hostport zero") << "hostport" << args({"--proxy", "h:0"}) << false << "--proxy needs HOST:PORT";
    QTest::newRow("hostport no port") << "hostport" << args({"--proxy", "h"}) << false << "--proxy needs HOST:PORT";
    QTest::newRow("hostport big") << "hostport" << args({"--proxy", "h:65536"}) << false << "--proxy needs HOST:PORT";
    QTest::newRow("nonempty") << "nonempty" << args({"--save", "f"}) << true << "f";
    QTest::newRow("nonempty empty") << "nonempty" << args({"--save", ""}) << false << "--save needs a FILE";
}

void TestOptionReader::values()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, arguments);
    QFETCH(bool, ok);
    QFETCH(QString, result);

    OptionReader args("t", arguments);
    QVERIFY(args.next());
    bool taken = false;
    QString got;
    if (kind == QLatin1String("seconds")) {
        double s = 0;
        taken = args.seconds(&s);
        got = QString::number(s);
    } else if (kind == QLatin1String("integer")) {
        int n = -5;
        taken = args.integer(&n, 0, 10, "a count");
        got = QString::number(n);
    } else if (kind == QLatin1String("header")) {
        QPair<QByteArray, QByteArray> h;
        taken = args.header(&h);
        got = QString::fromUtf8(h.first + '=' + h.second);
    } else if (kind == QLatin1String("hostport")) {
        QString host;
        quint16 port = 0;
        taken = args.hostPort(&host, &port);
        got = host + QLatin1Char('/') + QString::number(port);
    } else {
        taken = args.nonEmpty(&got, "a FILE");
    }
    QCOMPARE(taken, ok);
    if (ok) {
        QCOMPARE(got, result);
        QVERIFY(!args.next()); // the value was consumed
    } else {
        QVERIFY2(args.error().startsWith(result), qPrintable(args.error()));
        QCOMPARE(args.fail(), 2); // prints "wslens t: <error>", returns the usage exit code
    }
}

void TestOptionReader::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::newRow("v4") << QStringLiteral("127.0.0.1:0") << true << QStringLiteral("127.0.0.1") << 0;
    QTest::newRow("localhost") << QStringLiteral("localhost:9001") << true << QStringLiteral("127.0.0.1") << 9001;
    QTest::newRow("v6 brackets") << QStringLiteral("[::1]:80") << true << QStringLiteral("::1") << 80;
    QTest::newRow("v6 bare") << QStringLiteral("::1:80") << true << QStringLiteral("::1") << 80;
    QTest::newRow("any") << QStringLiteral("0.0.0.0:1") << true << QStringLiteral("0.0.0.0") << 1;
    QTest::newRow("name") << QStringLiteral("example.test:80") << false << QString() << 0;
    QTest::newRow("no port") << QStringLiteral("127.0.0.1") << false << QString() << 0;
    QTest::newRow("bad port") << QStringLiteral("127.0.0.1:x") << false << QString() << 0;
    QTest::newRow("port too big") << QStringLiteral("127.0.0.1:70000") << false << QString() << 0;
    QTest::newRow("unclosed bracket") << QStringLiteral("[::1:80") << false << QString() << 0;
}

void TestOptionReader::listenAddress()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, address);
    QFETCH(int, port);
    QHostAddress a;
    quint16 p = 12345;
    QCOMPARE(wslens::endpoints::parseEndpoint(text, &a, &p), ok);
    if (ok) {
        QCOMPARE(a.toString(), address);
        QCOMPARE(int(p), port);
    } else {
        QCOMPARE(int(p), 12345); // untouched on failure
    }
}

QTEST_GUILESS_MAIN(TestOptionReader)
#include "tst_optionreader.moc"
