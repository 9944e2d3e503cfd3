// RelaySession: TLS set-up: the ClientHello peek (SNI), the leaf for the
// client side, the upstream TLS configuration, and failure messages.
#include "relay/relaysession.h"

#include "relay/closeframe.h"
#include "relay/sessionutil.h"
#include "tls/certificateauthority.h"
#include "tls/clienthello.h"
#include "tls/leafname.h"
#include "tls/tlscontext.h"
#include "tls/tlssocket.h"


namespace wslens::relay {

using namespace sessionutil;

bool RelaySession::shouldIntercept() const
{
    const RelayConfig &cfg = m_ctx->config;
    if (!m_tunneled || !m_ctx->ca || cfg.tunnelPolicy != TunnelPolicy::Intercept)
        return false;
    return !m_ctx->passThrough.matches(QString::fromLatin1(m_fixedHost));
}

void RelaySession::sniffClientHello()
{
    // Peek (not read): TLS starts with these bytes still in the socket's buffer.
    const QByteArray head = m_client->peek(tls::kMaxClientHelloRecord);
    const tls::ClientHelloPeek hello = tls::peekClientHello(head.constData(), head.size());
    switch (hello.status) {
    case tls::ClientHelloPeek::Status::NeedMore:
        m_clientState = ClientState::ClientHello;
        if (!m_timer.isActive())
            m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
        return;
    case tls::ClientHelloPeek::Status::NotTls:
        m_helloSniffed = true; // not a ClientHello after all: never sniffed again
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
    tls::LeafCertificate leaf;
    if (m_ctx->ca->loadOrCreate(&error)) // no-op once loaded; thread-safe
        leaf = m_ctx->ca->leafFor(name, &error);
    else
        error = QStringLiteral("the interception CA cannot be used: ") + error;
    if (leaf.isNull()) {
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
    m_client->setReadBufferSize(m_ctx->config.tlsReadBufferSize);
    m_clientTls = true;
    m_clientState = ClientState::TlsHandshake;
    if (!m_timer.isActive())
        m_timer.start(m_ctx->config.tlsHandshakeTimeoutMs);
    // The peeked ClientHello is still in the socket's buffer: TLS starts with it.
    if (!m_client->startServerEncryption(m_ctx->clientSideTls, leaf))
        return; // aborted: disconnected() has been handled
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

void RelaySession::startUpstreamHandshake()
{
    // Verification against the system store + upstreamCaFile for m_upPeerName;
    // with insecureUpstream the context records errors without failing
    // (ConnectionInfo::insecureUpstream says so).
    m_upstream->setReadBufferSize(m_ctx->config.tlsReadBufferSize);
    m_upstream->startClientEncryption(m_ctx->upstreamTls, QString::fromLatin1(m_upPeerName));
}

void RelaySession::startUpstreamTls()
{
    // Inside an intercepted CONNECT tunnel: the TCP connection to the server
    // exists already; TLS with it runs while the client's handshake runs.
    m_upTls = true;
    if (!m_upstream) {
        m_pendingFailure = QStringLiteral("the server %1:%2 closed the connection")
                               .arg(QString::fromLatin1(m_upHost))
                               .arg(m_upPort);
        return;
    }
    m_upState = UpstreamState::Connecting;
    retireWriter(false);
    startUpstreamHandshake();
}

QString RelaySession::upstreamFailureMessage() const
{
    const QString where = QString::fromLatin1(authorityString(m_upHost, m_upPort, 0));
    if (m_upTls && m_upTcpConnected) {
        const QString reason = m_upstream->errorString(); // certificate errors in Qt's words, or the TLS error
        return QStringLiteral("upstream TLS handshake with %1 failed: %2").arg(where, reason);
    }
    QString reason = m_upstream->errorString();
    if (m_upstream->error() == QAbstractSocket::SocketResourceError)
        reason += QStringLiteral(" (out of file descriptors? each relayed connection needs 2; raise 'ulimit -n')");
    return QStringLiteral("could not connect to %1: %2").arg(where, reason);
}

} // namespace wslens::relay
