#pragma once

// Client replay: connects to the recorded URL (or a target override) with the
// recorded handshake headers, sends the recorded client messages with the
// chosen timing, collects what the server sends and compares it with the
// recording. Connections are replayed one after the other.
//
// Lives in the caller's thread (needs its event loop); the sockets live on
// the WsClient worker threads.

#include "replay/messagecompare.h"
#include "replay/recording.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

namespace wslens::endpoints {
class WsClient;
}

namespace wslens::replay {

class ReplayCaptureSink;

enum class Timing : quint8 {
    Asap,     // every client message at once
    Original, // at the recorded offsets, divided by speed
    Reply,    // each waits until the server sent as many messages as it had by then in the recording
};
bool parseTiming(const QString &text, Timing *out);

struct ClientReplayOptions
{
    QUrl target;                     // empty: the recorded URL; otherwise scheme, host, port (and path when given) replace it
    Timing timing = Timing::Asap;
    double speed = 1.0;              // Original timing: offsets are divided by this
    int replyTimeoutMs = 5000;       // Reply timing: longest wait per message; also the wait for the last answers
    int lingerMs = 300;              // after every expected answer arrived, how long to watch for extra ones
    int connectTimeoutMs = 10000;
    bool dropCookies = false;        // do not send the recorded Cookie headers
    std::optional<QByteArray> origin; // replaces the recorded Origin (empty value: no Origin)
    HttpHeaders headers;             // replace recorded headers of the same name, or are added
    bool deflate = false;            // offer permessage-deflate
    bool ignoreSslErrors = false;
    CaptureSink *capture = nullptr;  // set: runs are captured as ConnectionMode::Replay connections
    QHash<quint64, quint64> captureIds; // recorded id -> its id in capture (replayOf); missing: the same id
    CompareOptions compare;
};

struct ConnectionReplayResult
{
    quint64 recordedId = 0;
    quint64 replayId = 0;   // capture id of the run (0 without capture)
    QString url;            // where we connected
    QString error;          // connecting failed (one line); empty otherwise
    QString note;           // e.g. "server closed the connection (1000)"
    int sent = 0;           // client messages sent
    qint64 sendSpanMs = 0;  // first to last client message sent
    int replyTimeouts = 0;  // Reply timing: messages sent after a timeout
    CompareSummary summary;
    QList<MessageResult> messages;
};

struct ReplayResult
{
    QList<ConnectionReplayResult> connections;
    CompareSummary summary;
    qint64 elapsedMs = 0;
    bool hasErrors() const;
};

// The request headers to send for a recorded connection: the recorded ones
// minus those the client builds itself (Host, Upgrade, Connection, Sec-WebSocket-*,
// Origin, hop-by-hop), minus cookies when asked, plus the option headers.
HttpHeaders replayHeaders(const ConnectionInfo &recorded, const ClientReplayOptions &options);
// The URL to connect to for a recorded connection.
QUrl replayUrl(const ConnectionInfo &recorded, const QUrl &target);

class ClientReplay : public QObject
{
    Q_OBJECT
public:
    explicit ClientReplay(QObject *parent = nullptr);
    ~ClientReplay() override;

    // Starts replaying; finished() follows (also for an empty list).
    void start(const QList<RecordedConnection> &connections, const ClientReplayOptions &options);
    void cancel();
    const ReplayResult &result() const { return m_result; }

Q_SIGNALS:
    void connectionStarted(int index, int count);
    void finished();

private:
    void startConnection();
    void onConnected(quint64 captureId);
    void onFailed(const QString &error);
    void onMessage(quint8 opcode, const QByteArray &data);
    void onDisconnected(int peerCode);
    void sendNextWhenDue();
    void sendNext();
    void checkDrained();
    void finishConnection();
    void completeConnection();

    QList<RecordedConnection> m_connections;
    ClientReplayOptions m_options;
    ReplayResult m_result;
    QElapsedTimer m_total;

    // The connection being replayed.
    int m_index = -1;
    quint64 m_generation = 0; // tells this connection's client signals from stale ones
    std::unique_ptr<endpoints::WsClient> m_client;
    std::unique_ptr<ReplayCaptureSink> m_sink;
    QList<RecordedMessage> m_toSend;
    int m_expectedCount = 0;
    QList<ComparedMessage> m_received;
    ConnectionReplayResult m_current;
    int m_next = 0;
    bool m_open = false;
    bool m_closing = false;
    bool m_cancelled = false;
    QElapsedTimer m_clock;
    qint64 m_firstSendMs = -1;
    QTimer m_sendTimer;    // Original timing, Reply timeout
    QTimer m_drainTimer;   // waiting for the last answers
    QTimer m_lingerTimer;  // watching for extra answers
    QTimer m_closeTimer;   // the close handshake, at most
};

} // namespace wslens::replay
