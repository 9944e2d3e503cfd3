// JSONPath subset (parse, select, remove) and message comparison with ignored
// paths and masks.

#include "protocol/frame.h"
#include "replay/jsonpath.h"
#include "replay/messagecompare.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wslens;
using namespace wslens::replay;

namespace {

QJsonValue parseJson(const QByteArray &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text);
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

QByteArray compact(const QJsonValue &v)
{
    if (v.isObject())
        return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    if (v.isArray())
        return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    return QByteArrayLiteral("null");
}

} // namespace

class tst_ReplayCompare : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseErrors_data();
    void parseErrors();
    void remove_data();
    void remove();
    void select_data();
    void select();
    void compare_data();
    void compare();
    void sequences();
};

void tst_ReplayCompare::parseErrors_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("valid");
    QTest::newRow("root") << QStringLiteral("$") << true;
    QTest::newRow("key") << QStringLiteral("$.ts") << true;
    QTest::newRow("nested wildcard") << QStringLiteral("$.items[*].id") << true;
    QTest::newRow("quoted") << QStringLiteral("$['a b'].c") << true;
    QTest::newRow("negative index") << QStringLiteral("$.a[-1]") << true;
    QTest::newRow("dot star") << QStringLiteral("$.*.id") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("no root") << QStringLiteral("ts") << false;
    QTest::newRow("dangling dot") << QStringLiteral("$.") << false;
    QTest::newRow("unclosed bracket") << QStringLiteral("$.a[1") << false;
    QTest::newRow("bad index") << QStringLiteral("$.a[x]") << false;
    QTest::newRow("filter not supported") << QStringLiteral("$.a[?(@.x)]") << false;
    QTest::newRow("recursive descent not supported") << QStringLiteral("$..id") << false;
    QTest::newRow("garbage after root") << QStringLiteral("$abc") << false;
}

void tst_ReplayCompare::parseErrors()
{
    QFETCH(QString, path);
    QFETCH(bool, valid);
    JsonPath p;
    QString error;
    QCOMPARE(JsonPath::parse(path, &p, &error), valid);
    QCOMPARE(error.isEmpty(), valid);
    if (!valid)
        QVERIFY2(error.contains(QLatin1String("JSON path")), qPrintable(error));
}

void tst_ReplayCompare::remove_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("removed");
    QTest::newRow("top key") << QByteArray(R"({"ts":5,"a":1})") << QStringLiteral("$.ts") << QByteArray(R"({"a":1})") << 1;
    QTest::newRow("absent key") << QByteArray(R"({"a":1})") << QStringLiteral("$.ts") << QByteArray(R"({"a":1})") << 0;
    QTest::newRow("nested key") << QByteArray(R"({"m":{"ts":1,"x":2}})") << QStringLiteral("$.m.ts")
                                << QByteArray(R"({"m":{"x":2}})") << 1;
    QTest::newRow("wildcard in array")
        << QByteArray(R"({"items":[{"id":1,"n":"a"},{"id":2,"n":"b"},{"n":"c"}]})") << QStringLiteral("$.items[*].id")
        << QByteArray(R"({"items":[{"n":"a"},{"n":"b"},{"n":"c"}]})") << 2;
    QTest::newRow("index") << QByteArray(R"({"a":[10,20,30]})") << QStringLiteral("$.a[1]") << QByteArray(R"({"a":[10,30]})") << 1;
    QTest::newRow("negative index") << QByteArray(R"({"a":[10,20,30]})") << QStringLiteral("$.a[-1]")
                                    << QByteArray(R"({"a":[10,20]})") << 1;
    QTest::newRow("index out of range") << QByteArray(R"({"a":[10]})") << QStringLiteral("$.a[5]") << QByteArray(R"({"a":[10]})") << 0;
    QTest::newRow("all elements") << QByteArray(R"({"a":[1,2,3],"b":0})") << QStringLiteral("$.a[*]")
                                  << QByteArray(R"({"a":[],"b":0})") << 3;
    QTest::newRow("root array") << QByteArray(R"([{"id":1},{"id":2}])") << QStringLiteral("$[0].id")
                                << QByteArray(R"([{},{"id":2}])") << 1;
    QTest::newRow("quoted key") << QByteArray(R"({"a b":1,"c":2})") << QStringLiteral("$['a b']") << QByteArray(R"({"c":2})") << 1;
    QTest::newRow("object wildcard") << QByteArray(R"({"x":{"id":1,"k":1},"y":{"id":2}})") << QStringLiteral("$.*.id")
                                     << QByteArray(R"({"x":{"k":1},"y":{}})") << 2;
    QTest::newRow("key on array is nothing") << QByteArray(R"([1,2])") << QStringLiteral("$.a") << QByteArray(R"([1,2])") << 0;
    QTest::newRow("index on object is nothing") << QByteArray(R"({"0":1})") << QStringLiteral("$[0]") << QByteArray(R"({"0":1})") << 0;
    QTest::newRow("through a scalar") << QByteArray(R"({"a":5})") << QStringLiteral("$.a.b") << QByteArray(R"({"a":5})") << 0;
    QTest::newRow("root") << QByteArray(R"({"a":5})") << QStringLiteral("$") << QByteArray("null") << 1;
}

void tst_ReplayCompare::remove()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    QFETCH(QByteArray, expected);
    QFETCH(int, removed);
    JsonPath p;
    QVERIFY(JsonPath::parse(path, &p));
    QJsonValue value = parseJson(json);
    QCOMPARE(p.removeFrom(value), removed);
    QCOMPARE(compact(value), expected);
}

void tst_ReplayCompare::select_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("selected"); // the selected values as a JSON array

    QTest::newRow("key") << QByteArray(R"({"ts":5})") << QStringLiteral("$.ts") << QByteArray("[5]");
    QTest::newRow("ids") << QByteArray(R"({"items":[{"id":1},{"id":"b"},{}]})") << QStringLiteral("$.items[*].id")
                         << QByteArray(R"([1,"b"])");
    QTest::newRow("deep index") << QByteArray(R"({"a":[[1,2],[3,4]]})") << QStringLiteral("$.a[1][0]") << QByteArray("[3]");
    QTest::newRow("none") << QByteArray(R"({"a":1})") << QStringLiteral("$.b") << QByteArray("[]");
}

void tst_ReplayCompare::select()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    QFETCH(QByteArray, selected);
    JsonPath p;
    QVERIFY(JsonPath::parse(path, &p));
    QJsonArray array;
    for (const QJsonValue &v : p.select(parseJson(json)))
        array.append(v);
    QCOMPARE(QJsonDocument(array).toJson(QJsonDocument::Compact), selected);
}

void tst_ReplayCompare::compare_data()
{
    QTest::addColumn<int>("expectedOpcode");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("receivedOpcode");
    QTest::addColumn<QByteArray>("received");
    QTest::addColumn<QStringList>("ignore");
    QTest::addColumn<QStringList>("masks");
    QTest::addColumn<bool>("match");

    const int T = Opcode::Text;
    const int B = Opcode::Binary;
    QTest::newRow("identical") << T << QByteArray("hi") << T << QByteArray("hi") << QStringList() << QStringList() << true;
    QTest::newRow("different text") << T << QByteArray("hi") << T << QByteArray("ho") << QStringList() << QStringList() << false;
    QTest::newRow("opcode differs") << T << QByteArray("hi") << B << QByteArray("hi") << QStringList() << QStringList() << false;
    QTest::newRow("ts differs") << T << QByteArray(R"({"ts":1,"a":2})") << T << QByteArray(R"({"ts":9,"a":2})")
                                << QStringList() << QStringList() << false;
    QTest::newRow("ts ignored") << T << QByteArray(R"({"ts":1,"a":2})") << T << QByteArray(R"({"ts":9,"a":2})")
                                << QStringList{QStringLiteral("$.ts")} << QStringList() << true;
    QTest::newRow("ts ignored, a differs") << T << QByteArray(R"({"ts":1,"a":2})") << T << QByteArray(R"({"ts":9,"a":3})")
                                           << QStringList{QStringLiteral("$.ts")} << QStringList() << false;
    QTest::newRow("key order and spacing do not matter once parsed")
        << T << QByteArray(R"({"a":1, "b":2, "ts":0})") << T << QByteArray(R"({"b":2,"a":1,"ts":1})")
        << QStringList{QStringLiteral("$.ts")} << QStringList() << true;
    QTest::newRow("ids ignored") << T << QByteArray(R"({"items":[{"id":1,"n":"a"},{"id":2,"n":"b"}]})") << T
                                 << QByteArray(R"({"items":[{"id":7,"n":"a"},{"id":8,"n":"b"}]})")
                                 << QStringList{QStringLiteral("$.items[*].id")} << QStringList() << true;
    QTest::newRow("ids ignored, names differ") << T << QByteArray(R"({"items":[{"id":1,"n":"a"}]})") << T
                                               << QByteArray(R"({"items":[{"id":7,"n":"z"}]})")
                                               << QStringList{QStringLiteral("$.items[*].id")} << QStringList() << false;
    QTest::newRow("not JSON, path does nothing") << T << QByteArray("ts=1") << T << QByteArray("ts=2")
                                                 << QStringList{QStringLiteral("$.ts")} << QStringList() << false;
    QTest::newRow("masked") << T << QByteArray("session 1234 ready") << T << QByteArray("session 98 ready")
                            << QStringList() << QStringList{QStringLiteral("\\d+")} << true;
    QTest::newRow("masked, rest differs") << T << QByteArray("session 1234 ready") << T << QByteArray("session 98 gone")
                                          << QStringList() << QStringList{QStringLiteral("\\d+")} << false;
    QTest::newRow("binary is compared exactly") << B << QByteArray("\x01\x02", 2) << B << QByteArray("\x01\x03", 2)
                                                << QStringList() << QStringList{QStringLiteral(".")} << false;
}

void tst_ReplayCompare::compare()
{
    QFETCH(int, expectedOpcode);
    QFETCH(QByteArray, expected);
    QFETCH(int, receivedOpcode);
    QFETCH(QByteArray, received);
    QFETCH(QStringList, ignore);
    QFETCH(QStringList, masks);
    QFETCH(bool, match);
    CompareOptions options;
    for (const QString &i : ignore) {
        JsonPath p;
        QVERIFY(JsonPath::parse(i, &p));
        options.ignore.append(p);
    }
    for (const QString &m : masks)
        options.masks.append(QRegularExpression(m));
    QCOMPARE(messagesMatch({quint8(expectedOpcode), expected}, {quint8(receivedOpcode), received}, options), match);
}

void tst_ReplayCompare::sequences()
{
    const QList<ComparedMessage> expected{{Opcode::Text, "a"}, {Opcode::Text, "b"}, {Opcode::Text, "c"}};
    CompareSummary s;
    QList<MessageResult> r = compareSequences(expected, {{Opcode::Text, "a"}, {Opcode::Text, "x"}}, {}, &s);
    QCOMPARE(r.size(), 3);
    QCOMPARE(r.at(0).verdict, Verdict::Matched);
    QCOMPARE(r.at(1).verdict, Verdict::Differing);
    QCOMPARE(r.at(1).expected.data, QByteArray("b"));
    QCOMPARE(r.at(1).received.data, QByteArray("x"));
    QCOMPARE(r.at(2).verdict, Verdict::Missing);
    QCOMPARE(s.matched, 1);
    QCOMPARE(s.differing, 1);
    QCOMPARE(s.missing, 1);
    QCOMPARE(s.extra, 0);
    QVERIFY(!s.allMatched());

    r = compareSequences(expected, expected + QList<ComparedMessage>{{Opcode::Binary, "z"}}, {}, &s);
    QCOMPARE(r.size(), 4);
    QCOMPARE(r.at(3).verdict, Verdict::Extra);
    QCOMPARE(s.matched, 3);
    QCOMPARE(s.extra, 1);

    compareSequences(expected, expected, {}, &s);
    QVERIFY(s.allMatched());
    QCOMPARE(s.matched, 3);
}

QTEST_GUILESS_MAIN(tst_ReplayCompare)
#include "tst_replay_compare.moc"
