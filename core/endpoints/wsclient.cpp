#include "endpoints/wsclient.h"

#include "endpoints/clientworker.h"

#include <QThread>

namespace wslens::endpoints {

WsClient::WsClient(QObject *parent)
    : QObject(parent)
{
}

WsClient::~WsClient()
{
    stopThread();
}

void WsClient::stopThread()
{
    if (!m_thread)
        return;
    if (ClientWorker *w = m_worker) {
        m_worker = nullptr;
        QMetaObject::invokeMethod(w, [w]() { delete w; }, Qt::BlockingQueuedConnection);
    }
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

void WsClient::open(const ClientOptions &options)
{
    stopThread();
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("wslens-client"));
    auto *worker = new ClientWorker();
    worker->moveToThread(m_thread.get());
    m_worker = worker;
    connect(worker, &ClientWorker::connected, this, &WsClient::connected);
    connect(worker, &ClientWorker::failed, this, &WsClient::failed);
    connect(worker, &ClientWorker::messageReceived, this, &WsClient::messageReceived);
    connect(worker, &ClientWorker::pingReceived, this, &WsClient::pingReceived);
    connect(worker, &ClientWorker::pongReceived, this, &WsClient::pongReceived);
    connect(worker, &ClientWorker::closeReceived, this, &WsClient::closeReceived);
    connect(worker, &ClientWorker::violationDetected, this, &WsClient::violationDetected);
    connect(worker, &ClientWorker::disconnected, this, &WsClient::disconnected);
    m_thread->start();
    QMetaObject::invokeMethod(worker, [worker, options]() { worker->open(options); });
}

void WsClient::sendMessage(quint8 opcode, const QByteArray &data)
{
    if (ClientWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, opcode, data]() {
            if (w->connection())
                w->connection()->sendMessage(opcode, data);
        });
}

void WsClient::sendText(const QString &text)
{
    sendMessage(Opcode::Text, text.toUtf8());
}

void WsClient::sendBinary(const QByteArray &data)
{
    sendMessage(Opcode::Binary, data);
}

void WsClient::sendPing(const QByteArray &payload)
{
    if (ClientWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, payload]() {
            if (w->connection())
                w->connection()->sendPing(payload);
        });
}

void WsClient::sendRaw(const QByteArray &bytes)
{
    if (ClientWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, bytes]() {
            if (w->connection())
                w->connection()->sendRaw(bytes);
        });
}

void WsClient::close(int code, const QByteArray &reason)
{
    if (ClientWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w, code, reason]() {
            if (w->connection())
                w->connection()->close(code, reason);
        });
}

void WsClient::abort()
{
    if (ClientWorker *w = m_worker)
        QMetaObject::invokeMethod(w, [w]() { w->abort(); });
}

} // namespace wslens::endpoints
