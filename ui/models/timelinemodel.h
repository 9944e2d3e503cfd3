#pragma once

#include "data/capturesource.h"

#include <QAbstractTableModel>
#include <QTimer>

#include <memory>
#include <vector>

namespace wslens::ui {

// The frame timeline: a flat table over the capture's index. Rows are either
// every frame (no filter) or a vector of source indexes computed by the
// FilterRunner. Appends are queued and inserted at most once per screen
// refresh with a single beginInsertRows/endInsertRows; display text is built
// in data() for the rows the view asks about, never stored per row.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeqColumn, TimeColumn, ConnectionColumn, DirectionColumn, TypeColumn,
                  FlagsColumn, LengthColumn, MarkColumn, PreviewColumn, ColumnCount };
    enum Role { SourceIndexRole = Qt::UserRole + 1, ConnectionIdRole, OpcodeRole, ViolationRole };

    explicit TimelineModel(QObject *parent = nullptr);
    ~TimelineModel() override;

    void setSource(CaptureSource *source);
    CaptureSource *source() const { return m_source; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Source index of a row, or -1.
    qsizetype sourceIndex(int row) const;
    // Row showing a source index, or -1 when it is filtered out or not inserted yet.
    int rowForSourceIndex(qsizetype sourceIndex) const;
    bool isFiltered() const { return m_filtered; }

    // Filter results (from FilterRunner).
    void setFilteredRows(std::vector<quint32> rows, qsizetype covered);
    void appendFilteredRows(const std::vector<quint32> &rows);
    void clearFilter();

    // Inserts queued rows now (tests and benchmarks; normally a timer does it).
    void flushPending();
    void setFlushIntervalMs(int ms) { m_flushTimer.setInterval(ms); }
    qsizetype pendingCount() const;

signals:
    // Emitted after each batch insert with the number of rows added.
    void rowsAppended(int count);

private:
    void onFramesAppended(qsizetype first, qsizetype count);
    void onSourceReset();
    void scheduleFlush();
    QString displayText(qsizetype src, int column) const;

    CaptureSource *m_source = nullptr;
    bool m_filtered = false;
    // unfiltered: rows [0, m_count) are frames [0, m_count); m_sourceCount frames known
    qsizetype m_count = 0;
    qsizetype m_sourceCount = 0;
    // filtered
    std::vector<quint32> m_rows;
    std::vector<quint32> m_pendingRows;
    QTimer m_flushTimer;
};

} // namespace wslens::ui
