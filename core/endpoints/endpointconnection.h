#pragma once

// One open WebSocket connection of our built-in server or client, after the
// opening handshake: strict RFC 6455 framing on the way in, any bytes on the
// way out, the close handshake, and capture of every frame in both directions.
// Lives on (and must only be used from) the thread of its socket.

#include "protocol/frame.h"
#include "protocol/frameparser.h"
#include "protocol/messageassembler.h"
#include "store/capturerecords.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QAbstractSocket;
class QTimer;

namespace wslens::relay {
class StreamCapture;
}

namespace wslens::endpoints {

class DeflateCodec;

// Size limits checked as bytes arrive (past them the connection fails with 1009).
struct EndpointLimits
{
    quint64 maxFrameSize = quint64(64) << 20;
    quint64 maxMessageSize = quint64(64) << 20;
    quint64 maxDecompressedSize = quint64(64) << 20;
};

struct ConnectionSettings
{
    Role localRole = Role::Server;  // decides masking of what we send and what we expect
    bool answerPings = true;        // answer every ping with a pong carrying its payload
    bool replyToClose = true;       // echo the peer's close code (RFC 6455 5.5.1)
    EndpointLimits limits;
    int closeTimeoutMs = 3000;      // wait this long for the other side of the close handshake
};

// Where the frames of the connection are captured (sink may be null: no capture).
struct CaptureTarget
{
    CaptureSink *sink = nullptr;
    quint64 connectionId = 0;
};

class EndpointConnection : public QObject
{
    Q_OBJECT
public:
    enum class State : quint8 {
        Open,    // messages flow both ways
        Closing, // a close frame went out or came in; waiting for the other half
        Closed,  // the socket is closed
    };

    // Takes ownership of socket (already past the opening handshake). codec:
    // the negotiated permessage-deflate session, or null.
    EndpointConnection(QAbstractSocket *socket, const ConnectionSettings &settings,
                       std::unique_ptr<DeflateCodec> codec, const CaptureTarget &capture,
                       const ConnectionInfo &info, QObject *parent = nullptr);
    ~EndpointConnection() override;

    // Starts reading; leftover: bytes that arrived right after the handshake.
    void start(const QByteArray &leftover = QByteArray());

    // A text or binary message in one frame (compressed when deflate was
    // negotiated and compress is true; masked with a random key by a client).
    // Returns false when the connection is no longer open for data.
    bool sendMessage(quint8 opcode, const QByteArray &data, bool compress = true);
    bool sendText(const QString &text) { return sendMessage(Opcode::Text, text.toUtf8()); }
    bool sendBinary(const QByteArray &data) { return sendMessage(Opcode::Binary, data); }
    bool sendPing(const QByteArray &payload = QByteArray());
    // Exactly these bytes on the wire (crafted frames, valid or not). They are
    // captured as parsed, with the rules they break.
    bool sendRaw(const QByteArray &bytes);
    // Starts the close handshake: a close frame with code (code < 0: empty
    // payload) and reason, then waits for the peer's close.
    void close(int code = 1000, const QByteArray &reason = QByteArray());
    // Fails the connection (RFC 6455 7.1.7): close frame with code, then TCP close.
    void fail(quint16 code, const QString &reason);
    // Closes the socket at once, without a close frame.
    void abort();

    State state() const { return m_state; }
    const ConnectionInfo &info() const { return m_info; }
    quint64 captureId() const { return m_capture.connectionId; }
    Role localRole() const { return m_settings.localRole; }
    bool deflateActive() const { return m_codec != nullptr; }
    QAbstractSocket *socket() const { return m_socket; }

    // Peer's close frame (code -1 when none came; 1005 for an empty one).
    int peerCloseCode() const { return m_peerCloseCode; }
    QString peerCloseReason() const { return m_peerCloseReason; }
    // The close code we sent (-1 none; 1005 for an empty close payload).
    int localCloseCode() const { return m_localCloseCode; }
    // The violation that failed the connection (None when it closed cleanly).
    Violation failure() const { return m_failure; }

Q_SIGNALS:
    // A complete text or binary message (inflated when compressed).
    void messageReceived(quint8 opcode, const QByteArray &data);
    void pingReceived(const QByteArray &payload);
    void pongReceived(const QByteArray &payload);
    void closeReceived(int code, const QString &reason);
    // The connection failed because the peer broke a rule (we sent closeCode).
    void protocolViolation(wslens::Violation violation, quint16 closeCode);
    // The socket closed. Emitted exactly once.
    void finished();

private:
    void onReadyRead();
    void onDisconnected();
    void processIncoming(const QByteArray &chunk);
    void handleMessage(AssembledMessage &&message);
    void handleViolation(Violation v);
    void handleClose(const QByteArray &payload);
    void writeFrame(quint8 opcode, const QByteArray &payload, quint8 rsv = 0);
    void writeBytes(const QByteArray &bytes);
    void finishClosing();
    void lingerAndClose();
    void setClosed();
    void updateCaptureInfo();

    QAbstractSocket *m_socket; // owned (child)
    ConnectionSettings m_settings;
    std::unique_ptr<DeflateCodec> m_codec;
    CaptureTarget m_capture;
    ConnectionInfo m_info;
    FrameParser m_parser;
    MessageAssembler m_assembler;
    std::unique_ptr<relay::StreamCapture> m_inCapture;
    std::unique_ptr<relay::StreamCapture> m_outCapture;
    QTimer *m_closeTimer = nullptr;
    State m_state = State::Open;
    bool m_readStopped = false;   // ignore everything that arrives (failed or close received)
    bool m_closeSent = false;
    bool m_closeReceived = false;
    bool m_finishedEmitted = false;
    bool m_lingering = false;
    int m_peerCloseCode = -1;
    QString m_peerCloseReason;
    int m_localCloseCode = -1;
    Violation m_failure = Violation::None;
};

} // namespace wslens::endpoints
