#include "widgets/filterbar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace wslens::ui {

namespace {
QToolButton *toggle(QWidget *parent, const QString &text, const QString &tip, bool checked, const QString &name)
{
    auto *b = new QToolButton(parent);
    b->setObjectName(name);
    b->setText(text);
    b->setToolTip(tip);
    b->setCheckable(true);
    b->setChecked(checked);
    b->setAutoRaise(true);
    return b;
}
} // namespace

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("filterBar"));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("filterSearch"));
    m_search->setPlaceholderText(tr("Search payloads (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    m_regex = toggle(this, QStringLiteral(".*"), tr("Regular expression"), false, QStringLiteral("filterRegex"));
    m_case = toggle(this, QStringLiteral("Aa"), tr("Match case"), false, QStringLiteral("filterCase"));
    m_direction = new QComboBox(this);
    m_direction->setObjectName(QStringLiteral("filterDirection"));
    m_direction->addItem(tr("Both directions"));
    m_direction->addItem(tr("→ Client to server"));
    m_direction->addItem(tr("← Server to client"));
    m_text = toggle(this, tr("Text"), tr("Show text frames"), true, QStringLiteral("filterText"));
    m_binary = toggle(this, tr("Binary"), tr("Show binary frames"), true, QStringLiteral("filterBinary"));
    m_control = toggle(this, tr("Control"), tr("Show close, ping and pong frames"), true, QStringLiteral("filterControl"));
    m_hidePing = toggle(this, tr("No ping/pong"), tr("Hide ping and pong frames"), false, QStringLiteral("filterHidePing"));
    m_violations = toggle(this, QStringLiteral("⚠ ") + tr("Violations"), tr("Only frames that break a protocol rule"), false,
                          QStringLiteral("filterViolations"));
    m_edited = toggle(this, QStringLiteral("✎ ") + tr("Edited"), tr("Only edited, dropped or injected frames"), false,
                      QStringLiteral("filterEdited"));
    auto *prev = new QToolButton(this);
    prev->setText(QStringLiteral("▲"));
    prev->setToolTip(tr("Previous match (Shift+F3)"));
    prev->setAutoRaise(true);
    auto *next = new QToolButton(this);
    next->setText(QStringLiteral("▼"));
    next->setToolTip(tr("Next match (F3)"));
    next->setAutoRaise(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("filterStatus"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(2);
    layout->addWidget(m_search, 3);
    layout->addWidget(m_regex);
    layout->addWidget(m_case);
    layout->addWidget(prev);
    layout->addWidget(next);
    layout->addSpacing(8);
    layout->addWidget(m_direction);
    layout->addWidget(m_text);
    layout->addWidget(m_binary);
    layout->addWidget(m_control);
    layout->addWidget(m_hidePing);
    layout->addWidget(m_violations);
    layout->addWidget(m_edited);
    layout->addSpacing(8);
    layout->addWidget(m_status, 1);

    connect(m_search, &QLineEdit::textChanged, this, [this] { emitChanged(true); });
    connect(m_search, &QLineEdit::returnPressed, this, &FilterBar::nextRequested);
    for (QToolButton *b : {m_regex, m_case, m_text, m_binary, m_control, m_hidePing, m_violations, m_edited})
        connect(b, &QToolButton::toggled, this, [this] { emitChanged(false); });
    connect(m_direction, &QComboBox::currentIndexChanged, this, [this] { emitChanged(false); });
    connect(prev, &QToolButton::clicked, this, &FilterBar::previousRequested);
    connect(next, &QToolButton::clicked, this, &FilterBar::nextRequested);
}

FilterCriteria FilterBar::criteria() const
{
    FilterCriteria c;
    c.connections = m_connections;
    c.direction = FilterCriteria::Directions(m_direction->currentIndex());
    c.showText = m_text->isChecked();
    c.showBinary = m_binary->isChecked();
    c.showControl = m_control->isChecked();
    c.hidePingPong = m_hidePing->isChecked();
    c.violationsOnly = m_violations->isChecked();
    c.editedOnly = m_edited->isChecked();
    c.search = m_search->text();
    c.regex = m_regex->isChecked();
    c.caseSensitive = m_case->isChecked();
    return c;
}

void FilterBar::setConnections(const QSet<quint64> &ids)
{
    if (ids == m_connections)
        return;
    m_connections = ids;
    emitChanged(false);
}

void FilterBar::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #d93f3f") : QString());
}

void FilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FilterBar::reset()
{
    const QSignalBlocker blocker(this);
    m_search->clear();
    m_regex->setChecked(false);
    m_case->setChecked(false);
    m_direction->setCurrentIndex(0);
    m_text->setChecked(true);
    m_binary->setChecked(true);
    m_control->setChecked(true);
    m_hidePing->setChecked(false);
    m_violations->setChecked(false);
    m_edited->setChecked(false);
    m_connections.clear();
}

void FilterBar::emitChanged(bool typing)
{
    emit criteriaChanged(criteria(), typing);
}

} // namespace wslens::ui
