#include "server/serverconnectionmodel.h"

#include <algorithm>

namespace wslens::ui {

void ServerConnectionModel::add(quint64 id, const ConnectionInfo &info)
{
    if (rowOf(id) >= 0)
        return;
    Row row;
    row.id = id;
    row.peer = info.clientEndpoint;
    row.path = QString::fromLatin1(info.requestTarget);
    row.url = info.url;
    row.opened = info.openedUs > 0 ? QDateTime::fromMSecsSinceEpoch(info.openedUs / 1000) : QDateTime::currentDateTime();
    const int at = int(m_rows.size());
    beginInsertRows(QModelIndex(), at, at);
    m_rows.push_back(std::move(row));
    endInsertRows();
}

void ServerConnectionModel::remove(quint64 id)
{
    const int at = rowOf(id);
    if (at < 0)
        return;
    beginRemoveRows(QModelIndex(), at, at);
    m_rows.erase(m_rows.begin() + at);
    endRemoveRows();
}

void ServerConnectionModel::countMessage(quint64 id)
{
    const int at = rowOf(id);
    if (at < 0)
        return;
    ++m_rows[size_t(at)].messages;
    const QModelIndex cell = index(at, MessagesColumn);
    Q_EMIT dataChanged(cell, cell, {Qt::DisplayRole});
}

void ServerConnectionModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int ServerConnectionModel::rowOf(quint64 id) const
{
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [id](const Row &row) { return row.id == id; });
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

int ServerConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ServerConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ServerConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    if (role == IdRole)
        return QVariant::fromValue(row.id);
    if (role == Qt::TextAlignmentRole && (index.column() == IdColumn || index.column() == MessagesColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return row.url;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case IdColumn: return QString::number(row.id);
    case PeerColumn: return row.peer;
    case PathColumn: return row.path;
    case OpenedColumn: return row.opened.toString(QStringLiteral("HH:mm:ss"));
    case MessagesColumn: return QString::number(row.messages);
    case ColumnCount: break;
    }
    return {};
}

QVariant ServerConnectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case IdColumn: return tr("#");
    case PeerColumn: return tr("Peer");
    case PathColumn: return tr("Path");
    case OpenedColumn: return tr("Opened");
    case MessagesColumn: return tr("Messages");
    case ColumnCount: break;
    }
    return {};
}

} // namespace wslens::ui
