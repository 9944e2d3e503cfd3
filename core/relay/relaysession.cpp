#include "relay/relaysession.h"

#include "intercept/connectionintercept.h"
#include "relay/handshakehold.h"
#include "protocol/permessagedeflate.h"

#include "protocol/handshake.h"
#include "relay/closeframe.h"
#include "tls/certificateauthority.h"
#include "tls/clienthello.h"
#include "tls/leafname.h"

#include <QPointer>
#include <QSslSocket>
#include <QUrl>

#include <sys/socket.h>
#include <unistd.h>

namespace wslens::relay {

namespace {

constexpr qint64 kMaxChunk = qint64(1) << 20;

QString endpointString(const QHostAddress &address, quint16 port)
{
    QHostAddress a = address;
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    if (isV4)
        a = QHostAddress(v4);
    if (a.protocol() == QAbstractSocket::IPv6Protocol)
        return QLatin1Char('[') + a.toString() + QStringLiteral("]:") + QString::number(port);
    return a.toString() + QLatin1Char(':') + QString::number(port);
}

QByteArray authorityString(const QByteArray &host, quint16 port, quint16 defaultPort)
{
    QByteArray h = host.contains(':') ? '[' + host + ']' : host;
    if (port != defaultPort)
        h += ':' + QByteArray::number(port);
    return h;
}

// "host:port" or "[v6]:port" (CONNECT authority-form).
bool parseAuthority(const QByteArray &authority, QByteArray &host, quint16 &port)
{
    qsizetype colon = authority.lastIndexOf(':');
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint p = authority.mid(colon + 1).toUInt(&ok);
    if (!ok || p == 0 || p > 65535)
        return false;
    host = authority.left(colon);
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    port = quint16(p);
    return !host.isEmpty();
}

QByteArray pathAndQuery(const QUrl &url)
{
    QByteArray p = url.path(QUrl::FullyEncoded).toLatin1();
    if (p.isEmpty())
        p = "/";
    if (url.hasQuery())
        p += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return p;
}

bool isHttp10(const HttpHead &head)
{
    return head.versionMajor == 1 && head.versionMinor == 0;
}

HttpLimits headLimits(const RelayConfig &cfg)
{
    HttpLimits limits;
    limits.maxHeaderBytes = std::size_t(cfg.maxHeadBytes);
    limits.maxHeaderLines = cfg.maxHeadLines;
    return limits;
}

bool looksLikeHttpMethod(char c)
{
    return c >= 'A' && c <= 'Z';
}

QString hostText(const QHostAddress &address)
{
    QHostAddress a = address;
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    if (isV4)
        a = QHostAddress(v4);
    return a.toString();
}

} // namespace

RelaySession::RelaySession(qintptr descriptor, std::shared_ptr<const SessionContext> context, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
{
    const RelayConfig &cfg = m_ctx->config;
    auto *client = new QSslSocket(this);
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
    connect(m_client, &QSslSocket::readyRead, this, &RelaySession::onClientReadyRead);
    connect(m_client, &QSslSocket::disconnected, this, &RelaySession::onClientDisconnected);
    connect(m_client, &QSslSocket::bytesWritten, this, [this] { onBytesWritten(true); });
    connect(m_client, &QSslSocket::encryptedBytesWritten, this, [this] { onBytesWritten(true); });
    connect(m_client, &QSslSocket::encrypted, this, &RelaySession::onClientEncrypted);

    if (cfg.mode == RelayMode::ReverseProxy) {
        m_fixedTarget = true;
        m_rewriteHost = true;
        m_fixedHost = cfg.upstream.host(QUrl::FullyEncoded).toLatin1();
        m_upTls = cfg.upstream.scheme() == QLatin1String("wss") || cfg.upstream.scheme() == QLatin1String("https");
        m_upPeerName = m_fixedHost;
        m_fixedPort = quint16(cfg.upstream.port(m_upTls ? 443 : 80));
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
            failRequest(504, "Gateway Timeout",
                        QStringLiteral("timed out %1 %2:%3")
                            .arg(m_upTcpConnected ? QStringLiteral("in the TLS handshake with")
                                                  : QStringLiteral("connecting to"),
                                 QString::fromLatin1(m_upHost))
                            .arg(m_upPort));
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

QSslSocket *RelaySession::source(bool fromClient) const
{
    return fromClient ? m_client : m_upstream;
}

QSslSocket *RelaySession::destination(bool fromClient) const
{
    return fromClient ? m_upstream : m_client;
}

qint64 RelaySession::pendingWrite(bool toClient) const
{
    if (const TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        return w->pending();
    const QSslSocket *s = toClient ? m_client : m_upstream;
    return s ? s->bytesToWrite() + s->encryptedBytesToWrite() : 0;
}

bool RelaySession::canWrite(bool toClient) const
{
    if (const TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        return w->isWritable();
    const QSslSocket *s = toClient ? m_client : m_upstream;
    return s && s->state() == QAbstractSocket::ConnectedState;
}

void RelaySession::writeTo(bool toClient, const QByteArray &bytes)
{
    if (TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        w->write(bytes);
    else if (QSslSocket *s = toClient ? m_client : m_upstream)
        s->write(bytes);
}

void RelaySession::writeTo(bool toClient, const char *data, qsizetype size)
{
    if (TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        w->write(data, size);
    else if (QSslSocket *s = toClient ? m_client : m_upstream)
        s->write(data, size);
}

void RelaySession::attachWriter(bool clientSide)
{
    QSslSocket *s = clientSide ? m_client : m_upstream;
    auto &w = m_writer[clientSide ? 1 : 0];
    if (!s || w)
        return;
    w = TcpWriter::duplicate(s->socketDescriptor());
    if (!w)
        return; // no descriptor left: Qt writes (no half-close on this side)
    connect(w.get(), &TcpWriter::bytesWritten, this, [this, clientSide] { onBytesWritten(clientSide); });
    connect(w.get(), &TcpWriter::closed, this, [this, clientSide] { onWriterClosed(clientSide); });
}

void RelaySession::retireWriter(bool clientSide)
{
    auto &w = m_writer[clientSide ? 1 : 0];
    if (!w)
        return;
    const QByteArray rest = w->takePendingAndRelease();
    w->disconnect(this);
    w.release()->deleteLater();
    if (QSslSocket *s = clientSide ? m_client : m_upstream; s && !rest.isEmpty())
        s->write(rest); // still plain: encryption has not started yet
}

void RelaySession::dropWriter(bool clientSide)
{
    auto &w = m_writer[clientSide ? 1 : 0];
    if (!w)
        return;
    w->disconnect(this);
    w->abort();
    w.release()->deleteLater();
}

void RelaySession::halfCloseToward(bool toClient)
{
    if (TcpWriter *w = m_writer[toClient ? 1 : 0].get()) {
        w->shutdownWhenFlushed();
        return;
    }
    m_halfClosePending[toClient ? 1 : 0] = true;
    if (pendingWrite(toClient) == 0)
        shutdownWrite(toClient);
}

void RelaySession::onWriterClosed(bool toClient)
{
    TcpWriter *w = m_writer[toClient ? 1 : 0].get();
    QSslSocket *reader = toClient ? m_client : m_upstream;
    if (w && w->failed() && (!reader || reader->state() == QAbstractSocket::UnconnectedState)) {
        // A peer that had half-closed is gone for good: what the other side
        // sends has nowhere to go.
        if (toClient)
            m_upState = UpstreamState::Closing;
        else
            m_clientState = ClientState::Closing;
        closeSide(!toClient);
    }
    maybeFinish();
}

bool RelaySession::pumping(bool fromClient) const
{
    if (fromClient)
        return m_clientState == ClientState::WebSocket || m_clientState == ClientState::Raw;
    return m_upState == UpstreamState::WebSocket || m_upState == UpstreamState::Raw;
}

// ---- client side -----------------------------------------------------------

void RelaySession::onClientReadyRead()
{
    if (!m_client)
        return;
    switch (m_clientState) {
    case ClientState::Sniff:
        if (m_clientBuf.isEmpty() && shouldIntercept()) {
            char first = 0;
            if (m_client->peek(&first, 1) == 1 && first == 0x16) {
                sniffClientHello(); // a TLS ClientHello: the bytes stay for QSslSocket
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
        break; // QSslSocket reads the handshake itself
    case ClientState::Body: {
        while (m_clientState == ClientState::Body && m_client->bytesAvailable() > 0) {
            if (!m_upstream || pendingWrite(false) > m_ctx->config.maxPendingWrite) {
                m_paused[0] = true;
                return;
            }
            const QByteArray chunk = m_client->read(qMin(m_client->bytesAvailable(), kMaxChunk));
            const qsizetype n = m_requestBody.consume(chunk.constData(), chunk.size());
            if (n == chunk.size()) {
                writeTo(false, chunk);
            } else {
                if (n > 0)
                    writeTo(false, chunk.left(n));
                m_clientBuf = chunk.mid(n);
            }
            if (m_requestBody.done())
                m_clientState = ClientState::Idle;
        }
        m_paused[0] = false;
        break;
    }
    case ClientState::Idle:
        break; // the next request waits in the socket until this response is done
    case ClientState::Raw:
    case ClientState::WebSocket:
        pump(true);
        break;
    case ClientState::Closing:
        // The connection is closing: late frames (a close reply) are still
        // recorded; forwardChunk only writes to a side that is still connected.
        while (m_client && m_client->bytesAvailable() > 0) {
            const QByteArray chunk = m_client->read(qMin(m_client->bytesAvailable(), kMaxChunk));
            if (m_wsActive)
                forwardChunk(true, chunk);
        }
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
        if (!head.hasHeader("Host"))
            head.setHeader("Host", authorityString(host, port, 80));
    } else {
        host = m_fixedHost;
        port = m_fixedPort;
        if (head.target.startsWith("http://") || head.target.startsWith("ws://")
            || head.target.startsWith("https://") || head.target.startsWith("wss://"))
            head.target = pathAndQuery(QUrl::fromEncoded(head.target));
        if (m_rewriteHost)
            head.setHeader("Host", authorityString(host, port, m_upTls ? 443 : 80));
    }

    m_requestIsUpgrade = head.hasToken("Upgrade", "websocket") && head.hasToken("Connection", "upgrade");
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
    if (m_upstream) {
        dropWriter(false);
        m_upstream->disconnect(this);
        m_upstream->abort();
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    m_reusedUpstream = false;
    m_upHost = host;
    m_upPort = port;
    m_upState = UpstreamState::Connecting;
    m_upBuf.clear();
    m_responseReader.reset();
    m_upTcpConnected = false;
    m_upTlsErrors.clear();
    const RelayConfig &cfg = m_ctx->config;
    m_upstream = new QSslSocket(this);
    m_upstream->setReadBufferSize(cfg.readBufferSize);
    connect(m_upstream, &QSslSocket::connected, this, [this] {
        m_upTcpConnected = true;
        if (!m_upTls)
            attachWriter(false);
        onUpstreamConnected();
    });
    connect(m_upstream, &QSslSocket::encrypted, this, &RelaySession::onUpstreamConnected);
    connect(m_upstream, &QSslSocket::readyRead, this, &RelaySession::onUpstreamReadyRead);
    connect(m_upstream, &QSslSocket::disconnected, this, &RelaySession::onUpstreamDisconnected);
    connect(m_upstream, &QSslSocket::errorOccurred, this, &RelaySession::onUpstreamError);
    connect(m_upstream, &QSslSocket::bytesWritten, this, [this] { onBytesWritten(false); });
    connect(m_upstream, &QSslSocket::encryptedBytesWritten, this, [this] { onBytesWritten(false); });
    connect(m_upstream, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts.append(e.errorString());
        if (m_ctx->config.insecureUpstream) {
            m_upstream->ignoreSslErrors(); // recorded: ConnectionInfo::insecureUpstream
            return;
        }
        m_upTlsErrors = texts.join(QStringLiteral("; "));
    });
    m_timer.start(cfg.connectTimeoutMs);
    if (m_upTls) {
        setUpUpstreamSocket();
        m_upstream->setReadBufferSize(cfg.tlsReadBufferSize);
        m_upstream->connectToHostEncrypted(QString::fromLatin1(host), port, QString::fromLatin1(m_upPeerName));
    } else {
        m_upstream->connectToHost(QString::fromLatin1(host), port);
    }
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
    if (m_clientEof && m_clientBuf.isEmpty() && m_requestBody.done())
        halfCloseToward(false); // the client half-closed after this request: pass its FIN on
    if (m_upstream && m_upstream->bytesAvailable() > 0)
        onUpstreamReadyRead();
}

void RelaySession::onUpstreamError()
{
    if (!m_upstream)
        return;
    if (m_upState == UpstreamState::Connecting) {
        const QString message = upstreamFailureMessage();
        m_timer.stop();
        if (m_tunneled && !m_requestWaiting) {
            // An intercepted tunnel whose client has not sent a request yet:
            // answer its first request with the 502.
            m_pendingFailure = message;
            dropWriter(false);
            m_upstream->disconnect(this);
            m_upstream->abort();
            m_upstream->deleteLater();
            m_upstream = nullptr;
            m_upState = UpstreamState::None;
            if (m_clientState == ClientState::TlsHandshake)
                m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
            return;
        }
        failRequest(502, "Bad Gateway", message);
        return;
    }
    if (m_upstream->error() != QAbstractSocket::RemoteHostClosedError && m_closeDetail.isEmpty())
        m_closeDetail = QStringLiteral("server connection error: %1").arg(m_upstream->errorString());
}

// ---- upstream side ---------------------------------------------------------

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
        while (m_upState == UpstreamState::Body && m_upstream && m_upstream->bytesAvailable() > 0) {
            if (pendingWrite(true) > m_ctx->config.maxPendingWrite) {
                m_paused[1] = true;
                return;
            }
            const QByteArray chunk = m_upstream->read(qMin(m_upstream->bytesAvailable(), kMaxChunk));
            const qsizetype n = m_responseBody.consume(chunk.constData(), chunk.size());
            if (n == chunk.size()) {
                writeTo(true, chunk);
            } else {
                if (n > 0)
                    writeTo(true, chunk.left(n));
                m_upBuf = chunk.mid(n);
            }
            if (m_responseBody.done())
                responseComplete();
        }
        m_paused[1] = false;
        break;
    case UpstreamState::Raw:
    case UpstreamState::WebSocket:
        pump(false);
        break;
    case UpstreamState::Closing:
        while (m_upstream && m_upstream->bytesAvailable() > 0) {
            const QByteArray chunk = m_upstream->read(qMin(m_upstream->bytesAvailable(), kMaxChunk));
            if (m_wsActive)
                forwardChunk(false, chunk);
        }
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

// ---- WebSocket and raw tunnels ---------------------------------------------

void RelaySession::startWebSocket(const HttpHead &response)
{
    const RelayConfig &cfg = m_ctx->config;
    m_info.responseStatus = response.statusCode;
    m_info.responseReason = response.reason;
    m_info.responseHeaders = response.headers;
    m_info.subprotocol = response.header("Sec-WebSocket-Protocol");
    m_info.extensions = response.header("Sec-WebSocket-Extensions");
    m_info.handshakeDoneUs = nowUs();
    const QByteArray accept = response.header("Sec-WebSocket-Accept").trimmed();
    if (accept != computeWebSocketAccept(m_request.header("Sec-WebSocket-Key").trimmed()))
        m_closeDetail = QStringLiteral("Sec-WebSocket-Accept does not match the request's key");

    bool deflate = false;
    for (const auto &h : response.headers)
        if (h.first.compare("Sec-WebSocket-Extensions", Qt::CaseInsensitive) == 0)
            for (const QByteArray &ext : h.second.split(','))
                if (ext.split(';').first().trimmed().compare("permessage-deflate", Qt::CaseInsensitive) == 0)
                    deflate = true;

    StreamCaptureOptions opts;
    opts.deflate = deflate;
    opts.strict = cfg.strict;
    opts.maxFrameSize = cfg.maxFrameSize;
    opts.maxMessageSize = cfg.maxMessageSize;
    opts.maxDecompressedSize = cfg.maxDecompressedSize;
    opts.direction = Direction::ClientToServer;
    m_capture[0] = std::make_unique<StreamCapture>(m_ctx->sink, m_info.id, opts);
    opts.direction = Direction::ServerToClient;
    m_capture[1] = std::make_unique<StreamCapture>(m_ctx->sink, m_info.id, opts);
    if (m_ctx->sink)
        m_ctx->sink->updateConnection(m_info);
    if (m_ctx->interceptor)
        startIntercept(deflate);

    m_clientState = ClientState::WebSocket;
    m_upState = UpstreamState::WebSocket;
    m_wsActive = true;
    if (!m_upBuf.isEmpty()) {
        const QByteArray pending = std::move(m_upBuf);
        m_upBuf = QByteArray();
        forwardChunk(false, pending);
    }
    if (!m_clientBuf.isEmpty() && m_clientState == ClientState::WebSocket) {
        const QByteArray pending = std::move(m_clientBuf);
        m_clientBuf = QByteArray();
        forwardChunk(true, pending);
    }
    if (m_clientState == ClientState::WebSocket) {
        pump(true);
        pump(false);
    }
}

void RelaySession::startRawTunnel()
{
    // Hook for issue 5 (TLS interception of CONNECT tunnels): cfg.tunnelPolicy.
    m_clientState = ClientState::Raw;
    m_upState = UpstreamState::Raw;
    if (!m_upBuf.isEmpty()) {
        writeTo(true, m_upBuf);
        m_upBuf.clear();
    }
    if (!m_clientBuf.isEmpty() && m_upstream) {
        writeTo(false, m_clientBuf);
        m_clientBuf.clear();
    }
    pump(true);
    pump(false);
}

// ---- TLS ---------------------------------------------------------------------

bool RelaySession::shouldIntercept() const
{
    const RelayConfig &cfg = m_ctx->config;
    if (!m_tunneled || !m_ctx->ca || cfg.tunnelPolicy != TunnelPolicy::Intercept)
        return false;
    return !m_ctx->passThrough.matches(QString::fromLatin1(m_fixedHost));
}

void RelaySession::sniffClientHello()
{
    // Peek (not read): QSslSocket must still find the ClientHello in the socket.
    const QByteArray head = m_client->peek(tls::kMaxClientHelloRecord);
    const tls::ClientHelloPeek hello = tls::peekClientHello(head.constData(), head.size());
    switch (hello.status) {
    case tls::ClientHelloPeek::Status::NeedMore:
        m_clientState = ClientState::ClientHello;
        if (!m_timer.isActive())
            m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
        return;
    case tls::ClientHelloPeek::Status::NotTls:
        if (m_tlsListener) {
            // Plain bytes on a TLS listener: nothing sensible to answer.
            m_timer.stop();
            m_clientState = ClientState::Closing;
            m_client->abort();
            maybeFinish();
            return;
        }
        m_clientState = ClientState::Sniff;
        m_clientBuf += m_client->readAll();
        processClientBuffer();
        return;
    case tls::ClientHelloPeek::Status::Complete:
        startClientTls(hello.serverName);
        return;
    }
}

void RelaySession::startClientTls(const QByteArray &serverName)
{
    // The certificate names what the client asked for: SNI when it sent one
    // (and it is a valid name), else the CONNECT host or, on a TLS listener, the
    // address the client connected to (clients send no SNI for IP addresses).
    QString name;
    tls::LeafName parsed;
    if (!serverName.isEmpty() && tls::LeafName::parse(QString::fromLatin1(serverName), &parsed))
        name = parsed.text;
    else if (m_tlsListener)
        name = hostText(m_client->localAddress());
    else
        name = QString::fromLatin1(m_fixedHost);

    QString error;
    QSslConfiguration config;
    if (m_ctx->ca->loadOrCreate(&error)) // no-op once loaded; thread-safe
        config = m_ctx->ca->serverConfigurationFor(name, &error);
    else
        error = QStringLiteral("the interception CA cannot be used: ") + error;
    if (config.localCertificate().isNull()) {
        m_info = ConnectionInfo();
        m_info.openedUs = nowUs();
        m_info.clientEndpoint = m_clientEndpoint;
        m_info.tls = true;
        m_info.url = QStringLiteral("https://") + name + QLatin1Char('/');
        openRecord();
        m_closeDetail = QStringLiteral("no certificate for '%1': %2").arg(name, error);
        m_info.error = m_closeDetail;
        m_timer.stop();
        m_clientState = ClientState::Closing;
        m_client->abort();
        closeUpstreamGracefully();
        return;
    }
    retireWriter(true);
    m_client->setSslConfiguration(config);
    m_client->setReadBufferSize(m_ctx->config.tlsReadBufferSize);
    m_clientTls = true;
    m_clientState = ClientState::TlsHandshake;
    if (!m_timer.isActive())
        m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
    m_client->startServerEncryption();
    if (m_tunneled) {
        m_upPeerName = parsed.text.isEmpty() ? m_fixedHost : parsed.text.toLatin1();
        startUpstreamTls();
    }
}

void RelaySession::onClientEncrypted()
{
    if (m_clientState != ClientState::TlsHandshake)
        return;
    if (m_upState != UpstreamState::Connecting)
        m_timer.stop();
    m_clientState = ClientState::Head;
    if (m_client->bytesAvailable() > 0)
        onClientReadyRead();
}

void RelaySession::setUpUpstreamSocket()
{
    m_upstream->setSslConfiguration(m_ctx->upstreamTls);
    m_upstream->setPeerVerifyName(QString::fromLatin1(m_upPeerName));
}

void RelaySession::startUpstreamTls()
{
    // Inside an intercepted CONNECT tunnel: the TCP connection to the server
    // exists already; TLS with it runs while the client's handshake runs.
    m_upTls = true;
    m_upTlsErrors.clear();
    if (!m_upstream) {
        m_pendingFailure = QStringLiteral("the server %1:%2 closed the connection")
                               .arg(QString::fromLatin1(m_upHost))
                               .arg(m_upPort);
        return;
    }
    m_upState = UpstreamState::Connecting;
    retireWriter(false);
    setUpUpstreamSocket();
    m_upstream->setReadBufferSize(m_ctx->config.tlsReadBufferSize);
    m_upstream->startClientEncryption();
}

QString RelaySession::upstreamFailureMessage() const
{
    const QString where = QString::fromLatin1(authorityString(m_upHost, m_upPort, 0));
    if (m_upTls && m_upTcpConnected) {
        const QString reason = m_upTlsErrors.isEmpty() ? m_upstream->errorString() : m_upTlsErrors;
        return QStringLiteral("upstream TLS handshake with %1 failed: %2").arg(where, reason);
    }
    return QStringLiteral("could not connect to %1:%2: %3")
        .arg(QString::fromLatin1(m_upHost))
        .arg(m_upPort)
        .arg(m_upstream->errorString());
}

void RelaySession::pump(bool fromClient)
{
    QSslSocket *src = source(fromClient);
    QSslSocket *dst = destination(fromClient);
    if (!src || !dst)
        return;
    const int idx = fromClient ? 0 : 1;
    const qint64 bound = m_ctx->config.maxPendingWrite;
    while (src->bytesAvailable() > 0) {
        if (pendingWrite(!fromClient) > bound
            || (m_intercept && m_intercept->backlogged(fromClient ? Direction::ClientToServer : Direction::ServerToClient))) {
            m_paused[idx] = true; // intercept: resumed when held messages are released
            return;
        }
        const QByteArray chunk = src->read(qMin(src->bytesAvailable(), kMaxChunk));
        forwardChunk(fromClient, chunk);
        if (!pumping(fromClient))
            return;
    }
    m_paused[idx] = false;
}

void RelaySession::startIntercept(bool deflate)
{
    intercept::ConnectionIntercept::Setup setup;
    setup.connectionId = m_info.id;
    setup.url = m_info.url;
    setup.host = QString::fromLatin1(m_upHost);
    setup.deflate = deflate;
    QList<WebSocketExtension> extensions;
    if (deflate && parseExtensionList(m_info.extensions, &extensions))
        if (const auto pmdExtension = pmd::findDeflate(extensions)) {
            pmd::DeflateParams params;
            if (pmd::parseParams(*pmdExtension, pmd::ParamsContext::Response, &params))
                setup.agreement = pmd::agreementFromResponse(params);
        }
    const RelayConfig &cfg = m_ctx->config;
    setup.maxFrameSize = cfg.maxFrameSize;
    setup.maxDecompressedSize = cfg.maxDecompressedSize;
    m_intercept = std::make_unique<intercept::ConnectionIntercept>(
        m_ctx->interceptor, setup, [this](Direction d, intercept::OutputItem &&item) {
            writeIntercepted(d == Direction::ClientToServer, std::move(item));
        });
    m_intercept->setResume([this](Direction d) {
        const bool fromClient = d == Direction::ClientToServer;
        if (!m_paused[fromClient ? 0 : 1])
            return;
        // Queued: reading right here would re-enter the pump from inside a release.
        QMetaObject::invokeMethod(this, [this, fromClient] {
            if (m_clientState == ClientState::WebSocket && m_paused[fromClient ? 0 : 1])
                pump(fromClient);
        }, Qt::QueuedConnection);
    });
}

// What the interceptor sends (edited, injected, released) and records (dropped).
void RelaySession::writeIntercepted(bool fromClient, intercept::OutputItem &&item)
{
    StreamCapture *cap = m_capture[fromClient ? 0 : 1].get();
    const qint64 t = nowUs();
    if (cap && !item.dropped.empty())
        cap->recordDropped(std::move(item.dropped), t);
    if (item.bytes.isEmpty())
        return;
    qsizetype n = item.bytes.size();
    if (cap) {
        cap->setEditMark(item.mark, item.original);
        n = cap->process(item.bytes, t);
        cap->setEditMark(EditMark::None);
    }
    if (canWrite(!fromClient) && n > 0)
        writeTo(!fromClient, item.bytes.constData(), n);
    if (cap && cap->strictViolation() != Violation::None && !m_strictClosed)
        strictClose(fromClient, cap->strictViolation());
}

void RelaySession::forwardChunk(bool fromClient, const QByteArray &chunk)
{
    if (m_intercept && m_wsActive
        && !m_intercept->process(fromClient ? Direction::ClientToServer : Direction::ServerToClient, chunk))
        return; // rules are active: what to send went through writeIntercepted()
    StreamCapture *cap = m_capture[fromClient ? 0 : 1].get();
    qsizetype n = chunk.size();
    if (cap && m_wsActive)
        n = cap->process(chunk, nowUs());
    if (canWrite(!fromClient)) {
        if (n == chunk.size())
            writeTo(!fromClient, chunk); // the very buffer that was read: no copy
        else if (n > 0)
            writeTo(!fromClient, chunk.constData(), n);
    }
    if (cap && cap->strictViolation() != Violation::None && !m_strictClosed)
        strictClose(fromClient, cap->strictViolation());
}

void RelaySession::strictClose(bool offenderIsClient, Violation v)
{
    m_strictClosed = true;
    const ViolationInfo &info = violationInfo(v);
    StreamCapture *fromOffender = m_capture[offenderIsClient ? 0 : 1].get();
    StreamCapture *toOffender = m_capture[offenderIsClient ? 1 : 0].get();
    const qint64 t = nowUs();
    // To the offender: the close code for the rule it broke (we speak as its peer).
    if (canWrite(offenderIsClient) && toOffender->atFrameBoundary()) {
        const BuiltFrame f = buildCloseFrame(info.closeCode, QByteArray("wslens: ") + info.id, !offenderIsClient);
        writeTo(offenderIsClient, f.wire);
        toOffender->recordInjected(f.header, f.payload, t);
    }
    // To the other side: a clean "going away".
    if (canWrite(!offenderIsClient)) {
        const BuiltFrame f = buildCloseFrame(1001, QByteArrayLiteral("wslens: peer broke the protocol"), offenderIsClient);
        writeTo(!offenderIsClient, f.wire);
        fromOffender->recordInjected(f.header, f.payload, t);
    }
    m_closeDetail = QStringLiteral("strict: %1 broke %2 (%3); closed with %4")
                        .arg(offenderIsClient ? QStringLiteral("client") : QStringLiteral("server"),
                             QLatin1String(info.id), QLatin1String(info.rule))
                        .arg(info.closeCode);
    m_clientState = ClientState::Closing;
    m_upState = UpstreamState::Closing;
    closeClientGracefully();
    closeUpstreamGracefully();
}

// ---- closing -----------------------------------------------------------------

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
            if (m_upstream && m_upState == UpstreamState::Raw)
                halfCloseToward(false);
            else
                closeUpstreamGracefully();
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
        if (!m_requestWaiting && m_clientBuf.isEmpty())
            halfCloseToward(false);
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
    QTcpSocket *up = m_upstream;
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
            if (m_clientState == ClientState::Raw)
                halfCloseToward(true);
            else
                closeClientGracefully();
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

void RelaySession::onBytesWritten(bool towardClient)
{
    QSslSocket *dst = towardClient ? m_client : m_upstream;
    if (!dst && !m_writer[towardClient ? 1 : 0])
        return;
    const bool fromClient = !towardClient;
    const int idx = fromClient ? 0 : 1;
    if (m_halfClosePending[towardClient ? 1 : 0] && pendingWrite(towardClient) == 0) {
        shutdownWrite(towardClient);
        return;
    }
    if (m_paused[idx] && pendingWrite(towardClient) <= m_ctx->config.maxPendingWrite / 2) {
        m_paused[idx] = false;
        if (fromClient)
            onClientReadyRead();
        else
            onUpstreamReadyRead();
    }
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
    if (m_upstream) {
        dropWriter(false);
        m_upstream->disconnect(this);
        m_upstream->abort();
        m_upstream->deleteLater();
        m_upstream = nullptr;
    }
    m_upState = UpstreamState::Closing;
    m_clientState = ClientState::Closing;
    closeClientGracefully();
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
    QSslSocket *s = clientSide ? m_client : m_upstream;
    TcpWriter *w = m_writer[clientSide ? 1 : 0].get();
    const bool readOpen = s && s->state() != QAbstractSocket::UnconnectedState;
    if (readOpen && s->state() != QAbstractSocket::ConnectedState) {
        if (!clientSide) {
            s->disconnect(this);
            s->abort();
        }
    } else if (readOpen || (w && !w->isClosed())) {
        const int linger = m_ctx->config.closeLingerMs;
        QPointer<QSslSocket> guard(s);
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

void RelaySession::shutdownWrite(bool clientSide)
{
    QSslSocket *s = clientSide ? m_client : m_upstream;
    m_halfClosePending[clientSide ? 1 : 0] = false;
    if (s && s->state() == QAbstractSocket::ConnectedState)
        ::shutdown(int(s->socketDescriptor()), SHUT_WR);
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
