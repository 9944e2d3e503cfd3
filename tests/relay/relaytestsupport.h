#pragma once
// Shared pieces of the relay tests: a thread-safe in-memory CaptureSink, raw
// TCP peers that speak just enough HTTP to upgrade, and small helpers.

#include "protocol/framewriter.h"
#include "protocol/handshake.h"
#include "protocol/httpmessage.h"
#include "relay/bodytracker.h"
#include "relay/relay.h"
#include "store/capturerecords.h"

#include <QDir>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <vector>

namespace wslens::test {

// Records everything in memory; safe from any thread.
class MemorySink : public CaptureSink
{
public:
    quint64 openConnection(const ConnectionInfo &info) override
    {
        QMutexLocker lock(&m_mutex);
        ConnectionInfo c = info;
        c.id = ++m_next;
        m_connections.append(c);
        return c.id;
    }
    void updateConnection(const ConnectionInfo &info) override
    {
        QMutexLocker lock(&m_mutex);
        for (auto &c : m_connections)
            if (c.id == info.id)
                c = info;
    }
    void appendFrame(FrameRecord &&frame) override
    {
        QMutexLocker lock(&m_mutex);
        frame.seq = m_frames.size();
        m_frames.push_back(std::move(frame));
    }
    QList<ConnectionInfo> connections() const
    {
        QMutexLocker lock(&m_mutex);
        return m_connections;
    }
    int connectionCount() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_connections.size());
    }
    bool allClosed() const
    {
        QMutexLocker lock(&m_mutex);
        for (const auto &c : m_connections)
            if (c.closedUs == 0)
                return false;
        return true;
    }
    std::vector<FrameRecord> frames(Direction d) const
    {
        QMutexLocker lock(&m_mutex);
        std::vector<FrameRecord> out;
        for (const auto &f : m_frames)
            if (f.direction == d)
                out.push_back(f);
        return out;
    }
    int frameCount() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_frames.size());
    }
    // Decoded messages, in order, for one direction.
    QList<QByteArray> messages(Direction d) const
    {
        QList<QByteArray> out;
        for (const auto &f : frames(d))
            if (f.hasMessage)
                out.append(f.message);
        return out;
    }

private:
    mutable QMutex m_mutex;
    QList<ConnectionInfo> m_connections;
    std::vector<FrameRecord> m_frames;
    quint64 m_next = 0;
};

inline int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot | QDir::System).size());
}

// Reads an HTTP head from a socket (blocking with event-loop spins); returns the
// head bytes and leaves whatever followed in rest.
inline bool readHead(QTcpSocket &s, QByteArray &buffer, QByteArray &head, int timeoutMs = 5000)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        buffer += s.readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0) {
            head = buffer.left(end + 4);
            buffer.remove(0, end + 4);
            return true;
        }
        if (t.elapsed() > timeoutMs || s.state() != QAbstractSocket::ConnectedState)
            return false;
        QTest::qWait(5);
    }
}

// A WebSocket server that answers the upgrade (with optional extensions) and
// then only collects bytes: tests write crafted frames through socket().
class RawUpgradeServer : public QObject
{
public:
    explicit RawUpgradeServer(QByteArray extensions = {})
        : m_extensions(std::move(extensions))
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                m_sockets.append(s);
                s->setParent(this);
                s->setReadBufferSize(0);
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onRead(s); });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QTcpSocket *socket(int i = 0) const { return i < m_sockets.size() ? m_sockets.at(i).data() : nullptr; }
    bool upgraded() const { return m_upgraded; }
    QByteArray received() const { return m_received; }
    QByteArray requestHead() const { return m_requestHead; }
    void setReading(bool on)
    {
        m_reading = on;
        // Not reading: Qt must stop taking bytes from the kernel too.
        if (socket())
            socket()->setReadBufferSize(on ? 0 : 64 * 1024);
        if (on && socket())
            onRead(socket());
    }
    int connectionCount() const { return int(m_sockets.size()); }

private:
    void onRead(QTcpSocket *s)
    {
        if (!m_reading)
            return;
        if (!m_upgraded) {
            m_buffer += s->readAll();
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_requestHead = m_buffer.left(end + 4);
            m_received = m_buffer.mid(end + 4);
            m_buffer.clear();
            QByteArray key;
            for (const QByteArray &line : m_requestHead.split('\n'))
                if (line.toLower().startsWith("sec-websocket-key:"))
                    key = line.mid(18).trimmed();
            QByteArray response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Accept: "
                                  + computeWebSocketAccept(key) + "\r\n";
            if (!m_extensions.isEmpty())
                response += "Sec-WebSocket-Extensions: " + m_extensions + "\r\n";
            response += "\r\n";
            s->write(response);
            m_upgraded = true;
            return;
        }
        m_received += s->readAll();
    }

    QTcpServer m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
    QByteArray m_extensions;
    QByteArray m_buffer;
    QByteArray m_requestHead;
    QByteArray m_received;
    bool m_upgraded = false;
    bool m_reading = true;
};

// A raw client that sends an upgrade request through the relay and then
// writes whatever the test gives it.
class RawUpgradeClient
{
public:
    bool connectAndUpgrade(quint16 relayPort, const QByteArray &target, const QByteArray &extensions = {},
                           const QByteArray &hostHeader = "127.0.0.1")
    {
        m_socket.connectToHost(QHostAddress::LocalHost, relayPort);
        if (!m_socket.waitForConnected(5000))
            return false;
        m_socket.setReadBufferSize(0);
        QByteArray req = "GET " + target + " HTTP/1.1\r\nHost: " + hostHeader
                         + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        if (!extensions.isEmpty())
            req += "Sec-WebSocket-Extensions: " + extensions + "\r\n";
        req += "\r\n";
        m_socket.write(req);
        QByteArray head;
        if (!readHead(m_socket, m_buffer, head))
            return false;
        m_responseHead = head;
        return head.startsWith("HTTP/1.1 101");
    }
    QTcpSocket &socket() { return m_socket; }
    QByteArray responseHead() const { return m_responseHead; }
    // Everything received after the response head.
    QByteArray received()
    {
        m_buffer += m_socket.readAll();
        return m_buffer;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_responseHead;
};

inline std::unique_ptr<relay::Relay> startRelay(relay::RelayMode mode, quint16 upstreamPort, CaptureSink *sink,
                                                bool strict = false)
{
    auto r = std::make_unique<relay::Relay>();
    relay::RelayConfig cfg;
    cfg.mode = mode;
    cfg.listenPort = 0;
    if (mode == relay::RelayMode::ReverseProxy)
        cfg.upstream = QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(upstreamPort));
    cfg.strict = strict;
    cfg.connectTimeoutMs = 3000;
    cfg.closeLingerMs = 2000;
    r->setConfig(cfg);
    r->setCaptureSink(sink);
    if (!r->start())
        return nullptr;
    return r;
}

} // namespace wslens::test
