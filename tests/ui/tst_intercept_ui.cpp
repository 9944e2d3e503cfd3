// The intercept UI pieces on a real Interceptor: rules editor (model, checks,
// undo, file round trip), held-message model, payload editor, inject dialog.
#include "intercept/heldmessagemodel.h"
#include "intercept/injectdialog.h"
#include "intercept/interceptpanel.h"
#include "intercept/interceptor.h"
#include "intercept/payloadeditor.h"
#include "intercept/rulesdialog.h"
#include "intercept/rulesfile.h"
#include "intercept/rulesmodel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QCoreApplication>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace wslens;
using namespace wslens::ui;
using intercept::Rule;
using intercept::RuleAction;
using intercept::RuleDirection;

class tst_InterceptUi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rulesModelEdits_data();
    void rulesModelEdits();
    void rulesModelMoves();
    void dialogAppliesChecksAndUndoes();
    void dialogFileRoundTrip();
    void heldModel();
    void payloadEditor_data();
    void payloadEditor();
    void payloadEditorViews();
    void injectWithoutConnections();
    void panelFragmentsBox();

private:
    QTemporaryDir m_dir;
};

void tst_InterceptUi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_intercept_ui"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
}

void tst_InterceptUi::rulesModelEdits_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<bool>("changes"); // the rule differs from the default one afterwards
    QTest::newRow("action") << int(RulesModel::ActionColumn) << QStringLiteral("drop") << true << QStringLiteral("drop") << true;
    QTest::newRow("action hold alias") << int(RulesModel::ActionColumn) << QStringLiteral("hold") << true << QStringLiteral("breakpoint") << false;
    QTest::newRow("action bad") << int(RulesModel::ActionColumn) << QStringLiteral("explode") << false << QStringLiteral("breakpoint") << false;
    QTest::newRow("direction") << int(RulesModel::DirectionColumn) << QStringLiteral("s2c") << true << QStringLiteral("s2c") << true;
    QTest::newRow("direction bad") << int(RulesModel::DirectionColumn) << QStringLiteral("up") << false << QStringLiteral("both") << false;
    QTest::newRow("opcode name") << int(RulesModel::OpcodeColumn) << QStringLiteral("ping") << true << QStringLiteral("ping") << true;
    QTest::newRow("opcode data") << int(RulesModel::OpcodeColumn) << QStringLiteral("data") << true << QStringLiteral("data") << false;
    QTest::newRow("opcode bad") << int(RulesModel::OpcodeColumn) << QStringLiteral("loud") << false << QStringLiteral("data") << false;
    QTest::newRow("match keeps spaces") << int(RulesModel::MatchColumn) << QStringLiteral(" a b ") << true << QStringLiteral(" a b ") << true;
    QTest::newRow("handshake request") << int(RulesModel::HandshakeColumn) << QStringLiteral("request") << true << QStringLiteral("request") << true;
    QTest::newRow("handshake none") << int(RulesModel::HandshakeColumn) << QString() << true << QString() << false;
    QTest::newRow("handshake bad") << int(RulesModel::HandshakeColumn) << QStringLiteral("upgrade") << false << QString() << false;
    QTest::newRow("host trimmed") << int(RulesModel::HostColumn) << QStringLiteral(" *.test ") << true << QStringLiteral("*.test") << true;
}

void tst_InterceptUi::rulesModelEdits()
{
    QFETCH(int, column);
    QFETCH(QString, value);
    QFETCH(bool, accepted);
    QFETCH(QString, shown);
    QFETCH(bool, changes);
    RulesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.insertRule(0, Rule());
    QSignalSpy edited(&model, &RulesModel::rulesEdited);
    QCOMPARE(model.setData(model.index(0, column), value), accepted);
    QCOMPARE(model.index(0, column).data().toString(), shown);
    QCOMPARE(edited.size(), changes ? 1 : 0);
}

void tst_InterceptUi::rulesModelMoves()
{
    RulesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const char *name : {"a", "b", "c"}) {
        Rule r;
        r.name = QString::fromLatin1(name);
        model.insertRule(model.rowCount(), r);
    }
    QCOMPARE(model.moveRule(0, +1), 1);
    QCOMPARE(model.moveRule(2, -1), 1);
    QCOMPARE(model.moveRule(0, -1), 0); // already first
    QStringList names;
    for (const Rule &r : model.rules())
        names << r.name;
    QCOMPARE(names, (QStringList{QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("a")}));
    QVERIFY(model.setData(model.index(1, RulesModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(model.rules().at(1).enabled, false);
    model.removeRule(0);
    QCOMPARE(model.rowCount(), 2);
}

void tst_InterceptUi::dialogAppliesChecksAndUndoes()
{
    intercept::Interceptor interceptor;
    RulesDialog dialog(&interceptor);
    RulesModel *model = dialog.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    Rule replace;
    replace.action = RuleAction::Replace;
    replace.direction = RuleDirection::ClientToServer;
    replace.match = QStringLiteral("foo(\\d+)");
    replace.replace = QStringLiteral("bar\\1");
    model->insertRule(0, replace);
    QVERIFY(dialog.problem().isEmpty());
    QVERIFY(dialog.apply());
    QCOMPARE(interceptor.rules().size(), 1);
    QCOMPARE(interceptor.rules().constFirst().replace, QStringLiteral("bar\\1"));

    // A broken regex is named and not applied.
    QVERIFY(model->setData(model->index(0, RulesModel::MatchColumn), QStringLiteral("foo(")));
    QVERIFY2(dialog.problem().contains(QLatin1String("rules[0].match")), qPrintable(dialog.problem()));
    QVERIFY(!dialog.apply());
    QCOMPARE(interceptor.rules().constFirst().match, QStringLiteral("foo(\\d+)"));

    // Undo brings the good regex back; redo the bad one; undo again and apply.
    dialog.undo();
    QCOMPARE(model->rules().constFirst().match, QStringLiteral("foo(\\d+)"));
    QVERIFY(dialog.problem().isEmpty());
    dialog.redo();
    QCOMPARE(model->rules().constFirst().match, QStringLiteral("foo("));
    dialog.undo();
    dialog.undo(); // before the insert: no rules
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(dialog.apply());
    QCOMPARE(interceptor.rules().size(), 0);

    // Applied rules are kept in the settings in the rules-file format.
    intercept::RuleList saved;
    QString error;
    QVERIFY(intercept::parseRules(QSettings().value(QStringLiteral("intercept/rules")).toByteArray(), &saved, &error));
    QCOMPARE(saved.size(), 0);
}

void tst_InterceptUi::dialogFileRoundTrip()
{
    intercept::Interceptor interceptor;
    RulesDialog dialog(&interceptor);
    const QString in = m_dir.filePath(QStringLiteral("in.json"));
    {
        QFile f(in);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"json({"rules": [{"action": "replace", "direction": "c2s", "match": "foo(\\d+)", "replace": "bar\\1"},
                              {"action": "drop", "direction": "s2c", "match": "^secret"}]})json");
    }
    QString error;
    QVERIFY2(dialog.importFile(in, &error), qPrintable(error));
    QCOMPARE(dialog.model()->rowCount(), 2);
    QCOMPARE(dialog.model()->index(1, RulesModel::ActionColumn).data().toString(), QStringLiteral("drop"));
    const QString out = m_dir.filePath(QStringLiteral("out.json"));
    QVERIFY2(dialog.exportFile(out, &error), qPrintable(error));
    intercept::RuleList back;
    QVERIFY2(intercept::loadRulesFile(out, &back, &error), qPrintable(error));
    QCOMPARE(back, dialog.model()->rules());

    // A bad file names the rule and leaves the table alone.
    const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
    {
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"rules": [{"action": "drop"}, {"action": "replace", "direction": "up", "match": "x"}]})");
    }
    QVERIFY(!dialog.importFile(bad, &error));
    QVERIFY2(error.contains(QLatin1String("rules[1].direction")), qPrintable(error));
    QCOMPARE(dialog.model()->rowCount(), 2);
    dialog.undo(); // undoes the import
    QCOMPARE(dialog.model()->rowCount(), 0);
}

void tst_InterceptUi::heldModel()
{
    HeldMessageModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    intercept::HeldMessage a;
    a.id = 7;
    a.connectionId = 3;
    a.url = QStringLiteral("ws://h/x");
    a.opcode = Opcode::Text;
    a.payload = QByteArrayLiteral("hello\nworld");
    intercept::HeldMessage b = a;
    b.id = 8;
    b.direction = Direction::ServerToClient;
    b.opcode = Opcode::Binary;
    b.payload = QByteArray::fromHex("deadbeef");
    model.add(a);
    model.add(b);
    model.add(a); // twice: once
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, HeldMessageModel::PreviewColumn).data().toString(), QStringLiteral("hello\u21b5world"));
    QCOMPARE(model.index(1, HeldMessageModel::PreviewColumn).data().toString(), QStringLiteral("de ad be ef"));
    QCOMPARE(model.index(1, HeldMessageModel::DirectionColumn).data().toString(), QStringLiteral("← client"));
    QCOMPARE(model.index(0, HeldMessageModel::ConnectionColumn).data().toString(), QStringLiteral("#3 ws://h/x"));
    model.remove(7);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.message(0)->id, quint64(8));
    model.remove(99);
    QCOMPARE(model.rowCount(), 1);
    intercept::HeldMessage h = a;
    h.id = 9;
    h.kind = intercept::HeldKind::HandshakeResponse;
    h.direction = Direction::ServerToClient;
    h.opcode = 0;
    h.payload = QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    model.add(h);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, HeldMessageModel::TypeColumn).data().toString(), QStringLiteral("handshake response"));
    h.id = 10;
    h.kind = intercept::HeldKind::HandshakeRequest;
    model.add(h);
    QCOMPARE(model.index(2, HeldMessageModel::TypeColumn).data().toString(), QStringLiteral("handshake request"));
    QVERIFY(model.index(2, HeldMessageModel::PreviewColumn).data().toString().startsWith(QLatin1String("HTTP/1.1 101")));
}

void tst_InterceptUi::payloadEditor_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("binary");
    QTest::addColumn<int>("view");
    QTest::addColumn<QString>("typed");  // replaces the editor text; empty: unchanged
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("result");
    QTest::newRow("text unchanged") << QByteArray("hi there") << false << int(PayloadEditor::View::Text) << QString() << true << QByteArray("hi there");
    QTest::newRow("text edited") << QByteArray("hi") << false << int(PayloadEditor::View::Text) << QStringLiteral("héllo") << true << QByteArray("h\xc3\xa9llo");
    QTest::newRow("json unchanged keeps bytes") << QByteArray(R"({"b":1,  "a":2})") << false << int(PayloadEditor::View::Json) << QString() << true << QByteArray(R"({"b":1,  "a":2})");
    QTest::newRow("json edited compacts") << QByteArray(R"({"a":1})") << false << int(PayloadEditor::View::Json) << QStringLiteral("{\n  \"a\": 2\n}") << true << QByteArray(R"({"a":2})");
    QTest::newRow("json broken") << QByteArray(R"({"a":1})") << false << int(PayloadEditor::View::Json) << QStringLiteral("{\"a\":") << false << QByteArray();
    QTest::newRow("binary as hex") << QByteArray::fromHex("00ff10") << true << int(PayloadEditor::View::Hex) << QString() << true << QByteArray::fromHex("00ff10");
    QTest::newRow("hex edited") << QByteArray::fromHex("00") << true << int(PayloadEditor::View::Hex) << QStringLiteral("01 02\nFF") << true << QByteArray::fromHex("0102ff");
    QTest::newRow("hex odd") << QByteArray::fromHex("00") << true << int(PayloadEditor::View::Hex) << QStringLiteral("012") << false << QByteArray();
    QTest::newRow("hex not hex") << QByteArray::fromHex("00") << true << int(PayloadEditor::View::Hex) << QStringLiteral("zz") << false << QByteArray();
}

void tst_InterceptUi::payloadEditor()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, binary);
    QFETCH(int, view);
    QFETCH(QString, typed);
    QFETCH(bool, valid);
    QFETCH(QByteArray, result);
    PayloadEditor editor;
    editor.setPayload(payload, binary);
    QCOMPARE(int(editor.view()), view);
    QVERIFY(!editor.isModified());
    if (!typed.isEmpty()) {
        editor.editor()->selectAll();
        editor.editor()->insertPlainText(typed);
    }
    QByteArray out;
    QString error;
    QCOMPARE(editor.payload(&out, &error), valid);
    QCOMPARE(editor.problem().isEmpty(), valid);
    if (valid) {
        QCOMPARE(out, result);
        QCOMPARE(editor.isModified(), result != payload);
    }
}

void tst_InterceptUi::payloadEditorViews()
{
    PayloadEditor editor;
    editor.setPayload(QByteArrayLiteral("AB"), false);
    editor.setView(PayloadEditor::View::Hex);
    QCOMPARE(editor.editor()->toPlainText(), QStringLiteral("41 42"));
    QVERIFY(!editor.isModified());
    editor.editor()->setPlainText(QStringLiteral("41 4"));
    editor.setView(PayloadEditor::View::Text); // refused: the hex is incomplete
    QCOMPARE(editor.view(), PayloadEditor::View::Hex);
    editor.editor()->setPlainText(QStringLiteral("41 43"));
    editor.setView(PayloadEditor::View::Text);
    QCOMPARE(editor.editor()->toPlainText(), QStringLiteral("AC"));
    QVERIFY(editor.isModified());
    editor.editor()->moveCursor(QTextCursor::End);
    editor.editor()->insertPlainText(QStringLiteral("D"));
    QCOMPARE(editor.editor()->toPlainText(), QStringLiteral("ACD"));
    editor.editor()->undo(); // the editor's own undo
    QCOMPARE(editor.editor()->toPlainText(), QStringLiteral("AC"));
}

void tst_InterceptUi::injectWithoutConnections()
{
    intercept::Interceptor interceptor;
    InjectDialog dialog(&interceptor, nullptr);
    QCOMPARE(dialog.connectionCombo()->count(), 0);
    QVERIFY(!dialog.send());
    QVERIFY2(dialog.status().contains(QLatin1String("live connection")), qPrintable(dialog.status()));
}

void tst_InterceptUi::panelFragmentsBox()
{
    intercept::Interceptor interceptor;
    InterceptPanel panel(&interceptor);
    QSpinBox *box = panel.findChild<QSpinBox *>(QStringLiteral("interceptFragments"));
    QVERIFY(box);
    QCOMPARE(box, panel.fragmentsBox());
    QCOMPARE(box->value(), 1); // one frame unless the user asks
    QCOMPARE(box->minimum(), 1);
    box->setValue(0);
    QCOMPARE(box->value(), 1);
}

QTEST_MAIN(tst_InterceptUi)
#include "tst_intercept_ui.moc"
