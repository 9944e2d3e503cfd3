#pragma once

#include <QWidget>

#include <functional>

class QAction;
class QLabel;
class QSpinBox;
class QTableView;

namespace wslens::intercept {
class Interceptor;
}

namespace wslens::ui {

class HeldMessageModel;
class PayloadEditor;

// The Intercept dock: the on/off switch, the queue of messages held by
// breakpoints (oldest first) and an editor for the selected one; forward
// (edited or not), drop, forward all; the rules editor and message injection.
// Its actions carry the shortcuts and are also put in the window's menu.
class InterceptPanel : public QWidget
{
    Q_OBJECT
public:
    explicit InterceptPanel(intercept::Interceptor *interceptor, QWidget *parent = nullptr);

    QAction *toggleAction() const { return m_toggle; }
    QAction *forwardAction() const { return m_forward; }
    QAction *dropAction() const { return m_drop; }
    QAction *forwardAllAction() const { return m_forwardAll; }
    QAction *rulesAction() const { return m_rules; }
    QAction *injectAction() const { return m_inject; }
    // "in N fragments" next to Forward: 1 sends a message as one frame.
    QSpinBox *fragmentsBox() const { return m_fragments; }

    HeldMessageModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    PayloadEditor *editor() const { return m_editor; }

    // "#3 ws://host/path" for a connection id, for the inject dialog.
    void setConnectionNamer(std::function<QString(quint64)> namer) { m_namer = std::move(namer); }

    // Acts on the selected held message (the first one when none is selected).
    bool forwardCurrent();
    bool dropCurrent();

Q_SIGNALS:
    // The number of held messages changed (for a badge on the dock tab).
    void heldCountChanged(int count);

private:
    void showCurrent();
    void updateState();
    int currentRow() const;
    void openRules();
    void openInject();

    intercept::Interceptor *m_interceptor;
    HeldMessageModel *m_model;
    QTableView *m_view;
    PayloadEditor *m_editor;
    QLabel *m_state;
    QAction *m_toggle;
    QAction *m_forward;
    QAction *m_drop;
    QAction *m_forwardAll;
    QAction *m_rules;
    QAction *m_inject;
    QSpinBox *m_fragments = nullptr;
    quint64 m_shownId = 0;
    std::function<QString(quint64)> m_namer;
};

} // namespace wslens::ui
