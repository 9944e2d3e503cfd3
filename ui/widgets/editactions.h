#pragma once

// Edit menu actions (Undo, Redo, Cut, Paste, Select All) that act on the
// text editor having the focus (line edits, plain and rich text editors).
// Text editors already handle these keys themselves; the menu shows the
// shortcuts and offers the same through the mouse. Enabled states are
// refreshed when the menu opens.

class QMenu;
class QWidget;

namespace wslens::ui {

enum class EditOperation { Undo, Redo, Cut, Paste, SelectAll };

// Whether op can be applied to w now (w: a QLineEdit, QPlainTextEdit or QTextEdit).
bool canEdit(const QWidget *w, EditOperation op);
// Applies op to w; false when w is no text editor or op is not possible.
bool applyEdit(QWidget *w, EditOperation op);

// Adds the actions (object names actionUndo, actionRedo, actionCut,
// actionPaste, actionSelectAll) to menu; they act on the application's focus widget.
void addEditActions(QMenu *menu);

} // namespace wslens::ui
