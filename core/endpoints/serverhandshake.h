#pragma once

// The server half of the opening handshake on one accepted socket: reads the
// upgrade request, checks it (RFC 6455 4.2.1, Origin allow-list), negotiates
// the subprotocol and permessage-deflate, and writes the 101 (or the error answer).

#include "endpoints/deflatecodec.h"
#include "protocol/httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

class QAbstractSocket;
class QTimer;

namespace wslens::endpoints {

struct HandshakePolicy
{
    QList<QByteArray> subprotocols;   // ours, in preference order
    bool deflate = true;              // accept permessage-deflate offers
    QList<QByteArray> allowedOrigins; // empty: any Origin (and none) is accepted
    int timeoutMs = 10000;
    HttpLimits limits;
};

class ServerHandshake : public QObject
{
    Q_OBJECT
public:
    // Owns socket until takeSocket().
    ServerHandshake(QAbstractSocket *socket, const HandshakePolicy &policy, QObject *parent = nullptr);

    // Starts reading (for TLS sockets call it once the socket is encrypted).
    void start();

    QAbstractSocket *takeSocket();
    const HttpHead &request() const { return m_request; }
    const HttpHead &response() const { return m_response; }
    QByteArray protocol() const { return m_protocol; }
    bool deflate() const { return m_deflate; }
    DeflateParams deflateParams() const { return m_params; }
    QByteArray extensions() const { return m_extensions; }
    QByteArray leftover() const { return m_leftover; }

Q_SIGNALS:
    // The 101 went out; take the socket now.
    void upgraded(wslens::endpoints::ServerHandshake *handshake);
    // The request was refused (answer written) or the socket went away; the
    // handshake object deletes itself (and the socket) afterwards.
    void rejected(const QString &reason);

private:
    void onReadyRead();
    void reject(const QByteArray &answer, const QString &reason);

    QAbstractSocket *m_socket;
    HandshakePolicy m_policy;
    HttpHeadParser m_parser;
    HttpHead m_request;
    HttpHead m_response;
    QByteArray m_protocol;
    QByteArray m_extensions;
    QByteArray m_leftover;
    DeflateParams m_params;
    bool m_deflate = false;
    bool m_done = false;
    QTimer *m_timer;
};

} // namespace wslens::endpoints
