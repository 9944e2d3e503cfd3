#include "intercept/rulesdialog.h"

#include "intercept/interceptor.h"
#include "intercept/interceptsettings.h"
#include "intercept/ruleset.h"
#include "intercept/rulesfile.h"
#include "intercept/rulesmodel.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace wslens::ui {

namespace {

// A combo box for the columns with a fixed set of values.
class ChoiceDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QStringList choices = choicesFor(index.column());
        if (choices.isEmpty())
            return QStyledItemDelegate::createEditor(parent, option, index);
        auto *combo = new QComboBox(parent);
        combo->addItems(choices);
        combo->setEditable(index.column() == RulesModel::OpcodeColumn); // numbers too
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            const QString value = index.data(Qt::DisplayRole).toString();
            const int i = combo->findText(value);
            if (i >= 0)
                combo->setCurrentIndex(i);
            else
                combo->setEditText(value);
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            model->setData(index, combo->currentText(), Qt::EditRole);
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }

private:
    static QStringList choicesFor(int column)
    {
        switch (column) {
        case RulesModel::ActionColumn:
            return {QStringLiteral("breakpoint"), QStringLiteral("replace"), QStringLiteral("drop")};
        case RulesModel::DirectionColumn:
            return {QStringLiteral("both"), QStringLiteral("c2s"), QStringLiteral("s2c")};
        case RulesModel::OpcodeColumn:
            return {QStringLiteral("data"), QStringLiteral("text"), QStringLiteral("binary"), QStringLiteral("ping"),
                    QStringLiteral("pong"), QStringLiteral("close")};
        case RulesModel::HandshakeColumn:
            return {QString(), QStringLiteral("request"), QStringLiteral("response")};
        }
        return {};
    }
};

} // namespace

RulesDialog::RulesDialog(intercept::Interceptor *interceptor, QWidget *parent)
    : QDialog(parent)
    , m_interceptor(interceptor)
    , m_model(new RulesModel(this))
    , m_view(new QTableView(this))
    , m_status(new QLabel(this))
    , m_hitsTimer(new QTimer(this))
{
    setWindowTitle(QStringLiteral("Intercept rules"));
    resize(960, 420);
    m_current = interceptor ? interceptor->rules() : intercept::RuleList();
    m_model->setRules(m_current);
    m_model->setHitSource([this](int row) -> qint64 {
        // Hits belong to the applied list; an edited, not yet applied list shows none.
        if (!m_interceptor || m_model->rules() != m_interceptor->rules() || row >= m_interceptor->rules().size())
            return -1;
        return qint64(m_interceptor->hitCount(row));
    });

    m_view->setModel(m_model);
    m_view->setItemDelegate(new ChoiceDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(RulesModel::MatchColumn, QHeaderView::Stretch);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);

    auto *add = new QPushButton(QStringLiteral("&Add"), this);
    add->setToolTip(QStringLiteral("Add a rule below the selected one (Ins)"));
    auto *remove = new QPushButton(QStringLiteral("&Remove"), this);
    remove->setObjectName(QStringLiteral("removeRule"));
    remove->setToolTip(QStringLiteral("Remove the selected rule (Del)"));
    auto *up = new QPushButton(QStringLiteral("&Up"), this);
    up->setObjectName(QStringLiteral("moveUp"));
    up->setToolTip(QStringLiteral("Apply this rule earlier (Alt+Up)"));
    auto *down = new QPushButton(QStringLiteral("&Down"), this);
    down->setObjectName(QStringLiteral("moveDown"));
    down->setToolTip(QStringLiteral("Apply this rule later (Alt+Down)"));
    auto *import = new QPushButton(QStringLiteral("&Import…"), this);
    auto *exportButton = new QPushButton(QStringLiteral("&Export…"), this);
    connect(add, &QPushButton::clicked, this, &RulesDialog::addRule);
    connect(remove, &QPushButton::clicked, this, &RulesDialog::removeRule);
    connect(up, &QPushButton::clicked, this, [this] { moveRule(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveRule(+1); });
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Import rules"), QString(),
                                                          QStringLiteral("Rules (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !importFile(path, &error))
            QMessageBox::warning(this, QStringLiteral("Import rules"), error);
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export rules"),
                                                          QStringLiteral("rules.json"), QStringLiteral("Rules (*.json)"));
        QString error;
        if (!path.isEmpty() && !exportFile(path, &error))
            QMessageBox::warning(this, QStringLiteral("Export rules"), error);
    });

    const auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *a = new QAction(this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        m_view->addAction(a);
        return a;
    };
    shortcut(QKeySequence(Qt::Key_Insert), [this] { addRule(); });
    shortcut(QKeySequence::Delete, [this] { removeRule(); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), [this] { moveRule(-1); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Down), [this] { moveRule(+1); });
    m_undoAction = new QAction(QStringLiteral("Undo"), this);
    m_undoAction->setShortcut(QKeySequence::Undo);
    connect(m_undoAction, &QAction::triggered, this, &RulesDialog::undo);
    addAction(m_undoAction);
    m_redoAction = new QAction(QStringLiteral("Redo"), this);
    m_redoAction->setShortcut(QKeySequence::Redo);
    connect(m_redoAction, &QAction::triggered, this, &RulesDialog::redo);
    addAction(m_redoAction);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &RulesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &RulesDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &RulesDialog::apply);

    auto *side = new QVBoxLayout;
    for (QPushButton *b : {add, remove, up, down, import, exportButton})
        side->addWidget(b);
    side->addStretch();
    auto *row = new QHBoxLayout;
    row->addWidget(m_view, 1);
    row->addLayout(side);

    auto *help = new QLabel(QStringLiteral(
        "Rules run in order on each message. <b>replace</b> rewrites it (later rules see the result), "
        "<b>drop</b> discards it, <b>breakpoint</b> holds it in the Intercept queue. Match is a regular "
        "expression on text messages; Hex a byte pattern on any message."), this);
    help->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("rulesStatus"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(help);
    layout->addLayout(row, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_model, &RulesModel::rulesEdited, this, &RulesDialog::onEdited);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RulesDialog::updateButtons);
    m_hitsTimer->setInterval(500);
    connect(m_hitsTimer, &QTimer::timeout, m_model, &RulesModel::refreshHits);
    m_hitsTimer->start();
    check();
    updateButtons();
}

RulesDialog::~RulesDialog() = default;

int RulesDialog::currentRow() const
{
    return m_view->currentIndex().isValid() ? m_view->currentIndex().row() : -1;
}

void RulesDialog::addRule()
{
    intercept::Rule rule;
    rule.action = intercept::RuleAction::Breakpoint;
    const int row = m_model->insertRule(currentRow() < 0 ? m_model->rowCount() : currentRow() + 1, rule);
    m_view->setCurrentIndex(m_model->index(row, RulesModel::MatchColumn));
    m_view->edit(m_view->currentIndex());
}

void RulesDialog::removeRule()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeRule(row);
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(qMin(row, m_model->rowCount() - 1), 0));
}

void RulesDialog::moveRule(int delta)
{
    const int row = currentRow();
    if (row < 0)
        return;
    const int column = m_view->currentIndex().column();
    const int to = m_model->moveRule(row, delta);
    m_view->setCurrentIndex(m_model->index(to, column));
}

void RulesDialog::onEdited()
{
    if (!m_restoring) {
        m_undo.append(m_current);
        m_redo.clear();
    }
    m_current = m_model->rules();
    check();
    updateButtons();
}

void RulesDialog::restore(const intercept::RuleList &rules)
{
    m_restoring = true;
    m_model->setRules(rules);
    m_current = rules;
    m_restoring = false;
    check();
    updateButtons();
}

void RulesDialog::undo()
{
    if (m_undo.isEmpty())
        return;
    m_redo.append(m_current);
    restore(m_undo.takeLast());
}

void RulesDialog::redo()
{
    if (m_redo.isEmpty())
        return;
    m_undo.append(m_current);
    restore(m_redo.takeLast());
}

void RulesDialog::check()
{
    QString error;
    m_problem = intercept::RuleSet::compile(m_model->rules(), &error) ? QString() : error;
    if (!m_problem.isEmpty()) {
        m_status->setText(QStringLiteral("<span style='color:#c0392b'>%1</span>").arg(m_problem.toHtmlEscaped()));
    } else {
        const bool applied = m_interceptor && m_model->rules() == m_interceptor->rules();
        m_status->setText(applied ? tr("%n rule(s) in force.", nullptr, int(m_model->rules().size()))
                                  : QStringLiteral("Changed: Apply or OK puts these rules in force."));
    }
}

void RulesDialog::updateButtons()
{
    const int row = currentRow();
    if (auto *b = findChild<QPushButton *>(QStringLiteral("removeRule")))
        b->setEnabled(row >= 0);
    if (auto *b = findChild<QPushButton *>(QStringLiteral("moveUp")))
        b->setEnabled(row > 0);
    if (auto *b = findChild<QPushButton *>(QStringLiteral("moveDown")))
        b->setEnabled(row >= 0 && row + 1 < m_model->rowCount());
    m_undoAction->setEnabled(!m_undo.isEmpty());
    m_redoAction->setEnabled(!m_redo.isEmpty());
}

bool RulesDialog::apply()
{
    check();
    if (!m_problem.isEmpty())
        return false;
    QString error;
    if (m_interceptor && !m_interceptor->setRules(m_model->rules(), &error)) {
        m_problem = error;
        m_status->setText(error.toHtmlEscaped());
        return false;
    }
    saveInterceptRules(m_model->rules());
    check();
    m_model->refreshHits();
    return true;
}

void RulesDialog::accept()
{
    if (apply())
        QDialog::accept();
}

bool RulesDialog::importFile(const QString &path, QString *error)
{
    intercept::RuleList rules;
    if (!intercept::loadRulesFile(path, &rules, error))
        return false;
    m_undo.append(m_current);
    m_redo.clear();
    restore(rules);
    return true;
}

bool RulesDialog::exportFile(const QString &path, QString *error) const
{
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(intercept::rulesToJson(m_model->rules())) < 0 || !out.commit()) {
        *error = QStringLiteral("Cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

} // namespace wslens::ui
