#pragma once

#include "filter/framefilter.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace wslens::ui {

// The row of filter controls above the timeline. Emits the criteria whenever
// a control changes; typing is debounced by the FilterRunner, toggles apply
// at once (criteriaChanged's second argument says which).
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    FilterCriteria criteria() const;
    // Connections come from the connection list's selection.
    void setConnections(const QSet<quint64> &ids);
    void setStatus(const QString &text, bool error = false);
    void focusSearch();
    void reset();

    QLineEdit *searchEdit() const { return m_search; }

signals:
    void criteriaChanged(const wslens::ui::FilterCriteria &criteria, bool typing);
    void nextRequested();
    void previousRequested();

private:
    void emitChanged(bool typing);

    QSet<quint64> m_connections;
    QLineEdit *m_search;
    QToolButton *m_regex;
    QToolButton *m_case;
    QComboBox *m_direction;
    QToolButton *m_text;
    QToolButton *m_binary;
    QToolButton *m_control;
    QToolButton *m_hidePing;
    QToolButton *m_violations;
    QToolButton *m_edited;
    QLabel *m_status;
};

} // namespace wslens::ui
