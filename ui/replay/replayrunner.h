#pragma once

// Runs a client replay (core/replay) on a worker thread of its own, so the
// GUI thread only sees progress and the result. Optionally first copies a
// read-only session into a writable store, so runs can be captured next to
// the connections they replay. Cancellation by an atomic flag.

#include "replay/clientreplay.h"
#include "replay/handshakeedit.h"

#include <QHash>
#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace wslens {
class CaptureStore;
}

namespace wslens::ui {

struct ReplayJob
{
    const CaptureStore *source = nullptr; // recordings are read here (any thread may read a store)
    QList<quint64> ids;                   // recorded connections (ids in source)
    replay::ClientReplayOptions options;  // options.capture: where runs are captured (may be null)
    HandshakeEdit handshake;
    // Set: source is first copied into this store, recordings are read from
    // the copy and runs are captured there (options.capture is ignored).
    CaptureStore *copyInto = nullptr;
};

struct ReplayOutcome
{
    replay::ReplayResult result;
    QString error;                 // loading failed (one line); result is empty then
    bool cancelled = false;
    QHash<quint64, quint64> copied; // copyInto: source id -> id in the copy
};

class ReplayRunner : public QObject
{
    Q_OBJECT
public:
    explicit ReplayRunner(QObject *parent = nullptr);
    ~ReplayRunner() override; // cancels and waits

    // False when a run is in progress.
    bool start(const ReplayJob &job);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    void progress(int index, int count);
    void finished(const wslens::ui::ReplayOutcome &outcome);

private:
    void onThreadDone(const ReplayOutcome &outcome);

    std::unique_ptr<QThread> m_thread;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace wslens::ui
