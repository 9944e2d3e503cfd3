#include "endpoints/wsserver.h"

#include "endpoints/serverworker.h"

#include <QSignalBlocker>
#include <QThread>

namespace wslens::endpoints {

namespace {
// stop() waits this much longer than the grace period: the worker aborts what
// is left when the grace period ends, so only a busy worker needs the margin.
constexpr int kStopMarginMs = 2000;
} // namespace

WsServer::WsServer(QObject *parent)
    : QObject(parent)
{
}

WsServer::~WsServer()
{
    const QSignalBlocker blocker(this);
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
    m_closed.tryAcquire(m_closed.available());
    auto *worker = new ServerWorker(options, &m_connections, &m_closed);
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
    m_stopGraceMs = qMax(0, options.stopGraceMs);
    const quint64 run = ++m_run;
    connect(worker, &ServerWorker::allClosed, this, [this, run]() {
        if (run == m_run && m_stopping)
            finishStop();
    });
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
        if (!m_stopping)
            beginStop();
        m_closed.tryAcquire(1, m_stopGraceMs + kStopMarginMs);
    }
    finishStop();
}

void WsServer::stopAsync()
{
    if (m_worker && !m_stopping)
        beginStop();
}

void WsServer::beginStop()
{
    m_stopping = true;
    ServerWorker *worker = m_worker;
    const int graceMs = m_stopGraceMs;
    QMetaObject::invokeMethod(worker, [worker, graceMs]() { worker->closeAll(graceMs); });
}

void WsServer::finishStop()
{
    if (!m_thread)
        return;
    const bool wasRunning = m_worker != nullptr;
    if (ServerWorker *worker = m_worker) {
        m_worker = nullptr;
        // Aborts whatever is still open (nothing, after closeAll finished).
        QMetaObject::invokeMethod(worker, [worker]() { delete worker; }, Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_port = 0;
    m_stopping = false;
    if (wasRunning)
        Q_EMIT stopped();
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
