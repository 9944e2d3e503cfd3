#pragma once

// Our built-in WebSocket client: ws:// and wss:// (system and/or custom CAs),
// custom headers, subprotocols, optional permessage-deflate, optionally
// through an HTTP proxy (CONNECT); answers pings (can be turned off); sends
// text, binary and raw crafted frames; captures every frame
// (ConnectionMode::LocalClient).
//
// WsClient is a facade living in the caller's thread; the socket lives on a
// worker thread it owns. Calls are queued to the worker in order; signals
// arrive queued in the facade's thread.

#include "endpoints/endpointconnection.h"
#include "protocol/httpmessage.h"
#include "protocol/violation.h"
#include "store/capturerecords.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <memory>

class QThread;

namespace wslens::endpoints {

class ClientWorker;

struct ClientOptions
{
    QUrl url;                              // ws://host:port/path?query or wss://...
    HttpHeaders headers;                   // extra request headers, as given
    QList<QByteArray> subprotocols;        // offered, in preference order
    bool deflate = false;                  // offer permessage-deflate
    QByteArray origin;                     // Origin header, omitted when empty
    ConnectionSettings connection;         // answerPings, limits, close timeout (localRole forced to Client)
    QString proxyHost;                     // HTTP proxy (CONNECT); empty: direct
    quint16 proxyPort = 0;
    QList<QSslCertificate> caCertificates; // trusted in addition to (or instead of) the system CAs
    bool useSystemCaCertificates = true;
    bool ignoreSslErrors = false;
    int connectTimeoutMs = 10000;          // TCP + proxy + TLS + upgrade
    CaptureSink *capture = nullptr;        // not owned; must outlive the client
};

class WsClient : public QObject
{
    Q_OBJECT
public:
    explicit WsClient(QObject *parent = nullptr);
    ~WsClient() override; // aborts the connection and joins the thread

    // Starts connecting; connected() or failed() follows.
    void open(const ClientOptions &options);

    void sendMessage(quint8 opcode, const QByteArray &data);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);
    void sendPing(const QByteArray &payload = QByteArray());
    // Exactly these bytes on the wire.
    void sendRaw(const QByteArray &bytes);
    // Close handshake (code < 0: empty close payload).
    void close(int code = 1000, const QByteArray &reason = QByteArray());
    void abort();

Q_SIGNALS:
    void connected(const wslens::ConnectionInfo &info);
    // Connecting failed (TCP, proxy, TLS or handshake); nothing else follows.
    void failed(const QString &error);
    void messageReceived(quint8 opcode, const QByteArray &data);
    void pingReceived(const QByteArray &payload);
    void pongReceived(const QByteArray &payload);
    void closeReceived(int code, const QString &reason);
    void violationDetected(wslens::Violation violation, quint16 closeCode);
    // The connection is over (after connected()).
    void disconnected(int peerCode, int localCode, const QString &error);

private:
    void stopThread();

    std::unique_ptr<QThread> m_thread;
    ClientWorker *m_worker = nullptr; // lives in m_thread
};

} // namespace wslens::endpoints
