#pragma once

// WsServer's worker: owns the listening socket and the connections, on the
// server thread. Internal to core/endpoints.

#include "endpoints/serverbehaviour.h"
#include "endpoints/wsserver.h"

#include <QHash>
#include <QObject>
#include <QTcpServer>

namespace wslens::endpoints {

class ServerHandshake;

class ListenSocket : public QTcpServer
{
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;
    std::function<void(qintptr)> onIncoming;

protected:
    void incomingConnection(qintptr handle) override
    {
        if (onIncoming)
            onIncoming(handle);
    }
};

class ServerWorker : public QObject, public ServerContext
{
    Q_OBJECT
public:
    ServerWorker(const ServerOptions &options, std::atomic<int> *counter);
    ~ServerWorker() override;

    bool listen(QString *error);
    QHostAddress address() const;
    quint16 port() const;
    void shutdown();

    void sendMessage(quint64 connection, quint8 opcode, const QByteArray &data);
    void sendRaw(quint64 connection, const QByteArray &bytes);
    void closeConnection(quint64 connection, int code, const QByteArray &reason);

    // ServerContext
    QList<EndpointConnection *> connections() const override;

Q_SIGNALS:
    void connectionOpened(quint64 connection, const wslens::ConnectionInfo &info);
    void messageReceived(quint64 connection, quint8 opcode, const QByteArray &data);
    void violationDetected(quint64 connection, wslens::Violation violation, quint16 closeCode);
    void connectionClosed(quint64 connection, int peerCode, int localCode, const QString &error);
    void handshakeRejected(const QString &peer, const QString &reason);

private:
    void accept(qintptr handle);
    void upgraded(ServerHandshake *handshake);

    ServerOptions m_options;
    std::atomic<int> *m_counter;
    ListenSocket *m_listener;
    std::unique_ptr<ServerBehaviour> m_behaviour;
    QHash<quint64, EndpointConnection *> m_connections;
    QList<quint64> m_order;
    quint64 m_nextId = 1;
    bool m_shuttingDown = false;
};

} // namespace wslens::endpoints
