#pragma once

// The compared server messages of a replay result, one row per message
// (every replayed connection, in order): connection, index, verdict, and
// previews of the expected and the received message. Optionally only the
// messages that did not match.

#include "replay/clientreplay.h"

#include <QAbstractTableModel>

#include <vector>

namespace wslens::ui {

class ReplayResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ConnectionColumn, IndexColumn, VerdictColumn, ExpectedColumn, ReceivedColumn, ColumnCount };
    static constexpr int kPreviewChars = 120;

    explicit ReplayResultModel(QObject *parent = nullptr);

    void setResult(const replay::ReplayResult &result);
    const replay::ReplayResult &result() const { return m_result; }
    void setDifferencesOnly(bool on);
    bool differencesOnly() const { return m_differencesOnly; }

    // The message shown in row (nullptr for an invalid row).
    const replay::MessageResult *message(int row) const;
    const replay::ConnectionReplayResult *connection(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        int connection = 0;
        int message = 0;
    };
    void rebuild();

    replay::ReplayResult m_result;
    std::vector<Row> m_rows;
    bool m_differencesOnly = false;
};

QString messagePreview(const replay::ComparedMessage &message, int maxChars);

} // namespace wslens::ui
