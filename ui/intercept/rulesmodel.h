#pragma once

#include "intercept/rule.h"

#include <QAbstractTableModel>

#include <functional>

namespace wslens::ui {

// The intercept rules as an editable table (the rules editor). Plain data:
// the dialog compiles and applies the list; hit counts come from a callback.
class RulesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        EnabledColumn,
        ActionColumn,
        DirectionColumn,
        MatchColumn,
        ReplaceColumn,
        HexColumn,
        ReplaceHexColumn,
        OpcodeColumn,
        UrlColumn,
        HostColumn,
        NameColumn,
        HandshakeColumn, // "" (messages), "request" or "response": a handshake breakpoint
        HitsColumn,
        ColumnCount
    };

    explicit RulesModel(QObject *parent = nullptr);

    void setRules(const intercept::RuleList &rules);
    const intercept::RuleList &rules() const { return m_rules; }
    // hits(row) for the Hits column; rows past the applied list show nothing.
    void setHitSource(std::function<qint64(int row)> hits);
    void refreshHits();

    int insertRule(int row, const intercept::Rule &rule);
    void removeRule(int row);
    // Moves row by delta (-1 up, +1 down); returns the new row.
    int moveRule(int row, int delta);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void rulesEdited();

private:
    intercept::RuleList m_rules;
    std::function<qint64(int)> m_hits;
};

} // namespace wslens::ui
