#pragma once

#include "data/capturesource.h"

#include <QHash>
#include <QReadWriteLock>

#include <atomic>
#include <vector>

namespace wslens::ui {

// A capture kept entirely in RAM. It is a CaptureSink (any thread may append)
// and a CaptureSource (the GUI reads it). New frames are announced in one
// framesAppended() per event-loop turn, never one signal per frame.
// Used by tests, the demo and benchmarks; the real capture uses the store.
class MemoryCapture final : public CaptureSource, public CaptureSink
{
    Q_OBJECT
public:
    explicit MemoryCapture(QObject *parent = nullptr);
    ~MemoryCapture() override;

    // CaptureSink (thread-safe)
    quint64 openConnection(const ConnectionInfo &info) override;
    void updateConnection(const ConnectionInfo &info) override;
    void appendFrame(FrameRecord &&frame) override;

    // CaptureSource
    qsizetype frameCount() const override;
    FrameFacts summary(qsizetype index) const override;
    QByteArray preview(qsizetype index, int maxBytes) const override;
    QByteArray searchBytes(qsizetype index) const override;
    std::optional<FrameRecord> frame(qsizetype index) const override;
    QList<ConnectionInfo> connections() const override;
    std::optional<ConnectionInfo> connection(quint64 id) const override;

    // Drops everything (GUI thread).
    void clear();
    // Publishes pending frames now instead of at the next event-loop turn.
    void flush();

    static FrameFacts summarize(const FrameRecord &record);

private:
    void schedulePublish();
    void publish();

    mutable QReadWriteLock m_lock;
    std::vector<FrameFacts> m_summaries;
    std::vector<FrameRecord> m_records;
    QList<ConnectionInfo> m_connections;
    QHash<quint64, qsizetype> m_connectionIndex;
    quint64 m_nextConnectionId = 1;
    qsizetype m_published = 0; // GUI thread only
    std::atomic<bool> m_publishQueued{false};
    QList<quint64> m_changedConnections; // under m_lock
};

} // namespace wslens::ui
