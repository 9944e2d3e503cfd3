#pragma once

#include <QTcpServer>

#include <functional>

namespace wslens::relay {

// Accepts connections on the listener thread and hands each descriptor to
// dispatch() (round-robin over the workers); never touches the sockets.
class RelayListener : public QTcpServer
{
    Q_OBJECT
public:
    explicit RelayListener(std::function<void(qintptr)> dispatch, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_dispatch(std::move(dispatch))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_dispatch(descriptor); }

private:
    std::function<void(qintptr)> m_dispatch;
};

} // namespace wslens::relay
