#include "relay/relaylistener.h"

#include <QTimer>

#include <sys/resource.h>

namespace wslens::relay {

RelayListener::RelayListener(std::function<void(qintptr)> dispatch, QObject *parent)
    : QTcpServer(parent)
    , m_dispatch(std::move(dispatch))
{
    connect(this, &QTcpServer::acceptError, this, &RelayListener::onAcceptError);
}

void RelayListener::onAcceptError(QAbstractSocket::SocketError error)
{
    // QTcpServer has paused accepting; the backlog keeps the waiting clients.
    if (!m_resumeScheduled) {
        m_resumeScheduled = true;
        QTimer::singleShot(kResumeMs, this, [this] {
            m_resumeScheduled = false;
            if (isListening())
                resumeAccepting();
        });
    }
    if (m_lastReport.isValid() && m_lastReport.elapsed() < kReportMs)
        return;
    m_lastReport.start();
    if (error == QAbstractSocket::SocketResourceError) {
        rlimit limit{};
        getrlimit(RLIMIT_NOFILE, &limit);
        Q_EMIT problem(QStringLiteral("out of file descriptors (limit %1, each relayed connection needs 2): new "
                                      "connections wait until others close; raise the limit with 'ulimit -n'")
                           .arg(qulonglong(limit.rlim_cur)));
    } else {
        Q_EMIT problem(QStringLiteral("accepting a connection failed (socket error %1); retrying").arg(int(error)));
    }
}

} // namespace wslens::relay
