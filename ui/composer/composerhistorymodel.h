#pragma once

// The composer's last sent messages, newest first (at most capacity; sending
// the newest one again does not add a row). Loaded from and saved to
// QSettings so the history survives a restart.

#include "composer/composerentry.h"

#include <QAbstractListModel>

namespace wslens::ui {

class ComposerHistoryModel : public QAbstractListModel
{
    Q_OBJECT
public:
    static constexpr int kDefaultCapacity = 50;
    static constexpr int kPreviewChars = 100;

    explicit ComposerHistoryModel(QObject *parent = nullptr, int capacity = kDefaultCapacity);

    void add(const ComposerEntry &entry);
    ComposerEntry entry(int row) const;
    void clear();
    int capacity() const { return m_capacity; }

    // QSettings under key (list of entries, newest first).
    void load(const QString &key = QStringLiteral("composer/history"));
    void save(const QString &key = QStringLiteral("composer/history")) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    QList<ComposerEntry> m_entries;
    int m_capacity;
};

} // namespace wslens::ui
