// RelaySession: after the upgrade (or in a raw tunnel) each direction is a
// pump: read a chunk, let the intercept and the capture see it, write the very
// same buffer; strict mode closes an offending peer.
#include "relay/relaysession.h"

#include "intercept/connectionintercept.h"
#include "protocol/handshake.h"
#include "protocol/permessagedeflate.h"
#include "relay/closeframe.h"
#include "relay/sessionutil.h"
#include "tls/tlssocket.h"


namespace wslens::relay {

using namespace sessionutil;

void RelaySession::startWebSocket(const HttpHead &response)
{
    const RelayConfig &cfg = m_ctx->config;
    // A WebSocket holds two descriptors, not four: the sides write through
    // their tls::TlsSocket from here on (what a TcpWriter still queues goes first),
    // so 10,000 relayed WebSockets fit the descriptor limit. A FIN is still
    // passed on (halfCloseToward); a close reply to a client that has already
    // half-closed is recorded, not delivered.
    retireWriter(true);
    retireWriter(false);
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
    if (!m_rawTunnel) {
        m_rawTunnel = true;
        emit traffic(QStringLiteral("tunnel %1 from %2: forwarded untouched")
                         .arg(QString::fromLatin1(authorityString(m_fixedHost, m_fixedPort, 0)), m_clientEndpoint));
    }
    if (!m_upBuf.isEmpty()) {
        m_forwarded[1] += m_upBuf.size();
        writeTo(true, m_upBuf);
        m_upBuf.clear();
    }
    if (!m_clientBuf.isEmpty() && m_upstream) {
        m_forwarded[0] += m_clientBuf.size();
        writeTo(false, m_clientBuf);
        m_clientBuf.clear();
    }
    pump(true);
    pump(false);
}

void RelaySession::pump(bool fromClient)
{
    tls::TlsSocket *src = source(fromClient);
    tls::TlsSocket *dst = destination(fromClient);
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
    flushToward(!fromClient);
}

// The connection is closing: late frames (a close reply) are still recorded;
// forwardChunk only writes to a side that can still take them.
void RelaySession::drainClosing(bool fromClient)
{
    tls::TlsSocket *src = nullptr;
    while ((src = source(fromClient)) != nullptr && src->bytesAvailable() > 0) {
        const QByteArray chunk = src->read(qMin(src->bytesAvailable(), kMaxChunk));
        if (m_wsActive)
            forwardChunk(fromClient, chunk);
    }
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
    m_forwarded[fromClient ? 0 : 1] += n;
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

} // namespace wslens::relay
