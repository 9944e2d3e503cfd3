#include "endpoints/serverworker.h"

#include "endpoints/deflatecodec.h"
#include "endpoints/endpointaddress.h"
#include "endpoints/serverhandshake.h"
#include "protocol/closecode.h"
#include "relay/closeframe.h"

#include <QSemaphore>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace wslens::endpoints {

ServerWorker::ServerWorker(const ServerOptions &options, std::atomic<int> *counter, QSemaphore *closed)
    : m_options(options)
    , m_counter(counter)
    , m_closed(closed)
    , m_listener(new ListenSocket(this))
    , m_graceTimer(new QTimer(this))
{
    m_options.connection.localRole = Role::Server;
    m_listener->onIncoming = [this](qintptr handle) { accept(handle); };
    m_graceTimer->setSingleShot(true);
    connect(m_graceTimer, &QTimer::timeout, this, &ServerWorker::finishClosing);
}

ServerWorker::~ServerWorker()
{
    shutdown();
}

bool ServerWorker::listen(QString *error)
{
    if (!m_behaviour)
        m_behaviour = m_options.behaviour ? m_options.behaviour() : makeEchoBehaviour();
    if (!m_listener->listen(m_options.address, m_options.port)) {
        if (error)
            *error = m_listener->errorString();
        return false;
    }
    return true;
}

QHostAddress ServerWorker::address() const
{
    return m_listener->serverAddress();
}

quint16 ServerWorker::port() const
{
    return m_listener->serverPort();
}

void ServerWorker::closeAll(int graceMs)
{
    if (m_closing || m_shuttingDown)
        return;
    m_closing = true;
    m_listener->close();
    // Handshakes still in progress have no WebSocket to close yet.
    qDeleteAll(findChildren<ServerHandshake *>(Qt::FindDirectChildrenOnly));
    const auto open = m_connections;
    for (EndpointConnection *c : open)
        c->close(CloseCode::GoingAway, QByteArrayLiteral("server stopping"));
    // Each peer answers, we close TCP (server first, RFC 6455 7.1.1), it closes
    // too: the connection's finished() removes it, the last one ends the wait.
    if (m_connections.isEmpty())
        finishClosing();
    else
        m_graceTimer->start(graceMs);
}

void ServerWorker::finishClosing()
{
    if (m_closedAll)
        return;
    m_closedAll = true;
    m_graceTimer->stop();
    const auto late = m_connections;
    for (auto it = late.cbegin(); it != late.cend(); ++it) {
        EndpointConnection *c = it.value();
        c->disconnect(this);
        c->abort();
        forget(it.key(), c,
               QStringLiteral("no answer to the close within %1 ms: connection aborted")
                   .arg(m_graceTimer->interval()));
    }
    shutdown();
    Q_EMIT allClosed();
    if (m_closed)
        m_closed->release();
}

void ServerWorker::shutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_listener->close();
    const auto open = m_connections;
    for (EndpointConnection *c : open) {
        c->disconnect(this);
        c->abort();
    }
    qDeleteAll(open);
    m_connections.clear();
    m_order.clear();
    m_counter->store(0);
}

QList<EndpointConnection *> ServerWorker::connections() const
{
    QList<EndpointConnection *> out;
    out.reserve(m_order.size());
    for (quint64 id : m_order) {
        EndpointConnection *c = m_connections.value(id);
        if (c && c->state() == EndpointConnection::State::Open)
            out.append(c);
    }
    return out;
}

void ServerWorker::accept(qintptr handle)
{
    if (m_shuttingDown || m_closing) {
        QTcpSocket drop;
        drop.setSocketDescriptor(handle);
        drop.abort();
        return;
    }
    QTcpSocket *socket = nullptr;
    QSslSocket *ssl = nullptr;
    if (m_options.tls) {
        ssl = new QSslSocket();
        socket = ssl;
    } else {
        socket = new QTcpSocket();
    }
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    HandshakePolicy policy;
    policy.subprotocols = m_options.subprotocols;
    policy.deflate = m_options.deflate;
    policy.allowedOrigins = m_options.allowedOrigins;
    policy.timeoutMs = m_options.handshakeTimeoutMs;
    auto *handshake = new ServerHandshake(socket, policy, this);
    const QString peer = endpointOf(socket->peerAddress(), socket->peerPort());
    connect(handshake, &ServerHandshake::upgraded, this, &ServerWorker::upgraded);
    connect(handshake, &ServerHandshake::rejected, this,
            [this, peer](const QString &reason) { Q_EMIT handshakeRejected(peer, reason); });
    if (ssl) {
        ssl->setSslConfiguration(*m_options.tls);
        connect(ssl, &QSslSocket::encrypted, handshake, &ServerHandshake::start);
        connect(ssl, &QSslSocket::sslErrors, ssl, [peer](const QList<QSslError> &) {});
        ssl->startServerEncryption();
    } else {
        handshake->start();
    }
}

void ServerWorker::upgraded(ServerHandshake *handshake)
{
    QAbstractSocket *socket = handshake->takeSocket();
    const quint64 id = m_nextId++;
    ConnectionInfo info;
    const HttpHead &request = handshake->request();
    const QByteArray host = request.header(QByteArrayLiteral("Host"));
    info.url = (m_options.tls ? QStringLiteral("wss://") : QStringLiteral("ws://")) + QString::fromLatin1(host)
        + QString::fromLatin1(request.target);
    info.mode = ConnectionMode::LocalServer;
    info.clientEndpoint = endpointOf(socket->peerAddress(), socket->peerPort());
    info.serverEndpoint = endpointOf(socket->localAddress(), socket->localPort());
    info.requestMethod = request.method;
    info.requestTarget = request.target;
    info.requestHeaders = request.headers;
    info.responseStatus = 101;
    info.responseReason = QByteArrayLiteral("Switching Protocols");
    info.responseHeaders = handshake->response().headers;
    info.subprotocol = handshake->protocol();
    info.extensions = handshake->extensions();
    info.openedUs = relay::nowUs();
    info.handshakeDoneUs = info.openedUs;
    info.tls = m_options.tls.has_value();

    CaptureTarget capture;
    if (m_options.capture) {
        capture.sink = m_options.capture;
        capture.connectionId = m_options.capture->openConnection(info);
        info.id = capture.connectionId;
    }
    std::unique_ptr<DeflateCodec> codec;
    if (handshake->deflate())
        codec = std::make_unique<DeflateCodec>(Role::Server, handshake->deflateParams(),
                                               m_options.connection.limits.maxDecompressedSize);
    auto *connection = new EndpointConnection(socket, m_options.connection, std::move(codec), capture, info, this);
    const QByteArray leftover = handshake->leftover();
    handshake->deleteLater();

    m_connections.insert(id, connection);
    m_order.append(id);
    m_counter->fetch_add(1);

    connect(connection, &EndpointConnection::messageReceived, this,
            [this, id, connection](quint8 opcode, const QByteArray &data) {
                Q_EMIT messageReceived(id, opcode, data);
                m_behaviour->messageReceived(connection, opcode, data, *this);
            });
    connect(connection, &EndpointConnection::protocolViolation, this,
            [this, id](Violation v, quint16 code) { Q_EMIT violationDetected(id, v, code); });
    connect(connection, &EndpointConnection::finished, this, [this, id, connection]() {
        forget(id, connection, connection->info().error);
        if (m_closing && m_connections.isEmpty())
            finishClosing();
    });

    Q_EMIT connectionOpened(id, info);
    m_behaviour->connectionOpened(connection, *this);
    connection->start(leftover);
}

// The connection is closed: the behaviour and the facade are told, it goes.
void ServerWorker::forget(quint64 id, EndpointConnection *connection, const QString &error)
{
    m_behaviour->connectionClosed(connection, *this);
    m_connections.remove(id);
    m_order.removeOne(id);
    m_counter->fetch_sub(1);
    Q_EMIT connectionClosed(id, connection->peerCloseCode(), connection->localCloseCode(), error);
    connection->deleteLater();
}

void ServerWorker::sendMessage(quint64 connection, quint8 opcode, const QByteArray &data)
{
    if (EndpointConnection *c = m_connections.value(connection))
        c->sendMessage(opcode, data);
}

void ServerWorker::sendRaw(quint64 connection, const QByteArray &bytes)
{
    if (EndpointConnection *c = m_connections.value(connection))
        c->sendRaw(bytes);
}

void ServerWorker::closeConnection(quint64 connection, int code, const QByteArray &reason)
{
    if (EndpointConnection *c = m_connections.value(connection))
        c->close(code, reason);
}

} // namespace wslens::endpoints
