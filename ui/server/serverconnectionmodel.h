#pragma once

// The open connections of the Server panel's test server: one row each (id,
// peer, path, opened, messages received), removed when it closes. A flat
// model over a small vector; servers in a test harness have few connections.

#include "store/capturerecords.h"

#include <QAbstractTableModel>
#include <QDateTime>

#include <vector>

namespace wslens::ui {

class ServerConnectionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, PeerColumn, PathColumn, OpenedColumn, MessagesColumn, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1; // quint64 server connection id

    struct Row
    {
        quint64 id = 0;
        QString peer;
        QString path;
        QString url;
        QDateTime opened;
        quint64 messages = 0;
    };

    using QAbstractTableModel::QAbstractTableModel;

    void add(quint64 id, const ConnectionInfo &info);
    void remove(quint64 id);
    void countMessage(quint64 id);
    void clear();

    const std::vector<Row> &rows() const { return m_rows; }
    // -1 when not open.
    int rowOf(quint64 id) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<Row> m_rows;
};

} // namespace wslens::ui
