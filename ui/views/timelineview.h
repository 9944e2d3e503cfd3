#pragma once

#include <QTableView>

namespace wslens::ui {

// A QTableView tuned for millions of rows: fixed, uniform row heights and no
// per-row sizing. It follows the tail while it is scrolled to the bottom and
// the user has not selected anything; it never jumps otherwise.
class TimelineView : public QTableView
{
    Q_OBJECT
public:
    explicit TimelineView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    void setAutoScroll(bool on) { m_autoScroll = on; }
    bool autoScrollEnabled() const { return m_autoScroll; }
    bool isFollowingTail() const;
    // Sensible default column widths for the timeline columns.
    void applyDefaultColumnWidths();

private:
    void beforeInsert();
    void afterInsert();

    bool m_autoScroll = true;
    bool m_follow = false;
};

} // namespace wslens::ui
