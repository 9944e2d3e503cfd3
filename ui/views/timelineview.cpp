#include "views/timelineview.h"

#include "models/timelinemodel.h"

#include <QFontMetrics>
#include <QHeaderView>
#include <QScrollBar>

namespace wslens::ui {

TimelineView::TimelineView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("timeline"));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setShowGrid(false);
    setWordWrap(false);
    setCornerButtonEnabled(false);
    setAlternatingRowColors(true);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    setTextElideMode(Qt::ElideRight);
    QHeaderView *vh = verticalHeader();
    vh->setVisible(false);
    vh->setSectionResizeMode(QHeaderView::Fixed);
    vh->setDefaultSectionSize(fontMetrics().height() + 6);
    vh->setMinimumSectionSize(1);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionsMovable(true);
    horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

void TimelineView::setModel(QAbstractItemModel *model)
{
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QTableView::setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, &TimelineView::beforeInsert);
        connect(model, &QAbstractItemModel::rowsInserted, this, &TimelineView::afterInsert);
        applyDefaultColumnWidths();
    }
}

void TimelineView::applyDefaultColumnWidths()
{
    const QFontMetrics fm(font());
    const auto w = [&fm](const char *sample) { return fm.horizontalAdvance(QLatin1String(sample)) + 16; };
    QHeaderView *h = horizontalHeader();
    h->resizeSection(TimelineModel::SeqColumn, w("10000000"));
    h->resizeSection(TimelineModel::TimeColumn, w("00:00:00.000000"));
    h->resizeSection(TimelineModel::ConnectionColumn, w("Conn0"));
    h->resizeSection(TimelineModel::DirectionColumn, w("Dir"));
    h->resizeSection(TimelineModel::TypeColumn, w("binary"));
    h->resizeSection(TimelineModel::FlagsColumn, w("FIN RSV1"));
    h->resizeSection(TimelineModel::LengthColumn, w("1000000"));
    h->resizeSection(TimelineModel::MarkColumn, w("!!"));
}

bool TimelineView::isFollowingTail() const
{
    const QScrollBar *bar = verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum();
    const bool userSelected = selectionModel() && selectionModel()->hasSelection();
    return m_autoScroll && atBottom && !userSelected;
}

void TimelineView::beforeInsert()
{
    m_follow = isFollowingTail();
}

void TimelineView::afterInsert()
{
    if (m_follow)
        scrollToBottom();
}

} // namespace wslens::ui
