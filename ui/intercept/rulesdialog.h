#pragma once

#include "intercept/rule.h"

#include <QDialog>
#include <QList>

class QLabel;
class QTableView;
class QTimer;

namespace wslens::intercept {
class Interceptor;
}

namespace wslens::ui {

class RulesModel;

// The intercept rules editor: a table of rules applied in order (add, remove,
// move, enable), checked as you type, undo/redo, import and export of the
// rules file. Apply/OK hand the list to the Interceptor and save it in the
// settings; Cancel leaves the rules in force untouched.
class RulesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RulesDialog(intercept::Interceptor *interceptor, QWidget *parent = nullptr);
    ~RulesDialog() override;

    RulesModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // The problem with the edited rules (empty when they compile).
    QString problem() const { return m_problem; }
    bool apply();            // false (and the problem shown) when the rules do not compile
    bool importFile(const QString &path, QString *error);
    bool exportFile(const QString &path, QString *error) const;
    void undo();
    void redo();

    void accept() override;

private:
    void addRule();
    void removeRule();
    void moveRule(int delta);
    void onEdited();
    void check();
    void restore(const intercept::RuleList &rules);
    void updateButtons();
    int currentRow() const;

    intercept::Interceptor *m_interceptor;
    RulesModel *m_model;
    QTableView *m_view;
    QLabel *m_status;
    QTimer *m_hitsTimer;
    QString m_problem;
    QList<intercept::RuleList> m_undo; // states before each edit
    QList<intercept::RuleList> m_redo;
    intercept::RuleList m_current;
    bool m_restoring = false;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
};

} // namespace wslens::ui
