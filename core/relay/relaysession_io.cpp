// RelaySession: access to the two sockets. Writing, pending bytes, half-close
// and back-pressure resumption go through here (plain sides through their
// TcpWriter, TLS sides through their tls::TlsSocket), so a different socket type
// changes this file and the socket set-up, not the protocol code.
#include "relay/relaysession.h"

#include "tls/tlssocket.h"

#include <sys/socket.h>

namespace wslens::relay {

tls::TlsSocket *RelaySession::source(bool fromClient) const
{
    return fromClient ? m_client : m_upstream;
}

tls::TlsSocket *RelaySession::destination(bool fromClient) const
{
    return fromClient ? m_upstream : m_client;
}

qint64 RelaySession::pendingWrite(bool toClient) const
{
    if (const TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        return w->pending();
    const tls::TlsSocket *s = toClient ? m_client : m_upstream;
    return s ? s->bytesToWrite() : 0;
}

bool RelaySession::canWrite(bool toClient) const
{
    if (const TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        return w->isWritable();
    const tls::TlsSocket *s = toClient ? m_client : m_upstream;
    return s && s->state() == QAbstractSocket::ConnectedState;
}

void RelaySession::writeTo(bool toClient, const QByteArray &bytes)
{
    if (TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        w->write(bytes);
    else if (tls::TlsSocket *s = toClient ? m_client : m_upstream)
        s->write(bytes);
}

void RelaySession::writeTo(bool toClient, const char *data, qsizetype size)
{
    if (TcpWriter *w = m_writer[toClient ? 1 : 0].get())
        w->write(data, size);
    else if (tls::TlsSocket *s = toClient ? m_client : m_upstream)
        s->write(data, size);
}

void RelaySession::flushToward(bool toClient)
{
    // A TcpWriter sends at once. A TlsSocket queues writes until its write
    // notifier fires on the next event-loop pass: send now (one poll round less
    // per hop), plain or TLS; its signals still come from the event loop.
    if (m_writer[toClient ? 1 : 0])
        return;
    tls::TlsSocket *s = toClient ? m_client : m_upstream;
    if (s && s->state() == QAbstractSocket::ConnectedState)
        s->flush();
}

void RelaySession::attachWriter(bool clientSide)
{
    tls::TlsSocket *s = clientSide ? m_client : m_upstream;
    auto &w = m_writer[clientSide ? 1 : 0];
    if (!s || w || s->bytesToWrite() > 0 || s->socketDescriptor() < 0)
        return; // (bytes the socket still queues would be overtaken by the writer's)
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
    if (tls::TlsSocket *s = clientSide ? m_client : m_upstream; s && !rest.isEmpty())
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

void RelaySession::discardUpstream()
{
    if (!m_upstream)
        return;
    dropWriter(false);
    m_upstream->disconnect(this);
    m_upstream->abort();
    m_upstream->deleteLater();
    m_upstream = nullptr;
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
    tls::TlsSocket *reader = toClient ? m_client : m_upstream;
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

void RelaySession::onBytesWritten(bool towardClient)
{
    tls::TlsSocket *dst = towardClient ? m_client : m_upstream;
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

void RelaySession::shutdownWrite(bool clientSide)
{
    tls::TlsSocket *s = clientSide ? m_client : m_upstream;
    m_halfClosePending[clientSide ? 1 : 0] = false;
    if (s && s->state() == QAbstractSocket::ConnectedState)
        s->shutdownWrite();
}

} // namespace wslens::relay
