#pragma once

#include "data/capturesource.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QTimer>

namespace wslens::ui {

// One row per captured connection. Frame and byte counts are kept up to date
// from the source's batched appends; changed rows are refreshed a few times a
// second at most.
class ConnectionModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, UrlColumn, ModeColumn, StateColumn, FramesColumn, BytesColumn,
                  DurationColumn, CloseColumn, ErrorColumn, ColumnCount };
    enum Role { ConnectionIdRole = Qt::UserRole + 1 };

    explicit ConnectionModel(QObject *parent = nullptr);

    void setSource(CaptureSource *source);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    quint64 connectionId(int row) const;
    int rowForConnection(quint64 id) const;
    ConnectionInfo info(int row) const;
    int openConnections() const;
    // Applies pending row refreshes now (tests).
    void flushPending();

    static QString stateText(const ConnectionInfo &info);

private:
    struct Stats { quint64 frames = 0; quint64 bytes = 0; };
    void onConnectionChanged(quint64 id);
    void onFramesAppended(qsizetype first, qsizetype count);
    void reload();
    void countFrames(qsizetype first, qsizetype count);

    CaptureSource *m_source = nullptr;
    QList<ConnectionInfo> m_connections;
    QHash<quint64, int> m_rowById;
    QHash<quint64, Stats> m_stats;
    QSet<int> m_dirtyRows;
    QTimer m_refresh;
};

} // namespace wslens::ui
