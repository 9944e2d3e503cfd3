#pragma once

#include <QElapsedTimer>
#include <QTcpServer>

#include <functional>

namespace wslens::relay {

// Accepts connections on the listener thread and hands each descriptor to
// dispatch() (round-robin over the workers); never touches the sockets.
//
// Out of descriptors (EMFILE/ENFILE): QTcpServer stops accepting for good
// after such an error. The listener instead waits kResumeMs and accepts again
// (the waiting clients stay in the kernel's backlog), and reports it through
// problem() at most every kReportMs.
class RelayListener : public QTcpServer
{
    Q_OBJECT
public:
    static constexpr int kResumeMs = 100;
    static constexpr int kReportMs = 5000;

    explicit RelayListener(std::function<void(qintptr)> dispatch, QObject *parent = nullptr);

Q_SIGNALS:
    void problem(const QString &message);

protected:
    void incomingConnection(qintptr descriptor) override { m_dispatch(descriptor); }

private:
    void onAcceptError(QAbstractSocket::SocketError error);

    std::function<void(qintptr)> m_dispatch;
    QElapsedTimer m_lastReport;
    bool m_resumeScheduled = false;
};

} // namespace wslens::relay
