#include "replay/clientreplay.h"

#include "endpoints/wsclient.h"
#include "replay/replaycapturesink.h"

namespace wslens::replay {

namespace {

// Headers the client writes itself, or that only make sense hop by hop.
bool isBuiltHeader(const QByteArray &name)
{
    static const char *const names[] = {"host", "upgrade", "connection", "sec-websocket-key",
                                        "sec-websocket-version", "sec-websocket-accept",
                                        "sec-websocket-extensions", "sec-websocket-protocol", "origin",
                                        "content-length", "transfer-encoding", "keep-alive", "te", "trailer",
                                        "proxy-connection", "proxy-authorization"};
    const QByteArray lower = name.trimmed().toLower();
    for (const char *n : names) {
        if (lower == n)
            return true;
    }
    return false;
}

QByteArray headerValue(const HttpHeaders &headers, const char *name)
{
    for (const auto &h : headers) {
        if (h.first.trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return h.second.trimmed();
    }
    return QByteArray();
}

QList<QByteArray> recordedSubprotocols(const HttpHeaders &headers)
{
    QList<QByteArray> out;
    for (const auto &h : headers) {
        if (h.first.trimmed().compare("sec-websocket-protocol", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &p : h.second.split(',')) {
            if (!p.trimmed().isEmpty())
                out.append(p.trimmed());
        }
    }
    return out;
}

QList<ComparedMessage> compared(const QList<RecordedMessage> &messages)
{
    QList<ComparedMessage> out;
    out.reserve(messages.size());
    for (const RecordedMessage &m : messages)
        out.append({m.opcode, m.data});
    return out;
}

} // namespace

bool parseTiming(const QString &text, Timing *out)
{
    if (text == QLatin1String("asap"))
        *out = Timing::Asap;
    else if (text == QLatin1String("original"))
        *out = Timing::Original;
    else if (text == QLatin1String("reply"))
        *out = Timing::Reply;
    else
        return false;
    return true;
}

bool ReplayResult::hasErrors() const
{
    for (const ConnectionReplayResult &c : connections) {
        if (!c.error.isEmpty())
            return true;
    }
    return false;
}

HttpHeaders replayHeaders(const ConnectionInfo &recorded, const ClientReplayOptions &options)
{
    HttpHeaders out;
    for (const auto &h : recorded.requestHeaders) {
        if (isBuiltHeader(h.first))
            continue;
        if (options.dropCookies && h.first.trimmed().compare("cookie", Qt::CaseInsensitive) == 0)
            continue;
        bool replaced = false;
        for (const auto &o : options.headers)
            replaced = replaced || o.first.trimmed().compare(h.first.trimmed(), Qt::CaseInsensitive) == 0;
        if (!replaced)
            out.append(h);
    }
    out += options.headers;
    return out;
}

QUrl replayUrl(const ConnectionInfo &recorded, const QUrl &target)
{
    const QUrl original(recorded.url, QUrl::StrictMode);
    if (target.isEmpty())
        return original;
    if (!original.isValid() || original.host().isEmpty())
        return target;
    QUrl url = original;
    url.setScheme(target.scheme());
    url.setHost(target.host());
    url.setPort(target.port());
    if (!target.path().isEmpty()) {
        url.setPath(target.path());
        url.setQuery(target.query());
    }
    return url;
}

ClientReplay::ClientReplay(QObject *parent)
    : QObject(parent)
{
    for (QTimer *t : {&m_sendTimer, &m_drainTimer, &m_lingerTimer, &m_closeTimer})
        t->setSingleShot(true);
    connect(&m_sendTimer, &QTimer::timeout, this, [this]() {
        if (m_options.timing == Timing::Reply && m_next < m_toSend.size()) {
            ++m_current.replyTimeouts;
            sendNext();
        }
        sendNextWhenDue();
    });
    connect(&m_drainTimer, &QTimer::timeout, this, &ClientReplay::finishConnection);
    connect(&m_lingerTimer, &QTimer::timeout, this, &ClientReplay::finishConnection);
    connect(&m_closeTimer, &QTimer::timeout, this, &ClientReplay::completeConnection);
}

ClientReplay::~ClientReplay() = default;

void ClientReplay::start(const QList<RecordedConnection> &connections, const ClientReplayOptions &options)
{
    m_connections = connections;
    m_options = options;
    if (!(m_options.speed > 0))
        m_options.speed = 1.0;
    m_result = ReplayResult();
    m_index = -1;
    m_cancelled = false;
    m_total.start();
    QTimer::singleShot(0, this, &ClientReplay::startConnection);
}

void ClientReplay::cancel()
{
    m_cancelled = true;
    if (m_client)
        finishConnection();
}

void ClientReplay::startConnection()
{
    ++m_index;
    if (m_cancelled || m_index >= m_connections.size()) {
        m_result.elapsedMs = m_total.elapsed();
        Q_EMIT finished();
        return;
    }
    Q_EMIT connectionStarted(m_index, int(m_connections.size()));
    const RecordedConnection &recorded = m_connections.at(m_index);
    m_toSend = recorded.fromClient();
    m_expectedCount = int(recorded.messages.size() - m_toSend.size());
    m_received.clear();
    m_current = ConnectionReplayResult();
    m_current.recordedId = recorded.info.id;
    m_next = 0;
    m_open = false;
    m_closing = false;
    m_firstSendMs = -1;

    endpoints::ClientOptions o;
    o.url = replayUrl(recorded.info, m_options.target);
    m_current.url = o.url.toString();
    const QString scheme = o.url.scheme().toLower();
    if (!o.url.isValid() || o.url.host().isEmpty()
        || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))) {
        m_current.error = QStringLiteral("connection %1: no usable URL ('%2'); give --target")
                              .arg(recorded.info.id)
                              .arg(m_current.url);
        m_closing = true;
        QTimer::singleShot(0, this, &ClientReplay::completeConnection);
        return;
    }
    o.headers = replayHeaders(recorded.info, m_options);
    o.subprotocols = recordedSubprotocols(recorded.info.requestHeaders);
    o.origin = m_options.origin ? *m_options.origin : headerValue(recorded.info.requestHeaders, "origin");
    o.deflate = m_options.deflate;
    o.ignoreSslErrors = m_options.ignoreSslErrors;
    o.connectTimeoutMs = m_options.connectTimeoutMs;
    if (m_options.capture) {
        m_sink = std::make_unique<ReplayCaptureSink>(
            m_options.capture, m_options.captureIds.value(recorded.info.id, recorded.info.id));
        o.capture = m_sink.get();
    }
    m_client = std::make_unique<endpoints::WsClient>();
    endpoints::WsClient *client = m_client.get();
    const quint64 generation = ++m_generation;
    // Signals of a finished connection's client may still be queued: ignore them.
    connect(client, &endpoints::WsClient::connected, this, [this, generation](const ConnectionInfo &info) {
        if (generation == m_generation)
            onConnected(info.id);
    });
    connect(client, &endpoints::WsClient::failed, this, [this, generation](const QString &error) {
        if (generation == m_generation)
            onFailed(error);
    });
    connect(client, &endpoints::WsClient::messageReceived, this, [this, generation](quint8 opcode, const QByteArray &data) {
        if (generation == m_generation)
            onMessage(opcode, data);
    });
    connect(client, &endpoints::WsClient::disconnected, this, [this, generation](int peerCode, int, const QString &) {
        if (generation == m_generation)
            onDisconnected(peerCode);
    });
    client->open(o);
}

void ClientReplay::onConnected(quint64 captureId)
{
    m_open = true;
    if (m_options.capture)
        m_current.replayId = captureId;
    m_clock.start();
    if (m_cancelled) {
        finishConnection();
        return;
    }
    sendNextWhenDue();
}

void ClientReplay::onFailed(const QString &error)
{
    m_current.error = QStringLiteral("cannot connect to %1: %2").arg(m_current.url, error);
    m_closing = true;
    QTimer::singleShot(0, this, &ClientReplay::completeConnection);
}

void ClientReplay::onMessage(quint8 opcode, const QByteArray &data)
{
    if (!m_open)
        return;
    m_received.append({opcode, data});
    if (m_closing)
        return;
    if (m_next < m_toSend.size()) {
        if (m_options.timing == Timing::Reply)
            sendNextWhenDue();
    } else {
        checkDrained();
    }
}

void ClientReplay::onDisconnected(int peerCode)
{
    const bool wasOpen = m_open;
    m_open = false;
    if (!m_closing && wasOpen) {
        m_current.note = peerCode >= 0 ? QStringLiteral("server closed the connection (%1)").arg(peerCode)
                                       : QStringLiteral("the connection was lost");
        m_closing = true;
    }
    m_closeTimer.stop();
    QTimer::singleShot(0, this, &ClientReplay::completeConnection);
}

void ClientReplay::sendNextWhenDue()
{
    if (m_closing || !m_open)
        return;
    const qint64 startUs = m_connections.at(m_index).startUs();
    while (m_next < m_toSend.size()) {
        const RecordedMessage &m = m_toSend.at(m_next);
        if (m_options.timing == Timing::Original) {
            const qint64 dueMs = qint64(double(m.timestampUs - startUs) / 1000.0 / m_options.speed);
            const qint64 remaining = dueMs - m_clock.elapsed();
            if (remaining > 0) {
                m_sendTimer.start(int(qMin<qint64>(remaining, 86400000)));
                return;
            }
        } else if (m_options.timing == Timing::Reply) {
            if (m_received.size() < m.serverMessagesBefore) {
                if (!m_sendTimer.isActive())
                    m_sendTimer.start(m_options.replyTimeoutMs);
                return;
            }
        }
        sendNext();
    }
    checkDrained();
    if (!m_lingerTimer.isActive() && !m_drainTimer.isActive() && !m_closing)
        m_drainTimer.start(m_options.replyTimeoutMs);
}

void ClientReplay::sendNext()
{
    m_sendTimer.stop();
    const RecordedMessage &m = m_toSend.at(m_next++);
    const qint64 now = m_clock.elapsed();
    if (m_firstSendMs < 0)
        m_firstSendMs = now;
    m_current.sendSpanMs = now - m_firstSendMs;
    ++m_current.sent;
    m_client->sendMessage(m.opcode, m.data);
}

void ClientReplay::checkDrained()
{
    if (m_closing || m_received.size() < m_expectedCount || m_lingerTimer.isActive())
        return;
    m_drainTimer.stop();
    m_lingerTimer.start(m_options.lingerMs);
}

void ClientReplay::finishConnection()
{
    if (m_closing)
        return;
    m_closing = true;
    m_sendTimer.stop();
    m_drainTimer.stop();
    m_lingerTimer.stop();
    if (m_open && m_client) {
        m_client->close(1000);
        m_closeTimer.start(2000);
    } else {
        QTimer::singleShot(0, this, &ClientReplay::completeConnection);
    }
}

void ClientReplay::completeConnection()
{
    if (m_index < 0 || m_index >= m_connections.size() || m_current.recordedId == 0)
        return; // already completed
    m_sendTimer.stop();
    m_drainTimer.stop();
    m_lingerTimer.stop();
    m_closeTimer.stop();
    m_open = false;
    ++m_generation;   // whatever the old client still has queued is ignored
    m_client.reset(); // joins the worker; the capture is complete
    m_sink.reset();
    if (m_current.error.isEmpty()) {
        const QList<ComparedMessage> expected = compared(m_connections.at(m_index).fromServer());
        m_current.messages = compareSequences(expected, m_received, m_options.compare, &m_current.summary);
        m_result.summary += m_current.summary;
    }
    m_result.connections.append(m_current);
    m_current = ConnectionReplayResult();
    QTimer::singleShot(0, this, &ClientReplay::startConnection);
}

} // namespace wslens::replay
