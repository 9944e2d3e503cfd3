#pragma once

#include "relay/hostpattern.h"
#include "relay/bodytracker.h"
#include "relay/headreader.h"
#include "relay/relayconfig.h"
#include "relay/streamcapture.h"
#include "relay/tcpwriter.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>

namespace wslens::tls {
class TlsContext;
class TlsSocket;
} // namespace wslens::tls

namespace wslens::intercept {
class ConnectionIntercept;
class Interceptor;
struct OutputItem;
} // namespace wslens::intercept

namespace wslens::relay {

// What every session of one relay run shares (read-only after start).
struct SessionContext
{
    RelayConfig config;
    CaptureSink *sink = nullptr; // may be null: relay without recording
    std::atomic<quint64> *nextLocalId = nullptr; // ids when there is no sink
    // TLS (set up by Relay::start): the CA when the relay intercepts or has a
    // TLS listener, the client configuration for TLS upstreams, pass-through hosts.
    std::shared_ptr<tls::CertificateAuthority> ca;
    std::shared_ptr<tls::TlsContext> clientSideTls; // we are the server (leaf from ca), ALPN http/1.1
    std::shared_ptr<tls::TlsContext> upstreamTls;   // we are the client: system store + upstreamCaFile
    HostPatternList passThrough;
    // Intercept rules, held queue and injection (not owned; null: forward untouched).
    intercept::Interceptor *interceptor = nullptr;
};

// One client connection through the relay, from accept to close, on one
// worker thread. Reads HTTP request heads (explicit proxy: CONNECT and
// absolute-form; reverse proxy: origin-form to the fixed upstream), forwards
// plain HTTP untouched with keep-alive, and on a WebSocket upgrade forwards
// both directions byte for byte while StreamCaptures record the frames.
// TLS (docs/TLS.md): both sockets are tls::TlsSocket (OpenSSL on the
// descriptor), plain until encryption starts. An intercepted CONNECT tunnel (or a TLS listener) peeks the client's
// ClientHello for SNI, ends TLS here with a leaf from the CA and speaks TLS to
// the server; the HTTP inside is then handled exactly like plain HTTP.
// The code is split by job over relaysession*.cpp (docs/ARCHITECTURE.md).
class RelaySession : public QObject
{
    Q_OBJECT
public:
    RelaySession(qintptr descriptor, std::shared_ptr<const SessionContext> context, QObject *parent = nullptr);
    ~RelaySession() override;

    bool isValid() const { return m_client != nullptr; }
    // The relay is stopping: close both sides now and record why.
    void shutdown();

Q_SIGNALS:
    void connectionOpened(quint64 id, const QString &url, const QString &client);
    void connectionClosed(quint64 id, const QString &url, const QString &detail);
    // Traffic that makes no connection record: a plain HTTP exchange, or a
    // tunnel forwarded untouched (one line each, for logs).
    void traffic(const QString &line);
    void finished(wslens::relay::RelaySession *session);

private:
    enum class ClientState { Head, Body, Idle, Sniff, ClientHello, TlsHandshake, Raw, WebSocket, Closing };
    enum class UpstreamState { None, Connecting, Head, HeldHead, Body, Raw, WebSocket, Closing }; // HeldHead: the 101 waits at a breakpoint

    // relaysession.cpp: the record and closing
    void onClientDisconnected();
    void onUpstreamDisconnected();
    void openRecord();
    void finishRecord(const QString &error);
    void closeClientGracefully();
    void closeUpstreamGracefully();
    void closeSide(bool clientSide);
    void maybeFinish();

    // relaysession_io.cpp: the only code that writes to the sockets. A plain
    // side writes through its TcpWriter (which outlives the peer's FIN), a TLS
    // side through its tls::TlsSocket.
    tls::TlsSocket *source(bool fromClient) const;
    tls::TlsSocket *destination(bool fromClient) const;
    void writeTo(bool toClient, const QByteArray &bytes);
    void writeTo(bool toClient, const char *data, qsizetype size);
    bool canWrite(bool toClient) const;
    qint64 pendingWrite(bool toClient) const; // plain + encrypted bytes not yet sent
    void attachWriter(bool clientSide);       // the side is connected and plain
    void retireWriter(bool clientSide);       // TLS starts on the side: Qt writes from now on
    void dropWriter(bool clientSide);         // the side's socket is thrown away
    void discardUpstream();                   // aborts and forgets the server socket (and its writer)
    void halfCloseToward(bool toClient);      // FIN once what is queued is written
    void flushToward(bool toClient);          // plain side without a TcpWriter: send what Qt queued now
    void shutdownWrite(bool clientSide);      // TLS sides: the FIN itself
    void onWriterClosed(bool toClient);
    void onBytesWritten(bool towardClient);
    bool pumping(bool fromClient) const;      // the direction forwards raw or WebSocket bytes

    // relaysession_http.cpp: the HTTP proxy state machine
    void onClientReadyRead();
    void onUpstreamReadyRead();
    void onUpstreamConnected();
    void onUpstreamError();
    void upstreamConnectFailed(const QString &message);
    void processClientBuffer();
    bool handleRequestHead(HttpHead head);
    void dispatchRequest(const QByteArray &host, quint16 port);
    void connectUpstream(const QByteArray &host, quint16 port);
    void sendRequestUpstream();
    // Handshake breakpoints (docs/INTERCEPT.md): the Interceptor calls these when the user decides.
    void releaseHeldRequest(int outcome, const QByteArray &head);
    void releaseHeldResponse(int outcome, const QByteArray &head);
    void cancelHeldHandshake();
    void processUpstreamBuffer();
    void handleResponseHead(const HttpHead &head, qsizetype headLength);
    void forwardBody(bool fromClient);
    void responseComplete();
    void failRequest(int status, const QByteArray &reason, const QString &message);

    // relaysession_tls.cpp: TLS set-up
    bool shouldIntercept() const;
    void sniffClientHello();
    void startClientTls(const QByteArray &serverName);
    void onClientEncrypted();
    void startUpstreamTls();
    void startUpstreamHandshake();
    QString upstreamFailureMessage() const;

    // relaysession_stream.cpp: WebSocket and raw pumps
    void startWebSocket(const HttpHead &response);
    void startRawTunnel();
    void pump(bool fromClient);
    void drainClosing(bool fromClient);
    void forwardChunk(bool fromClient, const QByteArray &chunk);
    void startIntercept(bool deflate);
    void writeIntercepted(bool fromClient, intercept::OutputItem &&item);
    void strictClose(bool offenderIsClient, Violation v);

    std::shared_ptr<const SessionContext> m_ctx;
    tls::TlsSocket *m_client = nullptr;   // child; plain until startServerEncryption
    tls::TlsSocket *m_upstream = nullptr; // child; plain unless m_upTls
    ClientState m_clientState = ClientState::Head;
    UpstreamState m_upState = UpstreamState::None;

    QByteArray m_clientBuf;   // client bytes not yet handled (head, pipelined requests)
    QByteArray m_upBuf;       // upstream bytes not yet handled (response head)
    HeadReader m_requestReader{HttpMessageKind::Request, {}};   // limits from the config
    HeadReader m_responseReader{HttpMessageKind::Response, {}};
    HttpHead m_request;       // the request being forwarded
    QByteArray m_requestWire; // its head as sent upstream
    bool m_requestIsUpgrade = false;
    bool m_requestKeepAlive = true;
    bool m_responseStarted = false; // bytes of a response went to the client
    BodyTracker m_requestBody;
    BodyTracker m_responseBody;
    bool m_responseKeepAlive = true;

    // Where requests go: fixed (reverse proxy, inside a CONNECT tunnel) or per request.
    QByteArray m_upstreamRootTarget; // reverse mode: the upstream URL's path?query, used for a request to "/"
    bool m_fixedTarget = false;
    bool m_rewriteHost = false;
    QByteArray m_fixedHost;
    quint16 m_fixedPort = 0;
    QByteArray m_upHost;   // what m_upstream is connected (or connecting) to
    quint16 m_upPort = 0;
    QByteArray m_connectAuthority; // CONNECT request being set up
    bool m_tunneled = false;
    bool m_reusedUpstream = false; // the request went over a kept-alive server connection
    bool m_requestWaiting = false; // a request head waits for the upstream connection
    quint64 m_heldHandshake = 0;   // Interceptor id of the upgrade request / 101 held at a breakpoint
    QByteArray m_heldHost;         // where a held request goes
    quint16 m_heldPort = 0;

    // TLS
    bool m_tlsListener = false;    // reverse mode: the client speaks TLS first
    bool m_helloSniffed = false;   // the first tunnel bytes were not a ClientHello
    bool m_rawTunnel = false;      // bytes are forwarded untouched (not HTTP, not intercepted)
    qint64 m_forwarded[2] = {0, 0}; // bytes handed on: [0] client to server, [1] server to client
    bool m_clientTls = false;      // the client side is (being) encrypted by us
    bool m_upTls = false;          // the server side is (to be) TLS
    bool m_upTcpConnected = false; // the server socket got past TCP connect
    QByteArray m_upPeerName;       // SNI and verification name for the server
    QString m_pendingFailure;      // upstream failed before the tunnel's first request

    // WebSocket capture
    std::unique_ptr<StreamCapture> m_capture[2]; // [0] client->server, [1] server->client
    std::unique_ptr<intercept::ConnectionIntercept> m_intercept; // with an Interceptor
    bool m_paused[2] = {false, false};           // reading paused by back-pressure
    bool m_halfClosePending[2] = {false, false}; // TLS sides: [1]: FIN to the client once flushed, [0]: to the server
    std::unique_ptr<TcpWriter> m_writer[2];       // plain sides: [1] toward the client, [0] toward the server
    bool m_clientEof = false; // the client half-closed with a plain request in flight
    ConnectionInfo m_info;
    bool m_recordOpen = false;
    QString m_closeDetail;
    bool m_strictClosed = false;
    bool m_wsActive = false; // the upgrade went through: both directions are captured
    bool m_finished = false;
    bool m_clientGone = false;
    bool m_upstreamGone = false;
    QString m_clientEndpoint;
    QTimer m_timer; // connect timeout, then close linger
};

} // namespace wslens::relay
