#include "composer/composerhistorymodel.h"

#include <QSettings>

namespace wslens::ui {

ComposerHistoryModel::ComposerHistoryModel(QObject *parent, int capacity)
    : QAbstractListModel(parent)
    , m_capacity(qMax(1, capacity))
{
}

void ComposerHistoryModel::add(const ComposerEntry &entry)
{
    if (!m_entries.isEmpty() && m_entries.constFirst() == entry)
        return;
    if (m_entries.size() >= m_capacity) {
        const int last = int(m_entries.size()) - 1;
        beginRemoveRows(QModelIndex(), m_capacity - 1, last);
        m_entries.remove(m_capacity - 1, m_entries.size() - (m_capacity - 1));
        endRemoveRows();
    }
    beginInsertRows(QModelIndex(), 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
}

ComposerEntry ComposerHistoryModel::entry(int row) const
{
    return row >= 0 && row < m_entries.size() ? m_entries.at(row) : ComposerEntry();
}

void ComposerHistoryModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

void ComposerHistoryModel::load(const QString &key)
{
    beginResetModel();
    m_entries.clear();
    const QVariantList list = QSettings().value(key).toList();
    for (const QVariant &v : list) {
        if (m_entries.size() >= m_capacity)
            break;
        m_entries.append(ComposerEntry::fromVariant(v));
    }
    endResetModel();
}

void ComposerHistoryModel::save(const QString &key) const
{
    QVariantList list;
    for (const ComposerEntry &e : m_entries)
        list.append(e.toVariant());
    QSettings().setValue(key, list);
}

int ComposerHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ComposerHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size() || index.column() != 0)
        return {};
    const ComposerEntry &e = m_entries.at(index.row());
    if (role == Qt::DisplayRole) {
        QString text = e.body.left(kPreviewChars * 2).simplified();
        if (text.size() > kPreviewChars)
            text = text.left(kPreviewChars) + QChar(0x2026);
        return QStringLiteral("[%1] %2").arg(ComposerEntry::formatLabel(e.format), text);
    }
    if (role == Qt::ToolTipRole)
        return e.body.left(2000);
    return {};
}

} // namespace wslens::ui
