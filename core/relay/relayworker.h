#pragma once

#include "relay/relaysession.h"

#include <QObject>

#include <memory>
#include <unordered_set>

namespace wslens::relay {

// Owns the sessions of one relay thread. Lives in (and is only used from) its
// QThread; the listener hands it accepted descriptors with a queued call.
class RelayWorker : public QObject
{
    Q_OBJECT
public:
    explicit RelayWorker(std::shared_ptr<const SessionContext> context);
    ~RelayWorker() override;

    // Takes ownership of an accepted socket descriptor (worker thread only).
    void adopt(qintptr descriptor);
    // Closes every session now (worker thread only).
    void shutdownAll();
    int sessionCount() const { return int(m_sessions.size()); }

Q_SIGNALS:
    void connectionOpened(quint64 id, const QString &url, const QString &client);
    void connectionClosed(quint64 id, const QString &url, const QString &detail);
    void traffic(const QString &line);

private:
    void onFinished(RelaySession *session);

    std::shared_ptr<const SessionContext> m_context;
    std::unordered_set<RelaySession *> m_sessions;
};

} // namespace wslens::relay
