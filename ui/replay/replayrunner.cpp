#include "replay/replayrunner.h"

#include "replay/sessioncopy.h"
#include "store/capturestore.h"

#include <QEventLoop>
#include <QThread>
#include <QTimer>

namespace wslens::ui {

namespace {
constexpr int kCancelPollMs = 30;

// On the worker thread: everything from loading to the compared result.
ReplayOutcome runJob(ReplayJob job, const std::atomic<bool> &cancel, ReplayRunner *runner)
{
    ReplayOutcome outcome;
    const CaptureStore *source = job.source;
    QList<quint64> ids = job.ids;
    if (job.copyInto) {
        outcome.copied = replay::copySession(*job.source, *job.copyInto);
        job.copyInto->flush();
        source = job.copyInto;
        for (quint64 &id : ids)
            id = outcome.copied.value(id, 0);
        job.options.capture = job.copyInto;
        job.options.captureIds.clear();
    }
    if (cancel.load()) {
        outcome.cancelled = true;
        return outcome;
    }
    QList<replay::RecordedConnection> recordings;
    if (!replay::loadRecordings(*source, ids, &recordings, &outcome.error))
        return outcome;
    applyHandshakeEdit(job.handshake, &recordings, &job.options);

    QEventLoop loop;
    replay::ClientReplay replay;
    QObject::connect(&replay, &replay::ClientReplay::finished, &loop, &QEventLoop::quit);
    QObject::connect(&replay, &replay::ClientReplay::connectionStarted, runner,
                     [runner](int index, int count) { emit runner->progress(index, count); });
    QTimer poll;
    poll.setInterval(kCancelPollMs);
    QObject::connect(&poll, &QTimer::timeout, &replay, [&replay, &cancel, &poll, &outcome] {
        if (cancel.load()) {
            poll.stop();
            outcome.cancelled = true;
            replay.cancel();
        }
    });
    poll.start();
    bool done = false;
    QObject::connect(&replay, &replay::ClientReplay::finished, &loop, [&done] { done = true; });
    replay.start(recordings, job.options);
    if (!done)
        loop.exec();
    outcome.result = replay.result();
    if (job.copyInto)
        job.copyInto->flush(); // the runs are readable before the window shows the copy
    return outcome;
}
} // namespace

ReplayRunner::ReplayRunner(QObject *parent)
    : QObject(parent)
{
}

ReplayRunner::~ReplayRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

bool ReplayRunner::start(const ReplayJob &job)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const std::shared_ptr<std::atomic<bool>> cancel = m_cancel;
    m_thread.reset(QThread::create([job, cancel, this] {
        const ReplayOutcome outcome = runJob(job, *cancel, this);
        QMetaObject::invokeMethod(this, [this, outcome] { onThreadDone(outcome); }, Qt::QueuedConnection);
    }));
    m_thread->setObjectName(QStringLiteral("wslens-replay"));
    m_thread->start();
    return true;
}

void ReplayRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ReplayRunner::onThreadDone(const ReplayOutcome &outcome)
{
    if (m_thread) {
        m_thread->wait();
        m_thread.reset();
    }
    emit finished(outcome);
}

} // namespace wslens::ui
