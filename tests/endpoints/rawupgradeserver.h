#pragma once

// A raw TCP server for crafting tests: answers one WebSocket upgrade request
// with a valid 101 and records every byte the client sends afterwards.
// Lives in the test's thread; QTRY_* macros drive it.

#include "protocol/handshake.h"
#include "protocol/httpmessage.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace wslens::test {

class RawUpgradeServer : public QObject
{
    Q_OBJECT
public:
    RawUpgradeServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this]() {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                if (m_socket) {
                    s->abort();
                    s->deleteLater();
                    continue;
                }
                m_socket = s;
                connect(s, &QTcpSocket::readyRead, this, [this]() { onRead(); });
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    bool upgraded() const { return m_upgraded; }
    QByteArray received() const { return m_received; }
    const HttpHead &request() const { return m_request; }
    void closeClient()
    {
        if (m_socket)
            m_socket->disconnectFromHost();
    }

private:
    void onRead()
    {
        const QByteArray chunk = m_socket->readAll();
        if (m_upgraded) {
            m_received += chunk;
            return;
        }
        std::size_t consumed = 0;
        if (m_parser.feed(chunk, &consumed) != HttpHeadParser::Status::Complete)
            return;
        m_request = m_parser.takeHead();
        UpgradeRequestInfo info;
        if (!validateUpgradeRequest(m_request, &info).ok()) {
            m_socket->abort();
            return;
        }
        UpgradeResponseOptions o;
        o.key = info.key;
        if (!info.protocols.isEmpty())
            o.protocol = info.protocols.first();
        m_socket->write(buildUpgradeResponse(o));
        m_upgraded = true;
        m_received += chunk.mid(qsizetype(consumed));
    }

    QTcpServer m_server;
    QTcpSocket *m_socket = nullptr;
    HttpHeadParser m_parser{HttpMessageKind::Request};
    HttpHead m_request;
    QByteArray m_received;
    bool m_upgraded = false;
};

} // namespace wslens::test
