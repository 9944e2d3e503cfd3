#include "filter/filterrunner.h"

#include <QElapsedTimer>
#include <QMetaObject>

namespace wslens::ui {

FilterRunner::FilterRunner(const CaptureSource *source, QObject *parent)
    : QObject(parent)
    , m_source(source)
    , m_generation(std::make_shared<std::atomic<quint64>>(0))
{
    m_pool.setMaxThreadCount(1); // jobs run in the order they were queued
    m_pool.setExpiryTimeout(-1);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, [this] { applyNow(m_pending); });
}

FilterRunner::~FilterRunner()
{
    m_generation->fetch_add(1); // cancel whatever runs
    m_pool.clear();
    m_pool.waitForDone();
}

void FilterRunner::setCriteria(const FilterCriteria &criteria)
{
    m_pending = criteria;
    m_debounce.start();
}

void FilterRunner::applyNow(const FilterCriteria &criteria)
{
    m_debounce.stop();
    m_pending = criteria;
    m_criteria = criteria;
    m_generation->fetch_add(1); // queued jobs of the old filter return at once
    if (criteria.isEmpty()) {
        m_active = false;
        m_matcher.reset();
        emit filterCleared();
        return;
    }
    auto matcher = std::make_shared<const FrameMatcher>(criteria);
    if (!matcher->isValid()) {
        emit invalidFilter(matcher->errorString());
        return; // keep showing the previous result
    }
    m_matcher = std::move(matcher);
    m_active = true;
    startFull();
}

void FilterRunner::startFull()
{
    m_covered = m_source->frameCount();
    runJob(0, m_covered, true);
}

void FilterRunner::onFramesAppended(qsizetype first, qsizetype count)
{
    if (!m_active)
        return;
    const qsizetype end = first + count;
    if (end <= m_covered)
        return;
    const qsizetype from = qMax(first, m_covered);
    m_covered = end;
    runJob(from, end, false);
}

void FilterRunner::onSourceReset()
{
    m_covered = 0;
    if (m_active) {
        m_generation->fetch_add(1);
        startFull();
    }
}

void FilterRunner::runJob(qsizetype from, qsizetype to, bool full)
{
    const quint64 generation = m_generation->load();
    auto genCounter = m_generation;
    auto matcher = m_matcher;
    const CaptureSource *source = m_source;
    if (m_running++ == 0)
        emit busyChanged(true);
    m_pool.start([this, genCounter, generation, matcher, source, from, to, full] {
        QElapsedTimer timer;
        timer.start();
        auto rows = std::make_shared<Rows>();
        bool cancelled = false;
        const bool needsBytes = matcher->needsBytes();
        qsizetype start = from;
        if (needsBytes) {
            start = source->scanSearchBytes(from, to, [&](qsizetype i, const QByteArray &bytes) {
                if (((i - from) & 4095) == 0 && genCounter->load(std::memory_order_relaxed) != generation) {
                    cancelled = true;
                    return false;
                }
                if (matcher->matchesSummary(source->summary(i)) && matcher->matchesBytes(bytes))
                    rows->push_back(quint32(i));
                return true;
            });
        }
        for (qsizetype i = start; i < to && !cancelled; ++i) {
            if (((i - from) & 4095) == 0 && genCounter->load(std::memory_order_relaxed) != generation) {
                cancelled = true;
                break;
            }
            const FrameFacts s = source->summary(i);
            if (!matcher->matchesSummary(s))
                continue;
            if (needsBytes && !matcher->matchesBytes(source->searchBytes(i)))
                continue;
            rows->push_back(quint32(i));
        }
        const qint64 elapsed = timer.elapsed();
        QMetaObject::invokeMethod(this, [this, rows, cancelled, generation, genCounter, to, full, elapsed] {
            if (--m_running == 0)
                emit busyChanged(false);
            if (cancelled || genCounter->load() != generation)
                return;
            if (full)
                emit filterApplied(rows, to, elapsed);
            else if (!rows->empty())
                emit rowsMatched(rows);
        }, Qt::QueuedConnection);
    });
}

} // namespace wslens::ui
