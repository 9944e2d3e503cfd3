#include "intercept/interceptpanel.h"

#include "intercept/heldmessagemodel.h"
#include "intercept/injectdialog.h"
#include "intercept/interceptor.h"
#include "intercept/interceptsettings.h"
#include "intercept/payloadeditor.h"
#include "intercept/rulesdialog.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace wslens::ui {

InterceptPanel::InterceptPanel(intercept::Interceptor *interceptor, QWidget *parent)
    : QWidget(parent)
    , m_interceptor(interceptor)
    , m_model(new HeldMessageModel(this))
    , m_view(new QTableView(this))
    , m_editor(new PayloadEditor(this))
    , m_state(new QLabel(this))
{
    m_toggle = new QAction(QStringLiteral("&Intercept"), this);
    m_toggle->setObjectName(QStringLiteral("interceptToggle"));
    m_toggle->setCheckable(true);
    m_toggle->setChecked(interceptor->isEnabled());
    m_toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_toggle->setToolTip(QStringLiteral("Apply the intercept rules (Ctrl+I). Off: rules are ignored and held messages go on."));
    m_forward = new QAction(QStringLiteral("&Forward"), this);
    m_forward->setObjectName(QStringLiteral("interceptForward"));
    m_forward->setShortcut(QKeySequence(Qt::Key_F8));
    m_forward->setToolTip(QStringLiteral("Send the selected held message on, with your edits (F8)"));
    m_drop = new QAction(QStringLiteral("&Drop"), this);
    m_drop->setObjectName(QStringLiteral("interceptDrop"));
    m_drop->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    m_drop->setToolTip(QStringLiteral("Discard the selected held message (Shift+F8)"));
    m_forwardAll = new QAction(QStringLiteral("Forward &all"), this);
    m_forwardAll->setObjectName(QStringLiteral("interceptForwardAll"));
    m_forwardAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F8));
    m_forwardAll->setToolTip(QStringLiteral("Send every held message on unchanged (Ctrl+F8)"));
    m_rules = new QAction(QStringLiteral("&Rules…"), this);
    m_rules->setObjectName(QStringLiteral("interceptRules"));
    m_rules->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
    m_rules->setToolTip(QStringLiteral("Breakpoint, replace and drop rules (Ctrl+Shift+I)"));
    m_inject = new QAction(QStringLiteral("In&ject message…"), this);
    m_inject->setObjectName(QStringLiteral("interceptInject"));
    m_inject->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    m_inject->setToolTip(QStringLiteral("Send a message of your own into a live relayed connection (Ctrl+J)"));
    for (QAction *a : {m_toggle, m_forward, m_drop, m_forwardAll, m_rules, m_inject})
        a->setShortcutContext(Qt::WindowShortcut);

    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_toggle);
    bar->addSeparator();
    bar->addAction(m_forward);
    m_fragments = new QSpinBox(this);
    m_fragments->setObjectName(QStringLiteral("interceptFragments"));
    m_fragments->setRange(1, 1024);
    m_fragments->setPrefix(QStringLiteral("in "));
    m_fragments->setSuffix(QStringLiteral(" fragment(s)"));
    m_fragments->setToolTip(QStringLiteral("Forward the selected data message as this many frames "
                                           "(first with the opcode, then continuation frames)"));
    bar->addWidget(m_fragments);
    bar->addAction(m_drop);
    bar->addAction(m_forwardAll);
    bar->addSeparator();
    bar->addAction(m_rules);
    bar->addAction(m_inject);

    m_model->setInterceptor(interceptor);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(m_editor);
    split->setStretchFactor(1, 1);

    m_state->setObjectName(QStringLiteral("interceptState"));
    m_state->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(bar);
    layout->addWidget(m_state);
    layout->addWidget(split, 1);

    connect(m_toggle, &QAction::toggled, this, [this](bool on) {
        m_interceptor->setEnabled(on);
        saveInterceptEnabled(on);
    });
    connect(m_interceptor, &intercept::Interceptor::enabledChanged, this, [this](bool on) {
        const QSignalBlocker block(m_toggle);
        m_toggle->setChecked(on);
        updateState();
    });
    connect(m_interceptor, &intercept::Interceptor::rulesChanged, this, &InterceptPanel::updateState);
    connect(m_forward, &QAction::triggered, this, &InterceptPanel::forwardCurrent);
    connect(m_drop, &QAction::triggered, this, &InterceptPanel::dropCurrent);
    connect(m_forwardAll, &QAction::triggered, this, [this] { m_interceptor->forwardAll(); });
    connect(m_rules, &QAction::triggered, this, &InterceptPanel::openRules);
    connect(m_inject, &QAction::triggered, this, &InterceptPanel::openInject);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &InterceptPanel::showCurrent);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_view->currentIndex().isValid())
            m_view->setCurrentIndex(m_model->index(0, 0)); // the oldest goes first
        updateState();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (m_model->rowForId(m_shownId) < 0) {
            m_shownId = 0;
            if (m_model->rowCount() > 0)
                m_view->setCurrentIndex(m_model->index(0, 0));
            showCurrent();
        }
        updateState();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &InterceptPanel::updateState);
    updateState();
}

int InterceptPanel::currentRow() const
{
    if (m_model->rowCount() == 0)
        return -1;
    return m_view->currentIndex().isValid() ? m_view->currentIndex().row() : 0;
}

void InterceptPanel::showCurrent()
{
    const intercept::HeldMessage *m = m_model->message(currentRow());
    if (!m) {
        m_shownId = 0;
        m_editor->clear();
        m_editor->setEnabled(false);
        return;
    }
    if (m->id == m_shownId)
        return;
    m_shownId = m->id;
    m_editor->setEnabled(true);
    m_editor->setPayload(m->payload, m->opcode == Opcode::Binary);
    if (m->kind != intercept::HeldKind::Message)
        m_editor->setView(PayloadEditor::View::Text); // a head is edited as text
}

bool InterceptPanel::forwardCurrent()
{
    const intercept::HeldMessage *m = m_model->message(currentRow());
    if (!m)
        return false;
    std::optional<QByteArray> edited;
    if (m->id == m_shownId && m_editor->isModified()) {
        QByteArray bytes;
        QString error;
        if (!m_editor->payload(&bytes, &error)) {
            QMessageBox::warning(this, QStringLiteral("Forward"),
                                 QStringLiteral("The edited message is not valid: %1.\nFix it, or switch the editor to Text.").arg(error));
            return false;
        }
        edited = bytes;
    }
    const int fragments = m->kind == intercept::HeldKind::Message ? m_fragments->value() : 1;
    if (fragments > 1 && !edited) {
        // Unedited but to be fragmented: the payload as held, in new frames.
        QByteArray bytes;
        QString why;
        edited = m->id == m_shownId && m_editor->payload(&bytes, &why) ? bytes : m->payload;
    }
    QString error;
    if (m_interceptor->forward(m->id, edited, &error, fragments))
        return true;
    if (m->kind != intercept::HeldKind::Message && edited) // an edited head that does not parse stays held
        QMessageBox::warning(this, QStringLiteral("Forward"),
                             QStringLiteral("The edited handshake is not valid: %1.\nIt stays held; fix it or drop it.").arg(error));
    return false;
}

bool InterceptPanel::dropCurrent()
{
    const intercept::HeldMessage *m = m_model->message(currentRow());
    return m && m_interceptor->drop(m->id);
}

void InterceptPanel::updateState()
{
    const int held = m_model->rowCount();
    const int rules = int(m_interceptor->rules().size());
    QString text;
    if (!m_interceptor->isEnabled())
        text = QStringLiteral("Intercept is off: messages pass unchanged.");
    else if (rules == 0)
        text = QStringLiteral("No rules yet: add a breakpoint in Rules… (Ctrl+Shift+I) to hold messages.");
    else
        text = tr("%n rule(s) active.", nullptr, rules);
    if (held > 0)
        text += QLatin1Char(' ') + tr("%n message(s) held: later messages in the same direction wait behind them.", nullptr, held);
    m_state->setText(text);
    m_forward->setEnabled(held > 0);
    m_drop->setEnabled(held > 0);
    m_forwardAll->setEnabled(held > 0);
    emit heldCountChanged(held);
}

void InterceptPanel::openRules()
{
    RulesDialog dialog(m_interceptor, this);
    dialog.exec();
    updateState();
}

void InterceptPanel::openInject()
{
    InjectDialog dialog(m_interceptor, m_namer, this);
    dialog.exec();
}

} // namespace wslens::ui
