#include "endpoints/serverhandshake.h"

#include "protocol/handshake.h"

#include <QAbstractSocket>
#include <QTimer>

namespace wslens::endpoints {

ServerHandshake::ServerHandshake(QAbstractSocket *socket, const HandshakePolicy &policy, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_policy(policy)
    , m_parser(HttpMessageKind::Request, policy.limits)
    , m_timer(new QTimer(this))
{
    m_socket->setParent(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this]() {
        reject(QByteArray(), QStringLiteral("opening handshake timed out"));
    });
    connect(m_socket, &QAbstractSocket::disconnected, this, [this]() {
        reject(QByteArray(), QStringLiteral("client closed the connection during the handshake"));
    });
}

void ServerHandshake::start()
{
    connect(m_socket, &QAbstractSocket::readyRead, this, &ServerHandshake::onReadyRead);
    m_timer->start(m_policy.timeoutMs);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

QAbstractSocket *ServerHandshake::takeSocket()
{
    QAbstractSocket *s = m_socket;
    if (s) {
        s->disconnect(this);
        s->setParent(nullptr);
    }
    m_socket = nullptr;
    return s;
}

void ServerHandshake::reject(const QByteArray &answer, const QString &reason)
{
    if (m_done)
        return;
    m_done = true;
    m_timer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        if (!answer.isEmpty() && m_socket->state() == QAbstractSocket::ConnectedState) {
            m_socket->write(answer);
            m_socket->disconnectFromHost(); // after the answer is written
        } else {
            m_socket->abort();
        }
    }
    Q_EMIT rejected(reason);
    // Give the answer a moment to leave before the socket goes with us.
    QTimer::singleShot(answer.isEmpty() ? 0 : 1000, this, &QObject::deleteLater);
}

void ServerHandshake::onReadyRead()
{
    if (m_done || !m_socket)
        return;
    const QByteArray chunk = m_socket->readAll();
    std::size_t consumed = 0;
    const auto status = m_parser.feed(chunk, &consumed);
    if (status == HttpHeadParser::Status::NeedMore)
        return;
    if (status == HttpHeadParser::Status::Error) {
        const QString message = m_parser.errorString();
        const QByteArray body = message.toUtf8() + '\n';
        reject(QByteArrayLiteral("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                 "Content-Length: ")
                   + QByteArray::number(body.size()) + "\r\n\r\n" + body,
               message);
        return;
    }
    m_leftover = chunk.mid(qsizetype(consumed));
    m_request = m_parser.takeHead();

    UpgradeRequestInfo info;
    const HandshakeResult result = validateUpgradeRequest(m_request, &info);
    if (!result.ok()) {
        reject(buildHandshakeRejection(result), result.message);
        return;
    }
    if (!m_policy.allowedOrigins.isEmpty() && !info.origin.isEmpty()) {
        bool allowed = false;
        for (const QByteArray &o : m_policy.allowedOrigins)
            allowed = allowed || http::equalsIgnoreCase(o, info.origin);
        if (!allowed) {
            const QByteArray list = m_policy.allowedOrigins.join(", ");
            const QByteArray body = "Origin " + info.origin + " is not allowed here (allowed: " + list + ")\n";
            reject(QByteArrayLiteral("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                     "Content-Length: ")
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body,
                   QStringLiteral("403, Origin %1 is not in the allow-list (%2)")
                       .arg(QString::fromLatin1(info.origin), QString::fromLatin1(list)));
            return;
        }
    }
    // Our preference order decides among the client's offers.
    for (const QByteArray &ours : m_policy.subprotocols) {
        if (info.protocols.contains(ours)) {
            m_protocol = ours;
            break;
        }
    }
    if (m_policy.deflate)
        m_deflate = negotiateDeflateAsServer(info.extensions, &m_params, &m_extensions);

    UpgradeResponseOptions response;
    response.key = info.key;
    response.protocol = m_protocol;
    response.extensions = m_extensions;
    const QByteArray bytes = buildUpgradeResponse(response);
    HttpHeadParser responseParser(HttpMessageKind::Response);
    if (responseParser.feed(bytes) == HttpHeadParser::Status::Complete)
        m_response = responseParser.takeHead();
    m_socket->write(bytes);
    m_done = true;
    m_timer->stop();
    Q_EMIT upgraded(this);
}

} // namespace wslens::endpoints
