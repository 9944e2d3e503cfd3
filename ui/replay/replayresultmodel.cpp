#include "replay/replayresultmodel.h"

#include <QBrush>
#include <QColor>

namespace wslens::ui {

QString messagePreview(const replay::ComparedMessage &message, int maxChars)
{
    if (message.opcode == 0 && message.data.isEmpty())
        return QString();
    if (message.opcode == Opcode::Text) {
        QString text = QString::fromUtf8(message.data.left(maxChars * 4)).simplified();
        if (text.size() > maxChars)
            text = text.left(maxChars) + QChar(0x2026);
        return text;
    }
    const int bytes = maxChars / 3;
    QString hex = QString::fromLatin1(message.data.left(bytes).toHex(' '));
    if (message.data.size() > bytes)
        hex += QChar(0x2026);
    return QStringLiteral("[%1 B] ").arg(message.data.size()) + hex;
}

ReplayResultModel::ReplayResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ReplayResultModel::setResult(const replay::ReplayResult &result)
{
    beginResetModel();
    m_result = result;
    rebuild();
    endResetModel();
}

void ReplayResultModel::setDifferencesOnly(bool on)
{
    if (on == m_differencesOnly)
        return;
    beginResetModel();
    m_differencesOnly = on;
    rebuild();
    endResetModel();
}

void ReplayResultModel::rebuild()
{
    m_rows.clear();
    for (int c = 0; c < m_result.connections.size(); ++c) {
        const QList<replay::MessageResult> &messages = m_result.connections.at(c).messages;
        for (int m = 0; m < messages.size(); ++m) {
            if (m_differencesOnly && messages.at(m).verdict == replay::Verdict::Matched)
                continue;
            m_rows.push_back({c, m});
        }
    }
}

const replay::MessageResult *ReplayResultModel::message(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return nullptr;
    const Row &r = m_rows[size_t(row)];
    return &m_result.connections.at(r.connection).messages.at(r.message);
}

const replay::ConnectionReplayResult *ReplayResultModel::connection(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return nullptr;
    return &m_result.connections.at(m_rows[size_t(row)].connection);
}

int ReplayResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ReplayResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplayResultModel::data(const QModelIndex &index, int role) const
{
    const replay::MessageResult *m = index.isValid() ? message(index.row()) : nullptr;
    if (!m)
        return {};
    const replay::ConnectionReplayResult *c = connection(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case ConnectionColumn:
            return c->replayId ? QStringLiteral("%1 → %2").arg(c->recordedId).arg(c->replayId) : QString::number(c->recordedId);
        case IndexColumn: return m->index;
        case VerdictColumn: return replay::verdictName(m->verdict);
        case ExpectedColumn: return messagePreview(m->expected, kPreviewChars);
        case ReceivedColumn: return messagePreview(m->received, kPreviewChars);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == VerdictColumn) {
        switch (m->verdict) {
        case replay::Verdict::Matched: return QBrush(QColor(0x2f, 0xa3, 0x44));
        case replay::Verdict::Differing: return QBrush(QColor(0xd9, 0x3f, 0x3f));
        case replay::Verdict::Missing:
        case replay::Verdict::Extra: return QBrush(QColor(0xc0, 0x7a, 0x00));
        }
    }
    if (role == Qt::ToolTipRole && (index.column() == ExpectedColumn || index.column() == ReceivedColumn))
        return messagePreview(index.column() == ExpectedColumn ? m->expected : m->received, 2000);
    if (role == Qt::TextAlignmentRole && index.column() == IndexColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ReplayResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ConnectionColumn: return tr("Connection");
    case IndexColumn: return tr("#");
    case VerdictColumn: return tr("Result");
    case ExpectedColumn: return tr("Expected");
    case ReceivedColumn: return tr("Received");
    default: return {};
    }
}

} // namespace wslens::ui
