#pragma once

// Our built-in WebSocket test server: ws:// (and wss:// with a
// QSslConfiguration), echo / broadcast / scripted / custom behaviour,
// subprotocol and permessage-deflate negotiation, an Origin allow-list, strict
// RFC 6455 conformance, and capture of every frame (ConnectionMode::LocalServer).
//
// WsServer is a facade living in the caller's thread; sockets live on a worker
// thread it owns. Signals arrive queued in the facade's thread.

#include "endpoints/endpointconnection.h"
#include "endpoints/serverbehaviour.h"
#include "protocol/violation.h"
#include "store/capturerecords.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

namespace wslens::endpoints {

class ServerWorker;

struct ServerOptions
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0;                       // 0: the OS picks a free port
    BehaviourFactory behaviour;             // unset: echo
    QList<QByteArray> subprotocols;         // accepted, in preference order
    bool deflate = true;                    // accept permessage-deflate offers
    QList<QByteArray> allowedOrigins;       // empty: any Origin
    ConnectionSettings connection;          // limits, ping answering, close timeout (localRole is forced to Server)
    int handshakeTimeoutMs = 10000;
    CaptureSink *capture = nullptr;         // not owned; must outlive the server
    std::optional<QSslConfiguration> tls;   // set: wss:// (server certificate and key)
};

class WsServer : public QObject
{
    Q_OBJECT
public:
    explicit WsServer(QObject *parent = nullptr);
    ~WsServer() override; // stop()

    // Starts the worker thread and listens. Blocks until listening (or failed).
    bool listen(const ServerOptions &options, QString *error = nullptr);
    // Closes every connection and the listening socket; joins the thread.
    void stop();

    bool isListening() const { return m_worker != nullptr; }
    QHostAddress serverAddress() const { return m_address; }
    quint16 serverPort() const { return m_port; }
    // "ws://127.0.0.1:port"
    QString url() const;
    int connectionCount() const { return m_connections.load(); }

    // Into a live connection (ids from connectionOpened); any thread.
    void sendMessage(quint64 connection, quint8 opcode, const QByteArray &data);
    void sendRaw(quint64 connection, const QByteArray &bytes);
    void closeConnection(quint64 connection, int code = 1000, const QByteArray &reason = QByteArray());

Q_SIGNALS:
    void connectionOpened(quint64 connection, const wslens::ConnectionInfo &info);
    void messageReceived(quint64 connection, quint8 opcode, const QByteArray &data);
    void violationDetected(quint64 connection, wslens::Violation violation, quint16 closeCode);
    // peerCode/localCode: close codes received / sent (-1 none).
    void connectionClosed(quint64 connection, int peerCode, int localCode, const QString &error);
    void handshakeRejected(const QString &peer, const QString &reason);

private:
    std::unique_ptr<QThread> m_thread;
    ServerWorker *m_worker = nullptr; // lives in m_thread
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_tls = false;
    std::atomic<int> m_connections{0};
    friend class ServerWorker;
};

} // namespace wslens::endpoints
