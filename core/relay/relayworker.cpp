#include "relay/relayworker.h"

namespace wslens::relay {

RelayWorker::RelayWorker(std::shared_ptr<const SessionContext> context)
    : m_context(std::move(context))
{
}

RelayWorker::~RelayWorker()
{
    shutdownAll();
}

void RelayWorker::adopt(qintptr descriptor)
{
    auto *session = new RelaySession(descriptor, m_context, this);
    if (!session->isValid()) {
        delete session;
        return;
    }
    m_sessions.insert(session);
    connect(session, &RelaySession::connectionOpened, this, &RelayWorker::connectionOpened);
    connect(session, &RelaySession::connectionClosed, this, &RelayWorker::connectionClosed);
    connect(session, &RelaySession::traffic, this, &RelayWorker::traffic);
    connect(session, &RelaySession::finished, this, &RelayWorker::onFinished, Qt::QueuedConnection);
}

void RelayWorker::onFinished(RelaySession *session)
{
    if (m_sessions.erase(session))
        delete session;
}

void RelayWorker::shutdownAll()
{
    const auto sessions = m_sessions;
    for (RelaySession *s : sessions)
        s->shutdown();
    for (RelaySession *s : sessions)
        delete s;
    m_sessions.clear();
}

} // namespace wslens::relay
