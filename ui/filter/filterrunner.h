#pragma once

#include "filter/framefilter.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

namespace wslens::ui {

// Computes which frames pass a filter, off the GUI thread. New criteria are
// debounced (setCriteria) or applied at once (applyNow); a newer request
// cancels the running one through an atomic generation counter. Frames
// appended while a filter is active are matched by the same worker, in order.
class FilterRunner : public QObject
{
    Q_OBJECT
public:
    using Rows = std::vector<quint32>;

    explicit FilterRunner(const CaptureSource *source, QObject *parent = nullptr);
    ~FilterRunner() override;

    void setDebounceMs(int ms) { m_debounce.setInterval(ms); }
    // Debounced: applied when the criteria stop changing for the debounce interval.
    void setCriteria(const FilterCriteria &criteria);
    // Applied now; an empty criteria clears the filter.
    void applyNow(const FilterCriteria &criteria);
    FilterCriteria criteria() const { return m_criteria; }
    bool isActive() const { return m_active; }
    bool isBusy() const { return m_running > 0; }

    // Call when the source announced frames [first, first + count).
    void onFramesAppended(qsizetype first, qsizetype count);
    // Call after the source was reset (cleared or replaced).
    void onSourceReset();

signals:
    // A full result: rows (source indexes, ascending) over frames [0, covered).
    void filterApplied(std::shared_ptr<FilterRunner::Rows> rows, qsizetype covered, qint64 elapsedMs);
    // More matches among frames appended since.
    void rowsMatched(std::shared_ptr<FilterRunner::Rows> rows);
    void filterCleared();
    void invalidFilter(const QString &message);
    void busyChanged(bool busy);

private:
    void startFull();
    void runJob(qsizetype from, qsizetype to, bool full);

    const CaptureSource *m_source;
    QThreadPool m_pool;
    QTimer m_debounce;
    FilterCriteria m_criteria;
    FilterCriteria m_pending;
    std::shared_ptr<const FrameMatcher> m_matcher;
    std::shared_ptr<std::atomic<quint64>> m_generation;
    bool m_active = false;
    int m_running = 0;
    qsizetype m_covered = 0; // frames handed to the worker so far
};

} // namespace wslens::ui
