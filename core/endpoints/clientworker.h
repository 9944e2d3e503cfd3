#pragma once

// WsClient's worker: the socket, proxy CONNECT, TLS and the upgrade, on the
// client thread. Internal to core/endpoints.

#include "endpoints/wsclient.h"
#include "protocol/handshake.h"

#include <QObject>

class QAbstractSocket;
class QTimer;

namespace wslens::endpoints {

class ClientWorker : public QObject
{
    Q_OBJECT
public:
    ClientWorker();
    ~ClientWorker() override;

    void open(const ClientOptions &options);
    EndpointConnection *connection() const { return m_connection; }
    void abort();

Q_SIGNALS:
    void connected(const wslens::ConnectionInfo &info);
    void failed(const QString &error);
    void messageReceived(quint8 opcode, const QByteArray &data);
    void pingReceived(const QByteArray &payload);
    void pongReceived(const QByteArray &payload);
    void closeReceived(int code, const QString &reason);
    void violationDetected(wslens::Violation violation, quint16 closeCode);
    void disconnected(int peerCode, int localCode, const QString &error);

private:
    enum class Stage : quint8 { Idle, Tcp, Proxy, Tls, Upgrade, Open, Failed };
    void onConnected();
    void onReadyRead();
    void startTls();
    void sendUpgrade();
    void handleProxyAnswer();
    void handleUpgradeAnswer();
    void failWith(const QString &error);

    ClientOptions m_options;
    Stage m_stage = Stage::Idle;
    QAbstractSocket *m_socket = nullptr;
    QTimer *m_timer;
    HttpHeadParser m_head{HttpMessageKind::Response};
    UpgradeRequest m_request;
    QString m_host;
    quint16 m_port = 0;
    bool m_tls = false;
    EndpointConnection *m_connection = nullptr;
};

} // namespace wslens::endpoints
