// Edit menu actions acting on the focused editor, and the shortcut list
// built from the menus.

#include "mainwindow.h"
#include "widgets/editactions.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTest>
#include <QTextEdit>
#include <QTimer>

using namespace wslens::ui;

namespace {
// Types "abc" as an edit step, then reads the state after op.
QString run(QWidget *w, EditOperation op, bool *applied)
{
    if (auto *l = qobject_cast<QLineEdit *>(w)) {
        l->setText(QStringLiteral("start"));
        l->selectAll();
        l->insert(QStringLiteral("abc")); // undoable
        l->selectAll();
        *applied = applyEdit(w, op);
        return l->text();
    }
    auto *p = qobject_cast<QPlainTextEdit *>(w);
    auto *t = qobject_cast<QTextEdit *>(w);
    QTextDocument *doc = p ? p->document() : t->document();
    doc->setPlainText(QStringLiteral("start"));
    doc->clearUndoRedoStacks();
    QTextCursor c(doc);
    c.select(QTextCursor::Document);
    c.insertText(QStringLiteral("abc"));
    c.select(QTextCursor::Document);
    if (p)
        p->setTextCursor(c);
    else
        t->setTextCursor(c);
    *applied = applyEdit(w, op);
    return doc->toPlainText();
}
} // namespace

class tst_EditActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void operations_data();
    void operations();
    void readOnlyAndOthers();
    void menusListShortcuts();
};

void tst_EditActions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wslens-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_editactions"));
}

void tst_EditActions::operations_data()
{
    QTest::addColumn<int>("widget"); // 0 line edit, 1 plain text, 2 rich text
    QTest::addColumn<int>("op");
    QTest::addColumn<QString>("text");
    for (int w = 0; w < 3; ++w) {
        const char *name = w == 0 ? "line" : w == 1 ? "plain" : "rich";
        QTest::addRow("%s undo", name) << w << int(EditOperation::Undo) << QStringLiteral("start");
        QTest::addRow("%s cut", name) << w << int(EditOperation::Cut) << QString();
        QTest::addRow("%s paste", name) << w << int(EditOperation::Paste) << QStringLiteral("pasted");
        QTest::addRow("%s select all", name) << w << int(EditOperation::SelectAll) << QStringLiteral("abc");
    }
}

void tst_EditActions::operations()
{
    QFETCH(int, widget);
    QFETCH(int, op);
    QFETCH(QString, text);
    std::unique_ptr<QWidget> w;
    if (widget == 0)
        w = std::make_unique<QLineEdit>();
    else if (widget == 1)
        w = std::make_unique<QPlainTextEdit>();
    else
        w = std::make_unique<QTextEdit>();
    QApplication::clipboard()->setText(QStringLiteral("pasted"));
    bool applied = false;
    QCOMPARE(run(w.get(), EditOperation(op), &applied), text);
    QVERIFY(applied);
    if (EditOperation(op) == EditOperation::Undo) {
        QVERIFY(canEdit(w.get(), EditOperation::Redo));
        QVERIFY(applyEdit(w.get(), EditOperation::Redo));
        QVERIFY(!canEdit(w.get(), EditOperation::Redo));
    }
    if (EditOperation(op) == EditOperation::Cut)
        QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("abc"));
}

void tst_EditActions::readOnlyAndOthers()
{
    QPlainTextEdit log;
    log.setPlainText(QStringLiteral("log"));
    log.setReadOnly(true);
    log.selectAll();
    QVERIFY(!canEdit(&log, EditOperation::Cut));
    QVERIFY(!canEdit(&log, EditOperation::Undo));
    QVERIFY(canEdit(&log, EditOperation::SelectAll));
    QWidget plain;
    QVERIFY(!canEdit(&plain, EditOperation::Undo));
    QVERIFY(!applyEdit(&plain, EditOperation::Paste));
    QVERIFY(!applyEdit(nullptr, EditOperation::Undo));
    QLineEdit fresh;
    QVERIFY(!canEdit(&fresh, EditOperation::Undo));
}

void tst_EditActions::menusListShortcuts()
{
    MainWindow window;
    QAction *undo = window.findChild<QAction *>(QStringLiteral("actionUndo"));
    QVERIFY(undo);
    QCOMPARE(undo->shortcut(), QKeySequence(QKeySequence::Undo));
    // Every shortcut of the Tools menu shows in the menu and in the list.
    QString text;
    QTimer::singleShot(0, this, [&text] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            text = box->text();
            box->close();
        }
    });
    window.action(QStringLiteral("actionShortcuts"))->trigger();
    QVERIFY(!text.isEmpty());
    for (const char *name : {"actionReplay", "actionMockServer", "actionOpen", "actionFind", "actionUndo"}) {
        const QAction *a = window.findChild<QAction *>(QLatin1String(name));
        QVERIFY2(a, name);
        QVERIFY2(text.contains(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped()), name);
        QVERIFY2(text.contains(a->text().remove(QLatin1Char('&')).toHtmlEscaped()), name);
    }
    QVERIFY(text.contains(QStringLiteral("<i>Tools</i>")));
}

QTEST_MAIN(tst_EditActions)
#include "tst_editactions.moc"
