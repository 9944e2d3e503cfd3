#pragma once

// WsServer's worker: owns the listening socket and the connections, on the
// server thread. Internal to core/endpoints.

#include "endpoints/serverbehaviour.h"
#include "endpoints/wsserver.h"

#include <QHash>
#include <QObject>
#include <QTcpServer>

class QSemaphore;
class QTimer;

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
    // closed: released once closeAll() is done (not owned; outlives the worker).
    ServerWorker(const ServerOptions &options, std::atomic<int> *counter, QSemaphore *closed);
    ~ServerWorker() override;

    bool listen(QString *error);
    QHostAddress address() const;
    quint16 port() const;
    // Graceful: stops listening, drops handshakes in progress, sends every open
    // connection a close (1001), and once they all closed or graceMs passed
    // aborts the rest; then allClosed() and the semaphore.
    void closeAll(int graceMs);
    // At once: closes the listening socket and aborts every connection.
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
    void allClosed();

private:
    void accept(qintptr handle);
    void upgraded(ServerHandshake *handshake);
    void forget(quint64 id, EndpointConnection *connection, const QString &error);
    void finishClosing();

    ServerOptions m_options;
    std::atomic<int> *m_counter;
    QSemaphore *m_closed;
    ListenSocket *m_listener;
    QTimer *m_graceTimer;
    std::unique_ptr<ServerBehaviour> m_behaviour;
    QHash<quint64, EndpointConnection *> m_connections;
    QList<quint64> m_order;
    quint64 m_nextId = 1;
    bool m_closing = false;       // closeAll() under way: no new connections
    bool m_closedAll = false;     // closeAll() finished
    bool m_shuttingDown = false;
};

} // namespace wslens::endpoints
