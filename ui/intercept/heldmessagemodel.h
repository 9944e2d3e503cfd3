#pragma once

#include "intercept/interceptor.h"

#include <QAbstractTableModel>
#include <QList>

namespace wslens::ui {

// The messages a breakpoint holds, oldest first: a flat table fed by the
// Interceptor's messageHeld / heldReleased signals.
class HeldMessageModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, ConnectionColumn, DirectionColumn, TypeColumn, SizeColumn, PreviewColumn, ColumnCount };

    explicit HeldMessageModel(QObject *parent = nullptr);

    // Follows interceptor (null: empty). Takes what it holds right now.
    void setInterceptor(intercept::Interceptor *interceptor);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const intercept::HeldMessage *message(int row) const;
    int rowForId(quint64 id) const;

    void add(const intercept::HeldMessage &message);
    void remove(quint64 id);

private:
    QList<intercept::HeldMessage> m_messages;
    QMetaObject::Connection m_held;
    QMetaObject::Connection m_released;
};

} // namespace wslens::ui
