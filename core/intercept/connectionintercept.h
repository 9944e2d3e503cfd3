#pragma once

#include "intercept/interceptor.h"
#include "intercept/streaminterceptor.h"

#include <QObject>

#include <functional>
#include <map>
#include <memory>

namespace wslens::intercept {

class Interceptor;

// Both directions of one live connection, on the thread that owns its
// sockets (a relay worker). Attaches to the shared Interceptor, which posts
// rule changes, held-queue decisions and injections here; what is to be sent
// goes to the writer (capture + socket write) in order.
class ConnectionIntercept : public QObject
{
    Q_OBJECT
public:
    struct Setup
    {
        quint64 connectionId = 0;
        QString url;
        QString host;
        bool deflate = false;
        pmd::DeflateAgreement agreement;
        quint64 maxFrameSize = quint64(64) << 20;
        quint64 maxMessageSize = quint64(16) << 20;
        quint64 maxDecompressedSize = quint64(64) << 20;
        quint64 maxPendingBytes = quint64(8) << 20; // per direction, behind held messages
    };
    using Writer = std::function<void(Direction direction, OutputItem &&item)>;
    // Called when a direction that was backlogged() may take more input.
    using Resume = std::function<void(Direction direction)>;

    // owner must outlive this object.
    ConnectionIntercept(Interceptor *owner, const Setup &setup, Writer writer);
    ~ConnectionIntercept() override; // detaches; held messages vanish without records (call close() first)

    quint64 connectionId() const { return m_setup.connectionId; }
    // More than maxPendingBytes wait in this direction (behind a held message):
    // stop reading its sender until resume is called.
    bool backlogged(Direction direction) const;
    void setResume(Resume resume) { m_resume = std::move(resume); }
    // The next chunk read from one side. true: send the chunk as it is;
    // false: what to send (if anything) went to the writer.
    bool process(Direction direction, const QByteArray &chunk);
    // The connection ends: held and queued messages are recorded as dropped
    // (writer items without bytes) and the held queue forgets them.
    void close();

private:
    friend class Interceptor;
    void applySettings(std::shared_ptr<const RuleSet> rules, bool enabled);
    void applyForward(quint64 id, std::optional<QByteArray> edited, int fragments);
    void applyDrop(quint64 id);
    void applyForwardAll();
    void applyInject(Direction direction, InterceptMessage message);

    void deliver(Direction direction, Output &out);
    void releaseEverything(Direction direction, HeldOutcome outcome);
    void reportHeld(Direction direction);
    StreamInterceptor &stream(Direction d) { return *m_streams[d == Direction::ClientToServer ? 0 : 1]; }

    Interceptor *m_owner;
    Setup m_setup;
    Writer m_writer;
    Resume m_resume;
    std::unique_ptr<StreamInterceptor> m_streams[2];
    std::map<quint64, Direction> m_held;
    bool m_closed = false;
    bool m_closePending = false;
    int m_busy = 0;
};

} // namespace wslens::intercept
