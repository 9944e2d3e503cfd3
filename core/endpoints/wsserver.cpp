#include "endpoints/wsserver.h"

#include "endpoints/serverworker.h"

#include <QThread>

namespace wslens::endpoints {

WsServer::WsServer(QObject *parent)
    : QObject(parent)
{
}

WsServer::~WsServer()
{
    stop();
}

bool WsServer::listen(const ServerOptions &options, QString *error)
{
    stop();
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("wslens-server"));
    m_thread->start();
    bool ok = false;
    QString message;
    auto *worker = new ServerWorker(options, &m_connections);
    worker->moveToThread(m_thread.get());
    // Listen on the worker thread so every socket belongs to it.
    QMetaObject::invokeMethod(
        worker,
        [&]() {
            ok = worker->listen(&message);
            if (ok) {
                m_address = worker->address();
                m_port = worker->port();
            }
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(worker, [worker]() { delete worker; }, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
        m_thread.reset();
        if (error)
            *error = message;
        return false;
    }
    m_worker = worker;
    m_tls = options.tls.has_value();
    connect(worker, &ServerWorker::connectionOpened, this, &WsServer::connectionOpened);
    connect(worker, &ServerWorker::messageReceived, this, &WsServer::messageReceived);
    connect(worker, &ServerWorker::violationDetected, this, &WsServer::violationDetected);
    connect(worker, &ServerWorker::connectionClosed, this, &WsServer::connectionClosed);
    connect(worker, &ServerWorker::handshakeRejected, this, &WsServer::handshakeRejected);
    return true;
}

void WsServer::stop()
{
    if (!m_thread)
        return;
    if (m_worker) {
        ServerWorker *worker = m_worker;
        m_worker = nullptr;
        QMetaObject::invokeMethod(worker, [worker]() { delete worker; }, Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_port = 0;
}

QString WsServer::url() const
{
    const QString scheme = m_tls ? QStringLiteral("wss://") : QStringLiteral("ws://");
    if (m_address.protocol() == QAbstractSocket::IPv6Protocol)
        return scheme + QLatin1Char('[') + m_address.toString() + QStringLiteral("]:") + QString::number(m_port);
    return scheme + m_address.toString() + QLatin1Char(':') + QString::number(m_port);
}

void WsServer::sendMessage(quint64 connection, quint8 opcode, const QByteArray &data)
{
    if (ServerWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, connection, opcode, data]() { w->sendMessage(connection, opcode, data); });
}

void WsServer::sendRaw(quint64 connection, const QByteArray &bytes)
{
    if (ServerWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, connection, bytes]() { w->sendRaw(connection, bytes); });
}

void WsServer::closeConnection(quint64 connection, int code, const QByteArray &reason)
{
    if (ServerWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, connection, code, reason]() { w->closeConnection(connection, code, reason); });
}

} // namespace wslens::endpoints
