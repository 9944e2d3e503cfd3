#pragma once

// Our built-in WebSocket test server: ws:// (and wss:// with a
// QSslConfiguration), echo / broadcast / scripted / custom behaviour,
// subprotocol and permessage-deflate negotiation, an Origin allow-list, strict
// RFC 6455 conformance, and capture of every frame (ConnectionMode::LocalServer).
//
// WsServer is a facade living in the caller's thread; sockets live on a worker
// thread it owns. Signals arrive queued in the facade's thread.
//
// Stopping is graceful: the listening socket closes at once, every open
// connection gets a close frame (1001 Going Away), and the peers have
// ServerOptions::stopGraceMs (1 s) to answer it and close; what is still open
// then is aborted. stop() waits for that (bounded); stopAsync() does not.

#include "endpoints/endpointconnection.h"
#include "endpoints/serverbehaviour.h"
#include "protocol/violation.h"
#include "store/capturerecords.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSemaphore>
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
    int stopGraceMs = 1000;                 // stopping: how long peers get to answer our close (1001)
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
    // A server still stopping is stopped first.
    bool listen(const ServerOptions &options, QString *error = nullptr);
    // Graceful stop, and returns when it is done: stops accepting, sends every
    // open connection a close frame (1001 Going Away), waits until their peers
    // answered and closed (or stopGraceMs passed), aborts what is left, joins
    // the thread. Blocks for about a round trip; for stopGraceMs only when a
    // peer does not answer. Finishes a stopAsync() under way. Emits stopped().
    void stop();
    // The same without waiting: returns at once (isListening() is false from
    // now on, isStopping() true); stopped() follows, queued, once it is done.
    void stopAsync();

    bool isListening() const { return m_worker != nullptr && !m_stopping; }
    // Between stopAsync() and stopped().
    bool isStopping() const { return m_stopping; }
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
    // A stop (stop() or stopAsync()) of a listening server is complete: every
    // connection is closed and the worker thread joined. Not emitted by the destructor.
    void stopped();

private:
    void beginStop();
    void finishStop();

    std::unique_ptr<QThread> m_thread;
    ServerWorker *m_worker = nullptr; // lives in m_thread
    QHostAddress m_address;
    quint16 m_port = 0;
    bool m_tls = false;
    bool m_stopping = false;
    int m_stopGraceMs = 1000;
    quint64 m_run = 0;                // counts listen() calls: late signals of an old worker are ignored
    QSemaphore m_closed;              // released by the worker once every connection is gone
    std::atomic<int> m_connections{0};
    friend class ServerWorker;
};

} // namespace wslens::endpoints
