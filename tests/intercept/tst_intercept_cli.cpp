// `wslens capture --rules FILE`: rules applied between a client and our echo
// server, the marks in `wslens inspect --frames`, and bad rules files (exit 2,
// one line naming the rule and the field).
#include "endpoints/wsserver.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

#include <csignal>

using namespace wslens;
using namespace wslens::test;

namespace {
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QString();
    f.write(content);
    return path;
}
} // namespace

class TestInterceptCli : public QObject
{
    Q_OBJECT
private slots:
    void rulesApplyAndAreInspectable();
    void badRulesFile_data();
    void badRulesFile();
};

void TestInterceptCli::rulesApplyAndAreInspectable()
{
    endpoints::WsServer server;
    QString error;
    QVERIFY2(server.listen(endpoints::ServerOptions(), &error), qPrintable(error));
    QTemporaryDir dir;
    const QString rules = writeFile(dir, QStringLiteral("rules.json"),
                                    R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo(\\d+)","replace":"bar\\1"},
                                                  {"action":"drop","direction":"s2c","match":"^secret"}]})J");
    const QString session = dir.filePath(QStringLiteral("s.wslens"));
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(), {QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                     QStringLiteral("--upstream"), server.url(), QStringLiteral("--save"), session,
                                     QStringLiteral("--rules"), rules}));
    const quint16 port = portFromListeningLine(p.waitForLine("listening on"));
    QVERIFY2(port, qPrintable(p.errorString() + QString::fromUtf8(p.allStderr())));

    QWebSocket client;
    QStringList echoes;
    connect(&client, &QWebSocket::textMessageReceived, this, [&](const QString &m) { echoes << m; });
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/x").arg(port)));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 5000);
    client.sendTextMessage(QStringLiteral("foo12"));
    client.sendTextMessage(QStringLiteral("secret"));
    client.sendTextMessage(QStringLiteral("last"));
    QTRY_COMPARE_WITH_TIMEOUT(echoes.size(), 2, 5000);
    QCOMPARE(echoes, (QStringList{QStringLiteral("bar12"), QStringLiteral("last")}));
    client.close();
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 5000);
    QTest::qWait(200);
    ::kill(pid_t(p.process().processId()), SIGTERM);
    QCOMPARE(p.waitForExit(10000), 0);
    QVERIFY2(p.allStdout().contains("rule 0 (replace c2s): 1 hits"), p.allStdout().constData());
    QVERIFY2(p.allStdout().contains("rule 1 (drop s2c): 1 hits"), p.allStdout().constData());

    ChildProcess inspect;
    QVERIFY(inspect.start(wslensBinary(), {QStringLiteral("inspect"), session, QStringLiteral("--frames")}));
    QCOMPARE(inspect.waitForExit(10000), 0);
    int replaced = 0;
    int dropped = 0;
    for (const QByteArray &line : inspect.allStdout().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QLatin1String("type")).toString() != QLatin1String("frame"))
            continue;
        const QString edit = o.value(QLatin1String("edit")).toString();
        const QByteArray original = QByteArray::fromBase64(o.value(QLatin1String("original_b64")).toString().toLatin1());
        const QByteArray message = QByteArray::fromBase64(o.value(QLatin1String("message_b64")).toString().toLatin1());
        if (edit == QLatin1String("replaced")) {
            ++replaced;
            QCOMPARE(o.value(QLatin1String("dir")).toString(), QStringLiteral("c2s"));
            QCOMPARE(message, QByteArray("bar12"));
            QCOMPARE(original, QByteArray("foo12"));
        } else if (edit == QLatin1String("dropped")) {
            ++dropped;
            QCOMPARE(o.value(QLatin1String("dir")).toString(), QStringLiteral("s2c"));
            QCOMPARE(original, QByteArray("secret"));
        }
    }
    QCOMPARE(replaced, 1);
    QCOMPARE(dropped, 1);
}

void TestInterceptCli::badRulesFile_data()
{
    QTest::addColumn<QByteArray>("content"); // empty: the file does not exist
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("missing file") << QByteArray() << QByteArray("rules.json:");
    QTest::newRow("not json") << QByteArray("{oops") << QByteArray("not valid JSON");
    QTest::newRow("bad direction") << QByteArray(R"J({"rules":[{"action":"drop"},{"action":"drop","direction":"up"}]})J")
                                   << QByteArray("rules[1].direction: expected \"c2s\", \"s2c\" or \"both\", got \"up\"");
    QTest::newRow("bad regex") << QByteArray(R"J({"rules":[{"action":"replace","match":"(","replace":""}]})J")
                               << QByteArray("rules[0].match: invalid regular expression");
    QTest::newRow("no action") << QByteArray(R"J({"rules":[{"match":"x"}]})J") << QByteArray("rules[0].action: missing");
}

void TestInterceptCli::badRulesFile()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, expected);
    QTemporaryDir dir;
    const QString rules = content.isEmpty() ? dir.filePath(QStringLiteral("rules.json"))
                                            : writeFile(dir, QStringLiteral("rules.json"), content);
    ChildProcess p;
    QVERIFY(p.start(wslensBinary(), {QStringLiteral("capture"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                     QStringLiteral("--upstream"), QStringLiteral("ws://127.0.0.1:9/"),
                                     QStringLiteral("--save"), dir.filePath(QStringLiteral("s.wslens")),
                                     QStringLiteral("--rules"), rules}));
    QCOMPARE(p.waitForExit(10000), 2);
    const QByteArray err = p.allStderr();
    QVERIFY2(err.contains("wslens capture: --rules: "), err.constData());
    QVERIFY2(err.contains(expected), err.constData());
    QCOMPARE(err.count('\n'), 1); // one clear line
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("s.wslens")))); // nothing started
}

QTEST_GUILESS_MAIN(TestInterceptCli)
#include "tst_intercept_cli.moc"
