// Rules: the JSON rules file (parsing, errors naming rule and field, export)
// and the compiled rule set (regex with groups, hex, order, hit counters).
#include "intercept/rulesfile.h"
#include "intercept/ruleset.h"

#include <QtTest>

#include <algorithm>

using namespace wslens;
using namespace wslens::intercept;

class TestInterceptRules : public QObject
{
    Q_OBJECT
private slots:
    void parseValid();
    void parseErrors_data();
    void parseErrors();
    void exportRoundTrip();
    void apply_data();
    void apply();
    void orderAndHits();
    void connectionFilters();
    void loadFile();
    void handshakeField_data();
    void handshakeField();
};

void TestInterceptRules::parseValid()
{
    const QByteArray json = R"J({"rules":[{"action":"replace","direction":"c2s","match":"foo(\\d+)","replace":"bar\\1"},
                                         {"action":"drop","direction":"s2c","match":"^secret"},
                                         {"action":"hold","hex":"de ad ?? ef","opcode":"binary","enabled":false,"name":"b"}]})J";
    RuleList rules;
    QString error;
    QVERIFY2(parseRules(json, &rules, &error), qPrintable(error));
    QCOMPARE(rules.size(), 3);
    QCOMPARE(rules[0].action, RuleAction::Replace);
    QCOMPARE(rules[0].direction, RuleDirection::ClientToServer);
    QCOMPARE(rules[0].match, QStringLiteral("foo(\\d+)"));
    QCOMPARE(rules[0].replace, QStringLiteral("bar\\1"));
    QCOMPARE(rules[1].action, RuleAction::Drop);
    QCOMPARE(rules[1].direction, RuleDirection::ServerToClient);
    QCOMPARE(rules[2].action, RuleAction::Breakpoint);
    QCOMPARE(rules[2].direction, RuleDirection::Both);
    QCOMPARE(rules[2].opcode, int(Opcode::Binary));
    QCOMPARE(rules[2].enabled, false);
    QCOMPARE(rules[2].name, QStringLiteral("b"));
}

void TestInterceptRules::parseErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // start of the error
    QTest::newRow("not json") << QByteArray("{rules") << QStringLiteral("not valid JSON");
    QTest::newRow("array root") << QByteArray("[]") << QStringLiteral("expected an object");
    QTest::newRow("no rules") << QByteArray("{}") << QStringLiteral("missing \"rules\"");
    QTest::newRow("rules not array") << QByteArray(R"J({"rules":{}})J") << QStringLiteral("\"rules\" must be an array");
    QTest::newRow("rule not object") << QByteArray(R"J({"rules":[1]})J") << QStringLiteral("rules[0]: expected an object");
    QTest::newRow("missing action") << QByteArray(R"J({"rules":[{"match":"x"}]})J") << QStringLiteral("rules[0].action: missing");
    QTest::newRow("bad action") << QByteArray(R"J({"rules":[{"action":"drop"},{"action":"explode"}]})J")
                                << QStringLiteral("rules[1].action: expected \"replace\", \"drop\" or \"breakpoint\", got \"explode\"");
    QTest::newRow("bad direction") << QByteArray(R"J({"rules":[{"action":"drop","direction":"up"}]})J")
                                   << QStringLiteral("rules[0].direction: expected \"c2s\", \"s2c\" or \"both\", got \"up\"");
    QTest::newRow("direction type") << QByteArray(R"J({"rules":[{"action":"drop","direction":3}]})J")
                                    << QStringLiteral("rules[0].direction:");
    QTest::newRow("bad regex") << QByteArray(R"J({"rules":[{"action":"drop"},{"action":"drop"},{"action":"drop","match":"a(b"}]})J")
                               << QStringLiteral("rules[2].match: invalid regular expression");
    QTest::newRow("match type") << QByteArray(R"J({"rules":[{"action":"drop","match":5}]})J")
                                << QStringLiteral("rules[0].match: expected a string");
    QTest::newRow("replace missing") << QByteArray(R"J({"rules":[{"action":"replace","match":"a"}]})J")
                                     << QStringLiteral("rules[0].replace: missing");
    QTest::newRow("replace nothing") << QByteArray(R"J({"rules":[{"action":"replace","replace":"a"}]})J")
                                     << QStringLiteral("rules[0].match: a replace rule needs");
    QTest::newRow("bad hex") << QByteArray(R"J({"rules":[{"action":"drop","hex":"zz"}]})J") << QStringLiteral("rules[0].hex:");
    QTest::newRow("odd hex") << QByteArray(R"J({"rules":[{"action":"drop","hex":"abc"}]})J") << QStringLiteral("rules[0].hex: odd");
    QTest::newRow("replaceHex wildcard") << QByteArray(R"J({"rules":[{"action":"replace","hex":"01","replaceHex":"??"}]})J")
                                         << QStringLiteral("rules[0].replaceHex:");
    QTest::newRow("match and hex") << QByteArray(R"J({"rules":[{"action":"drop","hex":"01","match":"x"}]})J")
                                   << QStringLiteral("rules[0].hex: a rule has either");
    QTest::newRow("bad opcode") << QByteArray(R"J({"rules":[{"action":"drop","opcode":"shout"}]})J")
                                << QStringLiteral("rules[0].opcode:");
    QTest::newRow("opcode range") << QByteArray(R"J({"rules":[{"action":"drop","opcode":16}]})J")
                                  << QStringLiteral("rules[0].opcode:");
    QTest::newRow("enabled type") << QByteArray(R"J({"rules":[{"action":"drop","enabled":"yes"}]})J")
                                  << QStringLiteral("rules[0].enabled: expected true or false");
    QTest::newRow("bad url regex") << QByteArray(R"J({"rules":[{"action":"drop","url":"[x"}]})J")
                                   << QStringLiteral("rules[0].url: invalid regular expression");
    QTest::newRow("bad handshake") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"upgrade"}]})J")
                                   << QStringLiteral("rules[0].handshake: expected \"request\" or \"response\", got \"upgrade\"");
    QTest::newRow("handshake type") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":1}]})J")
                                    << QStringLiteral("rules[0].handshake: expected");
    QTest::newRow("handshake drop") << QByteArray(R"J({"rules":[{"action":"drop","handshake":"request"}]})J")
                                    << QStringLiteral("rules[0].handshake: a handshake rule is a breakpoint");
    QTest::newRow("handshake hex") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"response","hex":"01"}]})J")
                                   << QStringLiteral("rules[0].hex: a handshake rule is a breakpoint");
    QTest::newRow("handshake opcode") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","opcode":"text"}]})J")
                                      << QStringLiteral("rules[0].opcode: a handshake rule is a breakpoint");
    QTest::newRow("unknown field") << QByteArray(R"J({"rules":[{"action":"drop","mach":"x"}]})J")
                                   << QStringLiteral("rules[0].mach: unknown field");
}

void TestInterceptRules::parseErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    RuleList rules;
    rules.append(Rule());
    QString error;
    QVERIFY(!parseRules(json, &rules, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
    QCOMPARE(rules.size(), 1); // untouched on failure
}

void TestInterceptRules::exportRoundTrip()
{
    RuleList rules;
    Rule a;
    a.action = RuleAction::Replace;
    a.direction = RuleDirection::ClientToServer;
    a.match = QStringLiteral("foo(\\d+)");
    a.replace = QStringLiteral("bar\\1");
    a.name = QStringLiteral("ids");
    rules << a;
    Rule b;
    b.action = RuleAction::Replace;
    b.hex = QStringLiteral("de ad ?? ef");
    b.replaceHex = QStringLiteral("00");
    b.opcode = Opcode::Binary;
    b.url = QStringLiteral("/chat");
    b.host = QStringLiteral("*.example.com");
    b.enabled = false;
    rules << b;
    Rule c;
    c.action = RuleAction::Breakpoint;
    c.opcode = Opcode::Ping;
    rules << c;
    Rule d;
    d.action = RuleAction::Breakpoint;
    d.handshake = HandshakeStage::Response;
    d.match = QStringLiteral("(?i)sec-websocket-extensions");
    rules << d;
    const QByteArray json = rulesToJson(rules);
    RuleList back;
    QString error;
    QVERIFY2(parseRules(json, &back, &error), qPrintable(error + QLatin1Char('\n') + QString::fromUtf8(json)));
    QCOMPARE(back.size(), rules.size());
    for (int i = 0; i < rules.size(); ++i)
        QVERIFY2(back[i] == rules[i], qPrintable(QStringLiteral("rule %1 differs: ").arg(i) + QString::fromUtf8(json)));
    QVERIFY(json.contains("\"opcode\": \"ping\""));
}

void TestInterceptRules::apply_data()
{
    QTest::addColumn<QByteArray>("rulesJson");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("outcome"); // RuleResult::Outcome
    QTest::addColumn<QByteArray>("result");
    using O = RuleResult::Outcome;
    const QByteArray replace = R"J({"rules":[{"action":"replace","match":"foo(\\d+)","replace":"bar\\1"}]})J";
    QTest::newRow("groups") << replace << int(Opcode::Text) << QByteArray("x foo12 y foo3") << int(O::Forward)
                            << QByteArray("x bar12 y bar3");
    QTest::newRow("no match") << replace << int(Opcode::Text) << QByteArray("nothing") << int(O::Forward)
                              << QByteArray("nothing");
    QTest::newRow("binary ignores regex") << replace << int(Opcode::Binary) << QByteArray("foo1") << int(O::Forward)
                                          << QByteArray("foo1");
    QTest::newRow("unicode") << QByteArray(R"J({"rules":[{"action":"replace","match":"é+","replace":"E"}]})J")
                             << int(Opcode::Text) << QByteArray("caf\xc3\xa9\xc3\xa9!") << int(O::Forward) << QByteArray("cafE!");
    QTest::newRow("drop anchored") << QByteArray(R"J({"rules":[{"action":"drop","match":"^secret"}]})J") << int(Opcode::Text)
                                   << QByteArray("secret stuff") << int(O::Drop) << QByteArray("secret stuff");
    QTest::newRow("drop anchored miss") << QByteArray(R"J({"rules":[{"action":"drop","match":"^secret"}]})J")
                                        << int(Opcode::Text) << QByteArray("no secret") << int(O::Forward) << QByteArray("no secret");
    QTest::newRow("hex replace") << QByteArray(R"J({"rules":[{"action":"replace","hex":"01 ?? 03","replaceHex":"ff"}]})J")
                                 << int(Opcode::Binary) << QByteArray("\x00\x01\x02\x03\x01\x09\x03\x04", 8) << int(O::Forward)
                                 << QByteArray("\x00\xff\xff\x04", 4);
    QTest::newRow("hex hold") << QByteArray(R"J({"rules":[{"action":"breakpoint","hex":"dead"}]})J") << int(Opcode::Binary)
                              << QByteArray("\x01\xde\xad", 3) << int(O::Hold) << QByteArray("\x01\xde\xad", 3);
    QTest::newRow("ping not data") << QByteArray(R"J({"rules":[{"action":"drop"}]})J") << int(Opcode::Ping) << QByteArray("p")
                                   << int(O::Forward) << QByteArray("p");
    QTest::newRow("ping by opcode") << QByteArray(R"J({"rules":[{"action":"drop","opcode":"ping"}]})J") << int(Opcode::Ping)
                                    << QByteArray("p") << int(O::Drop) << QByteArray("p");
    QTest::newRow("disabled") << QByteArray(R"J({"rules":[{"action":"drop","enabled":false}]})J") << int(Opcode::Text)
                              << QByteArray("x") << int(O::Forward) << QByteArray("x");
    QTest::newRow("replace then hold") << QByteArray(R"J({"rules":[{"action":"replace","match":"a","replace":"b"},{"action":"hold","match":"^b"}]})J")
                                       << int(Opcode::Text) << QByteArray("aa") << int(O::Hold) << QByteArray("bb");
}

void TestInterceptRules::apply()
{
    QFETCH(QByteArray, rulesJson);
    QFETCH(int, opcode);
    QFETCH(QByteArray, payload);
    QFETCH(int, outcome);
    QFETCH(QByteArray, result);
    RuleList rules;
    QString error;
    QVERIFY2(parseRules(rulesJson, &rules, &error), qPrintable(error));
    const auto set = RuleSet::compile(rules, &error);
    QVERIFY(set);
    const auto active = set->rulesFor(Direction::ClientToServer, QStringLiteral("ws://h/"), QStringLiteral("h"));
    const RuleResult r = set->apply(active, quint8(opcode), payload);
    QCOMPARE(int(r.outcome), outcome);
    QCOMPARE(r.payload, result);
    QCOMPARE(r.modified, result != payload);
}

void TestInterceptRules::orderAndHits()
{
    RuleList rules;
    QString error;
    QVERIFY(parseRules(R"J({"rules":[{"action":"replace","direction":"c2s","match":"x","replace":"y"},
                                    {"action":"replace","direction":"c2s","match":"y","replace":"z"},
                                    {"action":"drop","direction":"s2c","match":"z"}]})J",
                       &rules, &error));
    const auto set = RuleSet::compile(rules, &error);
    const auto c2s = set->rulesFor(Direction::ClientToServer, QString(), QString());
    const auto s2c = set->rulesFor(Direction::ServerToClient, QString(), QString());
    QCOMPARE(c2s, (std::vector<int>{0, 1}));
    QCOMPARE(s2c, (std::vector<int>{2}));
    QCOMPARE(set->apply(c2s, Opcode::Text, "xx").payload, QByteArray("zz")); // applied in order
    QCOMPARE(set->apply(c2s, Opcode::Text, "y").payload, QByteArray("z"));
    QCOMPARE(set->apply(s2c, Opcode::Text, "z").outcome, RuleResult::Outcome::Drop);
    QCOMPARE(set->apply(c2s, Opcode::Text, "q").modified, false);
    QCOMPARE(set->hits(0), quint64(1));
    QCOMPARE(set->hits(1), quint64(2));
    QCOMPARE(set->hits(2), quint64(1));
    set->resetHits();
    QCOMPARE(set->hits(1), quint64(0));
    QCOMPARE(set->hits(7), quint64(0)); // out of range is harmless
}

void TestInterceptRules::connectionFilters()
{
    RuleList rules;
    QString error;
    QVERIFY(parseRules(R"J({"rules":[{"action":"drop","url":"/chat$"},{"action":"drop","host":"*.example.com"}]})J", &rules, &error));
    const auto set = RuleSet::compile(rules);
    QCOMPARE(set->rulesFor(Direction::ClientToServer, QStringLiteral("ws://a.example.com/chat"), QStringLiteral("a.example.com")),
             (std::vector<int>{0, 1}));
    QCOMPARE(set->rulesFor(Direction::ClientToServer, QStringLiteral("ws://a.example.org/chat"), QStringLiteral("a.example.org")),
             (std::vector<int>{0}));
    QCOMPARE(set->rulesFor(Direction::ServerToClient, QStringLiteral("ws://A.EXAMPLE.COM/x"), QStringLiteral("A.EXAMPLE.COM")),
             (std::vector<int>{1}));
}

void TestInterceptRules::loadFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rules.json"));
    RuleList rules;
    QString error;
    QVERIFY(!loadRulesFile(path, &rules, &error));
    QVERIFY2(error.startsWith(path), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"J({"rules":[{"action":"drop","direction":"sideways"}]})J");
    f.close();
    QVERIFY(!loadRulesFile(path, &rules, &error));
    QVERIFY2(error.contains(QStringLiteral("rules[0].direction")), qPrintable(error));
}

void TestInterceptRules::handshakeField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("stage"); // HandshakeStage
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<int>("expectedRule"); // -1: not held
    const QByteArray request("GET /chat HTTP/1.1\r\nHost: a.example.com\r\nUpgrade: websocket\r\n\r\n");
    const QByteArray response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    const int req = int(HandshakeStage::Request);
    const int resp = int(HandshakeStage::Response);
    QTest::newRow("request") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request"}]})J") << req << request << 0;
    QTest::newRow("request rule, response stage")
        << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request"}]})J") << resp << response << -1;
    QTest::newRow("response, second rule")
        << QByteArray(R"J({"rules":[{"action":"breakpoint"},{"action":"hold","handshake":"response"}]})J") << resp << response << 1;
    QTest::newRow("match on head") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","match":"(?m)^Host: a\\."}]})J")
                                   << req << QByteArray(request).replace("\r\n", "\n") << 0;
    QTest::newRow("match misses") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","match":"X-Nope"}]})J")
                                  << req << request << -1;
    QTest::newRow("url filter") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","url":"/other$"}]})J")
                                << req << request << -1;
    QTest::newRow("host filter") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","host":"*.example.com"}]})J")
                                 << req << request << 0;
    QTest::newRow("disabled") << QByteArray(R"J({"rules":[{"action":"breakpoint","handshake":"request","enabled":false}]})J")
                              << req << request << -1;
}

void TestInterceptRules::handshakeField()
{
    QFETCH(QByteArray, json);
    QFETCH(int, stage);
    QFETCH(QByteArray, head);
    QFETCH(int, expectedRule);
    RuleList rules;
    QString error;
    QVERIFY2(parseRules(json, &rules, &error), qPrintable(error));
    const auto set = RuleSet::compile(rules, &error);
    QVERIFY2(set, qPrintable(error));
    const QString url = QStringLiteral("ws://a.example.com/chat");
    const QString host = QStringLiteral("a.example.com");
    QCOMPARE(set->matchHandshake(HandshakeStage(stage), url, host, head), expectedRule);
    if (expectedRule >= 0)
        QCOMPARE(set->hits(expectedRule), quint64(1));
    // Handshake rules never watch messages.
    for (int i = 0; i < rules.size(); ++i)
        if (rules[i].handshake != HandshakeStage::None)
            for (const Direction d : {Direction::ClientToServer, Direction::ServerToClient}) {
                const std::vector<int> active = set->rulesFor(d, url, host);
                QVERIFY(std::find(active.begin(), active.end(), i) == active.end());
            }
}

QTEST_GUILESS_MAIN(TestInterceptRules)
#include "tst_intercept_rules.moc"
