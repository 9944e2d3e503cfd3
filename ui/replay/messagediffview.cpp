#include "replay/messagediffview.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>

namespace wslens::ui {

namespace {
constexpr int kShownPaths = 12;

QColor changedColor(const QWidget *w, bool left)
{
    const bool dark = w->palette().color(QPalette::Base).lightness() < 128;
    if (left)
        return dark ? QColor(0x5a, 0x24, 0x24) : QColor(0xff, 0xdc, 0xdc);
    return dark ? QColor(0x1f, 0x4a, 0x2a) : QColor(0xd6, 0xf5, 0xdc);
}

QColor gapColor(const QWidget *w)
{
    const QColor base = w->palette().color(QPalette::Base);
    return base.lightness() < 128 ? base.lighter(140) : base.darker(110);
}
} // namespace

MessageDiffView::MessageDiffView(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_leftTitle(new QLabel(tr("Expected (recorded)"), this))
    , m_rightTitle(new QLabel(tr("Received (replay)"), this))
    , m_left(new QPlainTextEdit(this))
    , m_right(new QPlainTextEdit(this))
{
    m_summary->setObjectName(QStringLiteral("diffSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_left->setObjectName(QStringLiteral("diffExpected"));
    m_right->setObjectName(QStringLiteral("diffReceived"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QPlainTextEdit *e : {m_left, m_right}) {
        e->setReadOnly(true);
        e->setLineWrapMode(QPlainTextEdit::NoWrap);
        e->setFont(mono);
    }
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary, 0, 0, 1, 2);
    layout->addWidget(m_leftTitle, 1, 0);
    layout->addWidget(m_rightTitle, 1, 1);
    layout->addWidget(m_left, 2, 0);
    layout->addWidget(m_right, 2, 1);
    layout->setRowStretch(2, 1);

    // Rows are aligned, so the same scroll position shows the same rows.
    for (auto [from, to] : {std::pair{m_left, m_right}, std::pair{m_right, m_left}}) {
        connect(from->verticalScrollBar(), &QScrollBar::valueChanged, to->verticalScrollBar(), &QScrollBar::setValue);
        connect(from->horizontalScrollBar(), &QScrollBar::valueChanged, to->horizontalScrollBar(), &QScrollBar::setValue);
    }
    clear();
}

void MessageDiffView::clear()
{
    m_diff = MessageDiff();
    m_left->clear();
    m_right->clear();
    m_summary->setText(tr("Select a message to compare the recorded and the received version."));
}

void MessageDiffView::showMessage(const replay::MessageResult &message)
{
    m_diff = diffMessages(message.expected.opcode, message.expected.data, message.received.opcode,
                          message.received.data);
    fill(m_left, true);
    fill(m_right, false);

    QString text;
    switch (message.verdict) {
    case replay::Verdict::Matched:
        text = m_diff.changedRows() == 0 ? tr("Message %1 matched.").arg(message.index)
                                         : tr("Message %1 matched after ignoring paths and masks; the raw messages differ as highlighted.")
                                               .arg(message.index);
        break;
    case replay::Verdict::Differing: text = tr("Message %1 differs.").arg(message.index); break;
    case replay::Verdict::Missing: text = tr("Message %1 was recorded but not received.").arg(message.index); break;
    case replay::Verdict::Extra: text = tr("Message %1 was received but not recorded.").arg(message.index); break;
    }
    if (message.expected.opcode && message.received.opcode && message.expected.opcode != message.received.opcode)
        text += QLatin1Char(' ') + tr("Opcodes differ: %1 expected, %2 received.").arg(message.expected.opcode).arg(message.received.opcode);
    if (!m_diff.paths.isEmpty()) {
        QStringList shown = m_diff.paths.mid(0, kShownPaths);
        text += QLatin1Char(' ') + tr("Differing JSON paths: %1").arg(shown.join(QLatin1String(", ")));
        if (m_diff.paths.size() > kShownPaths)
            text += tr(" and %n more", nullptr, int(m_diff.paths.size() - kShownPaths));
    }
    m_summary->setText(text);
}

void MessageDiffView::fill(QPlainTextEdit *edit, bool left)
{
    QStringList lines;
    lines.reserve(m_diff.rows.size());
    for (const DiffRow &r : std::as_const(m_diff.rows))
        lines.append(left ? r.left : r.right);
    edit->setPlainText(lines.join(QLatin1Char('\n')));

    QList<QTextEdit::ExtraSelection> marks;
    const QColor changed = changedColor(this, left);
    const QColor gap = gapColor(this);
    QTextBlock block = edit->document()->firstBlock();
    for (const DiffRow &r : std::as_const(m_diff.rows)) {
        if (!block.isValid())
            break;
        const bool present = left ? r.hasLeft : r.hasRight;
        if (r.changed || !present) {
            QTextEdit::ExtraSelection s;
            s.cursor = QTextCursor(block);
            s.format.setBackground(present ? changed : gap);
            s.format.setProperty(QTextFormat::FullWidthSelection, true);
            marks.append(s);
        }
        block = block.next();
    }
    edit->setExtraSelections(marks);
}

} // namespace wslens::ui
