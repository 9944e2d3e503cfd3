#include "widgets/editactions.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTextEdit>

namespace wslens::ui {

namespace {
template<typename Editor>
bool canEditDocument(const Editor *e, EditOperation op)
{
    const bool writable = !e->isReadOnly();
    switch (op) {
    case EditOperation::Undo: return writable && e->document()->isUndoAvailable();
    case EditOperation::Redo: return writable && e->document()->isRedoAvailable();
    case EditOperation::Cut: return writable && e->textCursor().hasSelection();
    case EditOperation::Paste: return writable && e->canPaste();
    case EditOperation::SelectAll: return !e->document()->isEmpty();
    }
    return false;
}

template<typename Editor>
void applyDocument(Editor *e, EditOperation op)
{
    switch (op) {
    case EditOperation::Undo: e->undo(); break;
    case EditOperation::Redo: e->redo(); break;
    case EditOperation::Cut: e->cut(); break;
    case EditOperation::Paste: e->paste(); break;
    case EditOperation::SelectAll: e->selectAll(); break;
    }
}
} // namespace

bool canEdit(const QWidget *w, EditOperation op)
{
    if (const auto *line = qobject_cast<const QLineEdit *>(w)) {
        const bool writable = !line->isReadOnly() && line->isEnabled();
        switch (op) {
        case EditOperation::Undo: return writable && line->isUndoAvailable();
        case EditOperation::Redo: return writable && line->isRedoAvailable();
        case EditOperation::Cut: return writable && line->hasSelectedText() && line->echoMode() == QLineEdit::Normal;
        case EditOperation::Paste: return writable && !QApplication::clipboard()->text().isEmpty();
        case EditOperation::SelectAll: return !line->text().isEmpty();
        }
        return false;
    }
    if (const auto *plain = qobject_cast<const QPlainTextEdit *>(w))
        return canEditDocument(plain, op);
    if (const auto *rich = qobject_cast<const QTextEdit *>(w))
        return canEditDocument(rich, op);
    return false;
}

bool applyEdit(QWidget *w, EditOperation op)
{
    if (!canEdit(w, op))
        return false;
    if (auto *line = qobject_cast<QLineEdit *>(w)) {
        switch (op) {
        case EditOperation::Undo: line->undo(); break;
        case EditOperation::Redo: line->redo(); break;
        case EditOperation::Cut: line->cut(); break;
        case EditOperation::Paste: line->paste(); break;
        case EditOperation::SelectAll: line->selectAll(); break;
        }
    } else if (auto *plain = qobject_cast<QPlainTextEdit *>(w)) {
        applyDocument(plain, op);
    } else if (auto *rich = qobject_cast<QTextEdit *>(w)) {
        applyDocument(rich, op);
    }
    return true;
}

void addEditActions(QMenu *menu)
{
    struct Item
    {
        const char *name;
        const char *text;
        QKeySequence::StandardKey key;
        EditOperation op;
    };
    static const Item items[] = {
        {"actionUndo", QT_TRANSLATE_NOOP("wslens::ui::MainWindow", "&Undo"), QKeySequence::Undo, EditOperation::Undo},
        {"actionRedo", QT_TRANSLATE_NOOP("wslens::ui::MainWindow", "&Redo"), QKeySequence::Redo, EditOperation::Redo},
        {"actionCut", QT_TRANSLATE_NOOP("wslens::ui::MainWindow", "Cu&t"), QKeySequence::Cut, EditOperation::Cut},
        {"actionPaste", QT_TRANSLATE_NOOP("wslens::ui::MainWindow", "&Paste"), QKeySequence::Paste, EditOperation::Paste},
        {"actionSelectAll", QT_TRANSLATE_NOOP("wslens::ui::MainWindow", "Select &All"), QKeySequence::SelectAll,
         EditOperation::SelectAll},
    };
    QList<QPair<QAction *, EditOperation>> actions;
    for (const Item &item : items) {
        if (item.op == EditOperation::Cut)
            menu->addSeparator();
        QAction *a = menu->addAction(QCoreApplication::translate("wslens::ui::MainWindow", item.text));
        a->setObjectName(QLatin1String(item.name));
        a->setShortcut(item.key);
        // The focused editor handles the keys itself; the action serves the menu
        // (and windows without a focused editor ignore it).
        a->setShortcutContext(Qt::WidgetShortcut);
        const EditOperation op = item.op;
        QObject::connect(a, &QAction::triggered, menu, [op] { applyEdit(QApplication::focusWidget(), op); });
        actions.append({a, op});
    }
    QObject::connect(menu, &QMenu::aboutToShow, menu, [actions] {
        QWidget *focus = QApplication::focusWidget();
        for (const auto &[action, op] : actions)
            action->setEnabled(canEdit(focus, op));
    });
}

} // namespace wslens::ui
