// RelaySession: construction, the connection record, and closing (both sides,
// half-close, finishing). The other parts: relaysession_io.cpp (socket access),
// relaysession_http.cpp (HTTP proxy state machine), relaysession_tls.cpp (TLS
// set-up), relaysession_stream.cpp (WebSocket and raw pumps).
#include "relay/relaysession.h"

#include "intercept/connectionintercept.h"
#include "intercept/interceptor.h"
#include "relay/closeframe.h"
#include "relay/sessionutil.h"
#include "tls/tlssocket.h"

#include <QPointer>
#include <QUrl>

#include <unistd.h>

namespace wslens::relay {

using namespace sessionutil;

RelaySession::RelaySession(qintptr descriptor, std::shared_ptr<const SessionContext> context, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
{
    const RelayConfig &cfg = m_ctx->config;
    auto *client = new tls::TlsSocket(this);
    if (!client->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete client;
        return;
    }
    m_client = client;
    m_requestReader.setLimits(headLimits(cfg));
    m_responseReader.setLimits(headLimits(cfg));
    m_client->setReadBufferSize(cfg.readBufferSize);
    m_client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_clientEndpoint = endpointString(m_client->peerAddress(), m_client->peerPort());
    connect(m_client, &tls::TlsSocket::readyRead, this, &RelaySession::onClientReadyRead);
    connect(m_client, &tls::TlsSocket::disconnected, this, &RelaySession::onClientDisconnected);
    connect(m_client, &tls::TlsSocket::bytesWritten, this, [this] { onBytesWritten(true); });
    connect(m_client, &tls::TlsSocket::encrypted, this, &RelaySession::onClientEncrypted);

    if (cfg.mode == RelayMode::ReverseProxy) {
        m_fixedTarget = true;
        m_rewriteHost = true;
        m_fixedHost = cfg.upstream.host(QUrl::FullyEncoded).toLatin1();
        m_upTls = cfg.upstream.scheme() == QLatin1String("wss") || cfg.upstream.scheme() == QLatin1String("https");
        m_upPeerName = m_fixedHost;
        m_fixedPort = quint16(cfg.upstream.port(m_upTls ? 443 : 80));
        const QByteArray upstreamTarget = pathAndQuery(cfg.upstream);
        if (upstreamTarget != "/")
            m_upstreamRootTarget = upstreamTarget;
        if (cfg.tlsListener && m_ctx->ca) {
            m_tlsListener = true;
            m_clientState = ClientState::ClientHello;
        }
    }
    if (!m_tlsListener)
        attachWriter(true);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_upState == UpstreamState::Connecting) {
            // 502 like any other unreachable server (a black-holed address, a
            // resolver that never answers, a server that never finishes TLS).
            upstreamConnectFailed(QStringLiteral("could not connect to %1: timed out %2 after %3 s")
                                      .arg(QString::fromLatin1(authorityString(m_upHost, m_upPort, 0)),
                                           m_upTcpConnected ? QStringLiteral("in the TLS handshake")
                                                            : QStringLiteral("connecting"))
                                      .arg(m_timer.interval() / 1000.0));
        } else if (m_clientState == ClientState::ClientHello || m_clientState == ClientState::TlsHandshake) {
            if (m_recordOpen && m_closeDetail.isEmpty())
                m_closeDetail = QStringLiteral("timed out in the TLS handshake with the client");
            m_clientState = ClientState::Closing;
            m_client->abort();
            closeUpstreamGracefully();
        }
    });
    if (m_tlsListener)
        m_timer.start(cfg.tlsHandshakeTimeoutMs);
}

RelaySession::~RelaySession()
{
    cancelHeldHandshake();
}

void RelaySession::openRecord()
{
    const quint64 id = m_ctx->sink ? m_ctx->sink->openConnection(m_info)
                                   : m_ctx->nextLocalId->fetch_add(1) + 1;
    m_info.id = id;
    m_recordOpen = true;
    emit connectionOpened(id, m_info.url, m_clientEndpoint);
}

void RelaySession::finishRecord(const QString &error)
{
    if (!m_recordOpen)
        return;
    m_recordOpen = false;
    m_info.closedUs = nowUs();
    if (m_capture[0]) {
        m_info.clientCloseCode = m_capture[0]->closeCode();
        m_info.clientCloseReason = m_capture[0]->closeReason();
    }
    if (m_capture[1]) {
        m_info.serverCloseCode = m_capture[1]->closeCode();
        m_info.serverCloseReason = m_capture[1]->closeReason();
    }
    if (!error.isEmpty())
        m_info.error = error;
    if (m_ctx->sink)
        m_ctx->sink->updateConnection(m_info);
    QString detail = m_info.error;
    if (detail.isEmpty())
        detail = QStringLiteral("client close %1, server close %2")
                     .arg(m_info.clientCloseCode)
                     .arg(m_info.serverCloseCode);
    emit connectionClosed(m_info.id, m_info.url, detail);
}

void RelaySession::onClientDisconnected()
{
    m_clientGone = true;
    if (m_clientState == ClientState::Sniff && m_clientBuf.isEmpty() && m_client->bytesAvailable() == 0
        && m_upstream && m_writer[1])
        startRawTunnel(); // a tunnel the client half-closed before sending anything: the server may speak first
    if (m_clientState == ClientState::Raw) {
        // Raw tunnel: pass the client's FIN on once its bytes are out; the
        // other direction keeps flowing until the server ends it too.
        while (m_client->bytesAvailable() > 0 && m_clientState == ClientState::Raw)
            forwardChunk(true, m_client->read(qMin(m_client->bytesAvailable(), kMaxChunk)));
        if (m_clientState == ClientState::Raw) {
            m_clientState = ClientState::Closing;
            if (m_upstream && m_upState == UpstreamState::Raw && m_writer[0]) {
                halfCloseToward(false);
            } else {
                // A TLS server side (no TCP half-close there) or one already gone: close it.
                m_upState = UpstreamState::Closing;
                closeUpstreamGracefully();
            }
        }
    } else if (m_clientState == ClientState::WebSocket) {
        // Forward what the client sent before it left, then close the server side.
        while (m_client->bytesAvailable() > 0 && m_clientState == ClientState::WebSocket)
            forwardChunk(true, m_client->read(qMin(m_client->bytesAvailable(), kMaxChunk)));
        if (m_capture[0] && m_closeDetail.isEmpty()) {
            if (!m_capture[0]->atFrameBoundary())
                m_closeDetail = QStringLiteral("client closed the TCP connection in the middle of a frame");
            else if (!m_capture[0]->sawClose())
                m_closeDetail = QStringLiteral("client closed the TCP connection without a close frame");
        }
        m_clientState = ClientState::Closing;
        m_upState = UpstreamState::Closing;
        closeUpstreamGracefully();
    } else if (m_clientState == ClientState::Closing) {
        onClientReadyRead(); // record what came last
    } else if (m_writer[1] && !m_requestIsUpgrade && m_clientState == ClientState::Idle && m_heldHandshake == 0
               && (m_requestWaiting || m_upState == UpstreamState::Head || m_upState == UpstreamState::Body)) {
        // A plain request is in flight and the client half-closed (or left):
        // its answer still goes back; the FIN goes on to the server once the
        // request is out, and the session ends with the response.
        m_clientEof = true;
        if (!m_requestWaiting && m_clientBuf.isEmpty() && m_writer[0])
            halfCloseToward(false); // a TLS server gets no bare FIN: the request is delimited anyway
    } else {
        if (m_clientState == ClientState::TlsHandshake && m_client->error() == QAbstractSocket::SslHandshakeFailedError
            && !m_recordOpen) {
            // Typically the client does not trust the wslens CA: worth a record.
            m_info = ConnectionInfo();
            m_info.openedUs = nowUs();
            m_info.mode = m_ctx->config.mode == RelayMode::ReverseProxy ? ConnectionMode::ReverseProxy
                                                                          : ConnectionMode::ExplicitProxy;
            m_info.clientEndpoint = m_clientEndpoint;
            m_info.tls = true;
            m_info.url = QStringLiteral("https://") + QString::fromLatin1(authorityString(m_fixedHost, m_fixedPort, 443))
                         + QLatin1Char('/');
            openRecord();
            m_closeDetail = QStringLiteral("TLS handshake with the client failed (does it trust the wslens CA?): ")
                            + m_client->errorString();
        }
        if (m_recordOpen && m_closeDetail.isEmpty())
            m_closeDetail = QStringLiteral("client closed the connection during the handshake");
        m_clientState = ClientState::Closing;
        if (m_upstream) {
            // A request still in flight has no one to answer to.
            if (m_upState == UpstreamState::None)
                closeUpstreamGracefully();
            else {
                dropWriter(false);
                m_upstream->disconnect(this);
                m_upstream->abort();
            }
        }
    }
    maybeFinish();
}

void RelaySession::onUpstreamDisconnected()
{
    m_upstreamGone = true;
    tls::TlsSocket *up = m_upstream;
    switch (m_upState) {
    case UpstreamState::Head:
        if (!m_responseStarted && m_reusedUpstream && m_requestBody.kind() == BodyTracker::Kind::None
            && m_upBuf.isEmpty()) {
            // A kept-alive server connection closed just as the request went out: retry once.
            m_upstreamGone = false;
            m_requestWaiting = true;
            connectUpstream(m_upHost, m_upPort);
            return;
        }
        failRequest(502, "Bad Gateway", QStringLiteral("the server closed the connection before responding"));
        return;
    case UpstreamState::HeldHead:
        cancelHeldHandshake();
        failRequest(502, "Bad Gateway",
                    QStringLiteral("the server closed the connection while its handshake response was held"));
        return;
    case UpstreamState::Body:
        // Response delimited by the close, or cut short: pass on what came, then close.
        onUpstreamReadyRead();
        if (m_upState == UpstreamState::Body) {
            while (up->bytesAvailable() > 0)
                writeTo(true, up->read(qMin(up->bytesAvailable(), kMaxChunk)));
        }
        m_clientState = ClientState::Closing;
        m_upState = UpstreamState::Closing;
        closeClientGracefully();
        break;
    case UpstreamState::Raw:
        // Raw tunnel: pass the server's FIN on once its bytes are out; the
        // client may still send.
        while (up->bytesAvailable() > 0 && m_upState == UpstreamState::Raw)
            forwardChunk(false, up->read(qMin(up->bytesAvailable(), kMaxChunk)));
        if (m_upState == UpstreamState::Raw) {
            m_upState = UpstreamState::Closing;
            if (m_clientState == ClientState::Raw && m_writer[1]) {
                halfCloseToward(true);
            } else {
                m_clientState = ClientState::Closing;
                closeClientGracefully();
            }
        }
        break;
    case UpstreamState::WebSocket:
        while (up->bytesAvailable() > 0 && m_upState == UpstreamState::WebSocket)
            forwardChunk(false, up->read(qMin(up->bytesAvailable(), kMaxChunk)));
        if (m_capture[1] && m_closeDetail.isEmpty()) {
            if (!m_capture[1]->atFrameBoundary())
                m_closeDetail = QStringLiteral("server closed the TCP connection in the middle of a frame");
            else if (!m_capture[1]->sawClose())
                m_closeDetail = QStringLiteral("server closed the TCP connection without a close frame");
        }
        m_clientState = ClientState::Closing;
        m_upState = UpstreamState::Closing;
        closeClientGracefully();
        break;
    case UpstreamState::None:
        if (m_clientState == ClientState::Sniff || m_tunneled) {
            m_clientState = ClientState::Closing;
            closeClientGracefully();
        }
        dropWriter(false);
        m_upstream->disconnect(this);
        m_upstream->deleteLater();
        m_upstream = nullptr;
        break;
    case UpstreamState::Closing:
        onUpstreamReadyRead(); // record what came last
        break;
    case UpstreamState::Connecting:
        break;
    }
    maybeFinish();
}

void RelaySession::closeClientGracefully()
{
    closeSide(true);
}

void RelaySession::closeUpstreamGracefully()
{
    closeSide(false);
}

void RelaySession::closeSide(bool clientSide)
{
    tls::TlsSocket *s = clientSide ? m_client : m_upstream;
    TcpWriter *w = m_writer[clientSide ? 1 : 0].get();
    const bool readOpen = s && s->state() != QAbstractSocket::UnconnectedState;
    if (readOpen && s->state() != QAbstractSocket::ConnectedState) {
        if (!clientSide) {
            s->disconnect(this);
            s->abort();
        }
    } else if (readOpen || (w && !w->isClosed())) {
        const int linger = m_ctx->config.closeLingerMs;
        QPointer<tls::TlsSocket> guard(s);
        QPointer<TcpWriter> writerGuard(w);
        QTimer::singleShot(linger, this, [guard, writerGuard] {
            if (writerGuard)
                writerGuard->abort();
            if (guard)
                guard->abort();
        });
        if (m_wsActive) {
            // WebSocket: send our FIN once everything queued is written, but
            // keep reading until the peer closes, so its close reply is recorded.
            halfCloseToward(clientSide);
        } else {
            if (w)
                w->closeWhenFlushed(linger);
            if (readOpen)
                s->disconnectFromHost(); // flushes what Qt has queued, then closes
        }
    }
    maybeFinish();
}

void RelaySession::maybeFinish()
{
    if (m_finished)
        return;
    const bool clientDone = !m_client || m_client->state() == QAbstractSocket::UnconnectedState;
    const bool upstreamDone = !m_upstream || m_upstream->state() == QAbstractSocket::UnconnectedState;
    if (!clientDone || !upstreamDone)
        return;
    // Neither peer sends any more: the write sides go once what is queued is out.
    for (auto &w : m_writer)
        if (w && !w->isClosed())
            w->closeWhenFlushed(m_ctx->config.closeLingerMs);
    for (auto &w : m_writer)
        if (w && !w->isClosed())
            return; // onWriterClosed() comes back here
    m_finished = true;
    cancelHeldHandshake();
    if (m_intercept)
        m_intercept->close(); // held messages of a closed connection are recorded as dropped
    finishRecord(m_closeDetail);
    m_timer.stop();
    if (m_rawTunnel)
        emit traffic(QStringLiteral("tunnel %1 from %2 closed: %3 bytes to the server, %4 to the client")
                         .arg(QString::fromLatin1(authorityString(m_fixedHost, m_fixedPort, 0)), m_clientEndpoint)
                         .arg(m_forwarded[0])
                         .arg(m_forwarded[1]));
    emit finished(this);
}

void RelaySession::shutdown()
{
    if (m_finished)
        return;
    if (m_closeDetail.isEmpty())
        m_closeDetail = QStringLiteral("relay stopped");
    if (m_client)
        m_client->disconnect(this);
    if (m_upstream)
        m_upstream->disconnect(this);
    m_clientState = ClientState::Closing;
    m_upState = UpstreamState::Closing;
    for (auto &w : m_writer)
        if (w) {
            w->disconnect(this);
            w->abort();
        }
    if (m_client)
        m_client->abort();
    if (m_upstream)
        m_upstream->abort();
    maybeFinish();
}

} // namespace wslens::relay
