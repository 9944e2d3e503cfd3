// RelaySession: the HTTP proxy state machine: request heads (CONNECT,
// absolute-form, reverse proxy), upstream connections, keep-alive, bodies,
// response heads, and handshakes held at a breakpoint.
#include "relay/relaysession.h"

#include "intercept/interceptor.h"
#include "relay/handshakehold.h"
#include "relay/closeframe.h"
#include "relay/sessionutil.h"
#include "tls/tlssocket.h"

#include <QUrl>

namespace wslens::relay {

using namespace sessionutil;

void RelaySession::onClientReadyRead()
{
    if (!m_client)
        return;
    switch (m_clientState) {
    case ClientState::Sniff:
        if (m_clientBuf.isEmpty() && shouldIntercept()) {
            char first = 0;
            if (m_client->peek(&first, 1) == 1 && first == 0x16) {
                sniffClientHello(); // a TLS ClientHello: the bytes stay for the handshake
                break;
            }
        }
        Q_FALLTHROUGH();
    case ClientState::Head:
        m_clientBuf += m_client->readAll();
        processClientBuffer();
        break;
    case ClientState::ClientHello:
        sniffClientHello();
        break;
    case ClientState::TlsHandshake:
        break; // the socket reads the handshake itself
    case ClientState::Body:
        forwardBody(true);
        break;
    case ClientState::Idle:
        break; // the next request waits in the socket until this response is done
    case ClientState::Raw:
    case ClientState::WebSocket:
        pump(true);
        break;
    case ClientState::Closing:
        drainClosing(true);
        break;
    }
}

void RelaySession::processClientBuffer()
{
    while (m_clientState == ClientState::Head || m_clientState == ClientState::Sniff) {
        if (m_clientBuf.isEmpty())
            return;
        if (m_clientState == ClientState::Sniff) {
            // First bytes inside a CONNECT tunnel: plain HTTP (ws:// through a
            // proxy) is parsed and captured; anything else (TLS) is forwarded.
            if (!looksLikeHttpMethod(m_clientBuf.at(0))) {
                if (m_clientBuf.at(0) == 0x16 && !m_helloSniffed && shouldIntercept()
                    && m_client->unread(m_clientBuf)) {
                    // A ClientHello that came with the CONNECT request (same
                    // packet): back into the socket, where the handshake reads it.
                    m_clientBuf.clear();
                    sniffClientHello();
                    return;
                }
                startRawTunnel();
                return;
            }
            m_clientState = ClientState::Head;
        }
        const HeadReader::Result st = m_requestReader.read(m_clientBuf);
        if (st == HeadReader::Result::NeedMore)
            return;
        if (st == HeadReader::Result::TooLarge) {
            failRequest(431, "Request Header Fields Too Large", m_requestReader.errorString());
            return;
        }
        if (st == HeadReader::Result::Invalid) {
            failRequest(400, "Bad Request", m_requestReader.errorString());
            return;
        }
        m_clientBuf.remove(0, m_requestReader.headLength());
        if (!handleRequestHead(m_requestReader.takeHead()))
            return;
    }
}

bool RelaySession::handleRequestHead(HttpHead head)
{
    const RelayConfig &cfg = m_ctx->config;
    m_info = ConnectionInfo();
    m_info.openedUs = nowUs();
    m_info.mode = cfg.mode == RelayMode::ReverseProxy ? ConnectionMode::ReverseProxy : ConnectionMode::ExplicitProxy;
    m_info.clientEndpoint = m_clientEndpoint;
    m_info.tls = m_clientTls || m_upTls;
    m_info.insecureUpstream = m_upTls && cfg.insecureUpstream;
    m_info.requestMethod = head.method;
    m_info.requestTarget = head.target;
    m_info.requestHeaders = head.headers;
    m_responseStarted = false;

    QByteArray host;
    quint16 port = 0;
    if (!m_fixedTarget) {
        if (head.method == "CONNECT") {
            if (!parseAuthority(head.target, host, port)) {
                m_info.url = QString::fromLatin1(head.target);
                failRequest(400, "Bad Request", QStringLiteral("CONNECT needs host:port"));
                return false;
            }
            m_info.url = QString::fromLatin1(head.target);
            m_connectAuthority = head.target;
            m_request = head;
            m_requestIsUpgrade = false;
            attachWriter(true); // after a refused upgrade on this connection: half-close again
            m_clientState = ClientState::Idle;
            connectUpstream(host, port);
            return false; // the tunnel starts when the upstream connects
        }
        const QUrl url = QUrl::fromEncoded(head.target, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty()
            || (scheme != QLatin1String("http") && scheme != QLatin1String("ws"))) {
            m_info.url = QString::fromLatin1(head.target);
            if (scheme == QLatin1String("https") || scheme == QLatin1String("wss"))
                failRequest(400, "Bad Request", QStringLiteral("use CONNECT for %1 URLs").arg(scheme));
            else
                failRequest(400, "Bad Request",
                            QStringLiteral("this is an HTTP proxy: requests need an absolute http:// URL or CONNECT"));
            return false;
        }
        host = url.host(QUrl::FullyEncoded).toLatin1();
        port = quint16(url.port(80));
        head.target = pathAndQuery(url);
        // RFC 9112 3.2.2: a proxy replaces Host with the absolute-form target's authority.
        const QByteArray authority = authorityString(host, port, 80);
        bool firstHost = true; // keep the first Host (in its place), drop any others
        head.headers.removeIf([&firstHost](const QPair<QByteArray, QByteArray> &h) {
            if (h.first.compare("Host", Qt::CaseInsensitive) != 0)
                return false;
            const bool drop = !firstHost;
            firstHost = false;
            return drop;
        });
        head.setHeader("Host", authority);
    } else {
        host = m_fixedHost;
        port = m_fixedPort;
        if (head.target.startsWith("http://") || head.target.startsWith("ws://")
            || head.target.startsWith("https://") || head.target.startsWith("wss://"))
            head.target = pathAndQuery(QUrl::fromEncoded(head.target));
        // --upstream ws://host:port/feed: a client asking for "/" gets /feed;
        // any other path is the client's own.
        if (head.target == "/" && !m_upstreamRootTarget.isEmpty() && !m_tunneled)
            head.target = m_upstreamRootTarget;
        if (m_rewriteHost)
            head.setHeader("Host", authorityString(host, port, m_upTls ? 443 : 80));
    }

    m_requestIsUpgrade = head.hasToken("Upgrade", "websocket") && head.hasToken("Connection", "upgrade");
    // The duplicate descriptors that carry half-close (TcpWriter) are for
    // plain HTTP and raw tunnels; a WebSocket handshake gives its own back at
    // once, so 10,000 handshakes at a time need 20,000 descriptors, not 40,000.
    if (m_requestIsUpgrade)
        retireWriter(true);
    else if (!m_clientTls && !m_tlsListener)
        attachWriter(true); // a plain request after a refused upgrade on the same connection
    m_requestKeepAlive = !head.hasToken("Connection", "close") && !head.hasToken("Proxy-Connection", "close")
                         && !(isHttp10(head) && !head.hasToken("Connection", "keep-alive")
                              && !head.hasToken("Proxy-Connection", "keep-alive"));
    if (!m_fixedTarget || m_tunneled || cfg.mode == RelayMode::ReverseProxy) {
        // Hop-by-hop fields meant for the proxy (RFC 7230 6.1); an upgrade keeps
        // Connection/Upgrade, which the server needs.
        head.removeHeader("Proxy-Connection");
        head.removeHeader("Proxy-Authorization");
        if (!m_requestIsUpgrade && !head.hasToken("Connection", "upgrade")) {
            for (const auto &h : HttpHead(head).headers)
                if (h.first.compare("Connection", Qt::CaseInsensitive) == 0)
                    for (const QByteArray &token : h.second.split(','))
                        if (!token.trimmed().isEmpty())
                            head.removeHeader(token.trimmed());
            head.removeHeader("Connection");
            head.removeHeader("Keep-Alive");
            if (!m_requestKeepAlive)
                head.setHeader("Connection", "close");
        }
    }
    if (!m_requestBody.setupForRequest(head)) {
        failRequest(400, "Bad Request", QStringLiteral("request body length is not delimited"));
        return false;
    }

    const QByteArray scheme = m_upTls ? (m_requestIsUpgrade ? "wss://" : "https://")
                                      : (m_requestIsUpgrade ? "ws://" : "http://");
    m_info.url = QString::fromLatin1(scheme + authorityString(host, port, m_upTls ? 443 : 80) + head.target);
    m_info.serverEndpoint = QString::fromLatin1(authorityString(host, port, 0));
    m_request = head;
    m_requestWire = head.toBytes();
    if (m_requestIsUpgrade) {
        m_info.requestHeaders = head.headers; // as forwarded
        m_info.requestTarget = head.target;
        openRecord();
    }
    m_clientState = ClientState::Idle;
    if (m_requestIsUpgrade && m_ctx->interceptor && m_pendingFailure.isEmpty()) {
        const HttpLimits limits = headLimits(cfg);
        const quint64 held = m_ctx->interceptor->holdHandshake(
            intercept::HandshakeStage::Request, m_info.id, m_info.url, QString::fromLatin1(host), m_requestWire, this,
            [limits](const QByteArray &text) {
                HttpHead h;
                return parseEditedHead(text, true, limits, &h);
            },
            [this](intercept::HeldOutcome outcome, const QByteArray &text) { releaseHeldRequest(int(outcome), text); });
        if (held) {
            m_heldHandshake = held;
            m_heldHost = host;
            m_heldPort = port;
            return false; // the request waits at the breakpoint
        }
    }
    dispatchRequest(host, port);
    return m_clientState == ClientState::Head;
}

void RelaySession::dispatchRequest(const QByteArray &host, quint16 port)
{
    if (!m_pendingFailure.isEmpty()) {
        // The server side of this tunnel failed before the client's first request.
        failRequest(502, "Bad Gateway", m_pendingFailure);
        return;
    }
    m_requestWaiting = true;
    if (m_upstream && m_upState == UpstreamState::None && m_upHost == host && m_upPort == port
        && m_upstream->state() == QAbstractSocket::ConnectedState) {
        m_reusedUpstream = true;
        sendRequestUpstream();
    } else if (m_upstream && m_upState == UpstreamState::Connecting && m_upHost == host && m_upPort == port) {
        // The tunnel's TLS handshake with the server is still running: the request waits.
    } else {
        connectUpstream(host, port);
    }
}

void RelaySession::releaseHeldRequest(int outcome, const QByteArray &text)
{
    if (m_heldHandshake == 0 || !m_client || m_clientState != ClientState::Idle || m_finished)
        return;
    m_heldHandshake = 0;
    const auto o = intercept::HeldOutcome(outcome);
    if (o == intercept::HeldOutcome::Dropped) {
        failRequest(502, "Bad Gateway", QStringLiteral("the handshake request was dropped at a breakpoint"));
        return;
    }
    if (o == intercept::HeldOutcome::Edited) {
        HttpHead edited;
        QByteArray wire;
        const QString why = parseEditedHead(text, true, headLimits(m_ctx->config),
                                            &edited, &wire);
        if (!why.isEmpty() || !m_requestBody.setupForRequest(edited)) {
            failRequest(400, "Bad Request", why.isEmpty() ? QStringLiteral("the edited request body length is not delimited") : why);
            return;
        }
        // The record keeps what goes to the server.
        if (m_info.url.endsWith(QString::fromLatin1(m_request.target)))
            m_info.url = m_info.url.left(m_info.url.size() - m_request.target.size()) + QString::fromLatin1(edited.target);
        m_request = edited;
        m_requestWire = wire;
        m_info.requestMethod = edited.method;
        m_info.requestTarget = edited.target;
        m_info.requestHeaders = edited.headers;
        if (m_ctx->sink && m_recordOpen)
            m_ctx->sink->updateConnection(m_info);
    }
    dispatchRequest(m_heldHost, m_heldPort);
}

void RelaySession::releaseHeldResponse(int outcome, const QByteArray &text)
{
    if (m_heldHandshake == 0 || m_upState != UpstreamState::HeldHead || !m_client || m_finished)
        return;
    m_heldHandshake = 0;
    const auto o = intercept::HeldOutcome(outcome);
    if (o == intercept::HeldOutcome::Dropped) {
        failRequest(502, "Bad Gateway", QStringLiteral("the handshake response was dropped at a breakpoint"));
        return;
    }
    HttpHead response;
    QByteArray wire;
    const QString why = parseEditedHead(text, false, headLimits(m_ctx->config),
                                        &response, &wire);
    if (!why.isEmpty()) {
        failRequest(502, "Bad Gateway", why);
        return;
    }
    // Unchanged: exactly the bytes the server sent.
    writeTo(true, o == intercept::HeldOutcome::Edited ? wire : text);
    startWebSocket(response);
}

void RelaySession::cancelHeldHandshake()
{
    if (m_heldHandshake == 0)
        return;
    if (m_ctx->interceptor)
        m_ctx->interceptor->cancelHandshake(m_heldHandshake);
    m_heldHandshake = 0;
}

void RelaySession::connectUpstream(const QByteArray &host, quint16 port)
{
    discardUpstream();
    m_reusedUpstream = false;
    m_upHost = host;
    m_upPort = port;
    m_upState = UpstreamState::Connecting;
    m_upBuf.clear();
    m_responseReader.reset();
    m_upTcpConnected = false;
    const RelayConfig &cfg = m_ctx->config;
    m_upstream = new tls::TlsSocket(this);
    m_upstream->setReadBufferSize(cfg.readBufferSize);
    connect(m_upstream, &tls::TlsSocket::connected, this, [this] {
        m_upTcpConnected = true;
        if (m_upTls) {
            startUpstreamHandshake(); // encrypted() continues in onUpstreamConnected()
            return;
        }
        if (!m_requestIsUpgrade)
            attachWriter(false);
        onUpstreamConnected();
    });
    connect(m_upstream, &tls::TlsSocket::encrypted, this, &RelaySession::onUpstreamConnected);
    connect(m_upstream, &tls::TlsSocket::readyRead, this, &RelaySession::onUpstreamReadyRead);
    connect(m_upstream, &tls::TlsSocket::disconnected, this, &RelaySession::onUpstreamDisconnected);
    connect(m_upstream, &tls::TlsSocket::errorOccurred, this, &RelaySession::onUpstreamError);
    connect(m_upstream, &tls::TlsSocket::bytesWritten, this, [this] { onBytesWritten(false); });
    m_timer.start(cfg.connectTimeoutMs);
    m_upstream->connectToHost(QString::fromLatin1(host), port); // TLS starts once TCP is up
}

void RelaySession::onUpstreamConnected()
{
    if (m_upTls && !m_upstream->isEncrypted())
        return; // TCP is up; the request waits for the TLS handshake
    m_timer.stop();
    if (m_clientState == ClientState::TlsHandshake)
        m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs); // the client's handshake still runs
    m_upstream->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_info.serverEndpoint = endpointString(m_upstream->peerAddress(), m_upstream->peerPort());
    if (!m_connectAuthority.isEmpty()) {
        // CONNECT tunnel established.
        QByteArray host;
        quint16 port = 0;
        parseAuthority(m_connectAuthority, host, port);
        m_connectAuthority.clear();
        writeTo(true, QByteArrayLiteral("HTTP/1.1 200 Connection established\r\n\r\n"));
        m_tunneled = true;
        m_fixedTarget = true;
        m_rewriteHost = false;
        m_fixedHost = host;
        m_fixedPort = port;
        m_upState = UpstreamState::None;
        m_clientState = ClientState::Sniff;
        processClientBuffer();
        if (m_clientState == ClientState::Sniff && m_client->bytesAvailable() > 0)
            onClientReadyRead();
        return;
    }
    if (m_requestWaiting)
        sendRequestUpstream();
    else
        m_upState = UpstreamState::None; // an intercepted tunnel: ready for the first request
}

void RelaySession::sendRequestUpstream()
{
    m_requestWaiting = false;
    if (!m_requestIsUpgrade && !m_upTls)
        attachWriter(false); // a kept-alive server connection first opened for an upgrade
    writeTo(false, m_requestWire);
    m_upState = UpstreamState::Head;
    m_upBuf.clear();
    m_responseReader.reset();
    if (m_requestBody.done()) {
        m_clientState = ClientState::Idle;
    } else {
        m_clientState = ClientState::Body;
        const qsizetype n = m_requestBody.consume(m_clientBuf.constData(), m_clientBuf.size());
        if (n > 0) {
            writeTo(false, m_clientBuf.left(n));
            m_clientBuf.remove(0, n);
        }
        if (m_requestBody.done())
            m_clientState = ClientState::Idle;
        else if (m_client && m_client->bytesAvailable() > 0)
            onClientReadyRead();
    }
    if (m_clientEof && m_clientBuf.isEmpty() && m_requestBody.done() && m_writer[0])
        halfCloseToward(false); // the client half-closed after this request: pass its FIN on
    if (m_upstream && m_upstream->bytesAvailable() > 0)
        onUpstreamReadyRead();
}

void RelaySession::onUpstreamError()
{
    if (!m_upstream)
        return;
    if (m_upState == UpstreamState::Connecting) {
        upstreamConnectFailed(upstreamFailureMessage());
        return;
    }
    if (m_upstream->error() != QAbstractSocket::RemoteHostClosedError && m_closeDetail.isEmpty())
        m_closeDetail = QStringLiteral("server connection error: %1").arg(m_upstream->errorString());
}

// The server could not be reached (refused, unresolvable, timed out, TLS
// failed): 502 with the reason, now or, inside an intercepted tunnel whose
// client has not sent its request yet, in answer to that request.
void RelaySession::upstreamConnectFailed(const QString &message)
{
    m_timer.stop();
    if (m_tunneled && !m_requestWaiting && m_upstream) {
        // An intercepted tunnel whose client has not sent a request yet:
        // answer its first request with the 502.
        m_pendingFailure = message;
        discardUpstream();
        m_upState = UpstreamState::None;
        if (m_clientState == ClientState::TlsHandshake)
            m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
        return;
    }
    failRequest(502, "Bad Gateway", message);
}

void RelaySession::onUpstreamReadyRead()
{
    if (!m_upstream)
        return;
    switch (m_upState) {
    case UpstreamState::None:
        if (m_clientState == ClientState::Sniff)
            startRawTunnel(); // the server speaks first: not HTTP
        break;
    case UpstreamState::Connecting:
    case UpstreamState::HeldHead: // frames after the held 101 wait in the socket
        break;
    case UpstreamState::Head:
        m_upBuf += m_upstream->readAll();
        processUpstreamBuffer();
        break;
    case UpstreamState::Body:
        forwardBody(false);
        break;
    case UpstreamState::Raw:
    case UpstreamState::WebSocket:
        pump(false);
        break;
    case UpstreamState::Closing:
        drainClosing(false);
        break;
    }
}

void RelaySession::processUpstreamBuffer()
{
    while (m_upState == UpstreamState::Head && !m_upBuf.isEmpty()) {
        const HeadReader::Result st = m_responseReader.read(m_upBuf);
        if (st == HeadReader::Result::NeedMore)
            return;
        if (st != HeadReader::Result::Complete) {
            failRequest(502, "Bad Gateway",
                        QStringLiteral("invalid response from the server: %1").arg(m_responseReader.errorString()));
            return;
        }
        handleResponseHead(m_responseReader.takeHead(), m_responseReader.headLength());
    }
}

void RelaySession::handleResponseHead(const HttpHead &head, qsizetype headLength)
{
    const QByteArray headBytes = m_upBuf.left(headLength); // forwarded exactly as received
    m_upBuf.remove(0, headLength);
    if (head.statusCode == 101 && m_requestIsUpgrade && head.hasToken("Upgrade", "websocket") && m_ctx->interceptor) {
        const HttpLimits limits = headLimits(m_ctx->config);
        const quint64 held = m_ctx->interceptor->holdHandshake(
            intercept::HandshakeStage::Response, m_info.id, m_info.url, QString::fromLatin1(m_upHost), headBytes, this,
            [limits](const QByteArray &text) {
                HttpHead h;
                return parseEditedHead(text, false, limits, &h);
            },
            [this](intercept::HeldOutcome outcome, const QByteArray &text) { releaseHeldResponse(int(outcome), text); });
        if (held) {
            m_heldHandshake = held;
            m_upState = UpstreamState::HeldHead; // later server bytes wait in the socket
            return;
        }
    }
    writeTo(true, headBytes);
    if (head.statusCode == 101) {
        if (m_requestIsUpgrade && head.hasToken("Upgrade", "websocket"))
            startWebSocket(head);
        else
            startRawTunnel();
        return;
    }
    if (head.statusCode < 200)
        return; // 100 Continue and friends: the final response follows
    m_responseStarted = true;
    if (!m_requestIsUpgrade)
        emit traffic(QStringLiteral("http %1 %2 from %3: %4 %5")
                         .arg(QString::fromLatin1(m_request.method), m_info.url, m_clientEndpoint)
                         .arg(head.statusCode)
                         .arg(QString::fromLatin1(head.reason)));
    if (m_requestIsUpgrade && m_recordOpen) {
        m_info.responseStatus = head.statusCode;
        m_info.responseReason = head.reason;
        m_info.responseHeaders = head.headers;
        finishRecord(QStringLiteral("server refused the upgrade: %1 %2")
                         .arg(head.statusCode)
                         .arg(QString::fromLatin1(head.reason)));
    }
    m_responseBody.setupForResponse(head, m_request.method);
    m_responseKeepAlive = !head.hasToken("Connection", "close")
                          && !(isHttp10(head) && !head.hasToken("Connection", "keep-alive"))
                          && m_responseBody.kind() != BodyTracker::Kind::UntilClose;
    m_upState = UpstreamState::Body;
    if (!m_upBuf.isEmpty()) {
        const qsizetype n = m_responseBody.consume(m_upBuf.constData(), m_upBuf.size());
        if (n > 0) {
            writeTo(true, n == m_upBuf.size() ? m_upBuf : m_upBuf.left(n));
            m_upBuf.remove(0, n);
        }
    }
    if (m_responseBody.done())
        responseComplete();
    else if (m_upstream->bytesAvailable() > 0)
        onUpstreamReadyRead();
}

// Request (fromClient) or response body bytes, forwarded untouched up to the
// end BodyTracker finds; what follows waits in m_clientBuf / m_upBuf.
void RelaySession::forwardBody(bool fromClient)
{
    const int idx = fromClient ? 0 : 1;
    BodyTracker &body = fromClient ? m_requestBody : m_responseBody;
    const auto inBody = [this, fromClient] {
        return fromClient ? m_clientState == ClientState::Body : m_upState == UpstreamState::Body;
    };
    tls::TlsSocket *src = nullptr;
    while (inBody() && (src = source(fromClient)) != nullptr && src->bytesAvailable() > 0) {
        if (!destination(fromClient) || pendingWrite(!fromClient) > m_ctx->config.maxPendingWrite) {
            m_paused[idx] = true;
            return;
        }
        const QByteArray chunk = src->read(qMin(src->bytesAvailable(), kMaxChunk));
        const qsizetype n = body.consume(chunk.constData(), chunk.size());
        if (n == chunk.size()) {
            writeTo(!fromClient, chunk);
        } else {
            if (n > 0)
                writeTo(!fromClient, chunk.left(n));
            (fromClient ? m_clientBuf : m_upBuf) = chunk.mid(n);
        }
        if (body.done()) {
            if (fromClient)
                m_clientState = ClientState::Idle;
            else
                responseComplete();
        }
    }
    m_paused[idx] = false;
}

void RelaySession::responseComplete()
{
    m_upState = UpstreamState::None;
    m_reusedUpstream = false;
    if (!m_requestKeepAlive || m_clientState == ClientState::Body) {
        m_clientState = ClientState::Closing;
        closeClientGracefully();
        closeUpstreamGracefully();
        return;
    }
    if (!m_responseKeepAlive) {
        if (m_tunneled) {
            // The tunnel's only server is gone: end the tunnel too.
            m_clientState = ClientState::Closing;
            closeClientGracefully();
            closeUpstreamGracefully();
            return;
        }
        closeUpstreamGracefully();
    }
    m_clientState = ClientState::Head;
    processClientBuffer();
    if (m_clientEof && m_clientState == ClientState::Head) {
        // The client half-closed: no further request can come.
        m_clientState = ClientState::Closing;
        closeClientGracefully();
        closeUpstreamGracefully();
        return;
    }
    if (m_clientState == ClientState::Head && m_client && m_client->bytesAvailable() > 0)
        onClientReadyRead();
}

void RelaySession::failRequest(int status, const QByteArray &reason, const QString &message)
{
    m_timer.stop();
    if (!m_recordOpen && !m_info.url.isEmpty())
        openRecord();
    if (m_recordOpen) {
        m_info.responseStatus = status;
        m_info.responseReason = reason;
        finishRecord(message);
    }
    if (canWrite(true) && !m_responseStarted) {
        const QByteArray body = "wslens: " + message.toUtf8() + '\n';
        QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
                              + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                              + QByteArray::number(body.size())
                              + "\r\nConnection: close\r\nProxy-Connection: close\r\n\r\n" + body;
        writeTo(true, response);
    }
    discardUpstream();
    m_upState = UpstreamState::Closing;
    m_clientState = ClientState::Closing;
    closeClientGracefully();
}

} // namespace wslens::relay
