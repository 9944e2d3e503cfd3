#pragma once

#include "protocol/frame.h"
#include "protocol/violation.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QtGlobal>

namespace wslens {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// How a connection came to be captured.
enum class ConnectionMode : quint8 {
    ReverseProxy = 0,  // relay with a fixed upstream
    ExplicitProxy = 1, // relay as the browser's HTTP proxy
    LocalServer = 2,   // a client talking to our built-in server
    LocalClient = 3,   // our built-in client talking to a server
    Replay = 4,        // a replay run
    Imported = 5,      // read from a HAR file
};

// What the user (or a rule) did to a message.
enum class EditMark : quint8 { None = 0, Replaced = 1, Dropped = 2, Injected = 3 };

// Everything known about one WebSocket connection. Times are microseconds
// since the Unix epoch; 0 means "not yet".
struct ConnectionInfo
{
    quint64 id = 0;
    QString url;
    ConnectionMode mode = ConnectionMode::ReverseProxy;
    QString clientEndpoint; // "127.0.0.1:51234"
    QString serverEndpoint; // "127.0.0.1:8080"
    QByteArray requestMethod = QByteArrayLiteral("GET");
    QByteArray requestTarget;
    HttpHeaders requestHeaders;
    int responseStatus = 0;
    QByteArray responseReason;
    HttpHeaders responseHeaders;
    QByteArray subprotocol;
    QByteArray extensions;
    qint64 openedUs = 0;
    qint64 handshakeDoneUs = 0;
    qint64 closedUs = 0;
    int clientCloseCode = -1; // -1: no close frame from the client
    QString clientCloseReason;
    int serverCloseCode = -1;
    QString serverCloseReason;
    QString error;            // empty when none
    quint64 replayOf = 0;     // connection this one replays, 0 when none
    bool tls = false;
    bool insecureUpstream = false; // upstream certificate errors were ignored
};

// One frame as captured. payload is the unmasked wire payload (still
// compressed if RSV1 was set); message is the decoded message and is only
// present on the frame that completes a data message.
struct FrameRecord
{
    quint64 connectionId = 0;
    quint64 seq = 0;   // position in the session, assigned by the store
    Direction direction = Direction::ClientToServer;
    qint64 timestampUs = 0;
    FrameHeader header;
    QByteArray payload;
    bool hasMessage = false;
    QByteArray message;
    Violation violation = Violation::None;
    EditMark edit = EditMark::None;
    QByteArray original;      // the original message when edit == Replaced (or Dropped)
    bool unparsed = false;    // raw bytes recorded after framing was lost; header is meaningless
};

// Where captured traffic goes. Implemented by the capture store; used by the
// relay, the local server and client, replay and import. Implementations must
// be thread-safe and must not block the caller on disk I/O.
class CaptureSink
{
public:
    virtual ~CaptureSink() = default;
    // Registers a connection and returns its id (the id field of info is ignored).
    virtual quint64 openConnection(const ConnectionInfo &info) = 0;
    // Replaces what is known about connection info.id.
    virtual void updateConnection(const ConnectionInfo &info) = 0;
    virtual void appendFrame(FrameRecord &&frame) = 0;
};

} // namespace wslens
