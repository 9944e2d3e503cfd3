#pragma once

#include "protocol/httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>

namespace wslens {

// The WebSocket opening handshake (RFC 6455 4): building and checking the
// HTTP/1.1 upgrade request and the 101 response. Works on HttpHead values
// from HttpHeadParser; these functions never touch sockets.

// Which rule of the opening handshake a head broke.
enum class HandshakeRule : std::uint8_t {
    None = 0,
    // request (RFC 6455 4.2.1)
    MethodNotGet,          // method must be GET
    HttpVersionTooOld,     // must be HTTP/1.1 or later
    MissingHost,           // Host header required
    UpgradeNotWebSocket,   // Upgrade must contain the "websocket" token
    ConnectionNotUpgrade,  // Connection must contain the "upgrade" token
    KeyMissing,            // Sec-WebSocket-Key required (exactly once)
    KeyInvalid,            // key must be base64 of 16 bytes
    VersionMissing,        // Sec-WebSocket-Version required
    VersionUnsupported,    // only version 13 is spoken
    ProtocolInvalid,       // Sec-WebSocket-Protocol elements must be tokens
    ExtensionsInvalid,     // Sec-WebSocket-Extensions does not parse
    // response (RFC 6455 4.1, client side)
    StatusNot101,          // the server did not switch protocols
    AcceptMissing,         // Sec-WebSocket-Accept required (exactly once)
    AcceptMismatch,        // Accept is not base64(SHA1(key + GUID))
    ProtocolNotOffered,    // subprotocol chosen that the client did not offer (or several chosen)
    ExtensionNotOffered,   // extension in the response that the client did not offer
};

// Stable id ("method-not-get") and the rule text.
const char *handshakeRuleId(HandshakeRule rule);

struct HandshakeResult
{
    HandshakeRule rule = HandshakeRule::None;
    QString message; // human-readable: which rule, and what was seen
    bool ok() const { return rule == HandshakeRule::None; }
};

// The GUID of RFC 6455 1.3.
inline constexpr char WebSocketGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64 of 16 random bytes (from the system CSPRNG).
QByteArray generateWebSocketKey();
// base64(SHA-1(key + GUID)).
QByteArray computeWebSocketAccept(const QByteArray &key);
// True when key is base64 (with padding) of exactly 16 bytes.
bool isValidWebSocketKey(const QByteArray &key);

// --- client side ----------------------------------------------------------

struct UpgradeRequestOptions
{
    QByteArray host;                 // Host header value, "example.com:8080"
    QByteArray resourceName = "/";   // request target, "/chat?x=1"
    QList<QByteArray> protocols;     // Sec-WebSocket-Protocol offer, in preference order
    QByteArray extensions;           // Sec-WebSocket-Extensions offer, e.g. "permessage-deflate; client_max_window_bits"
    QByteArray origin;               // Origin, omitted when empty
    HttpHeaders extraHeaders;        // appended as given (cookies, auth, ...)
    QByteArray key;                  // empty: a fresh random key
};

struct UpgradeRequest
{
    QByteArray key;   // the Sec-WebSocket-Key sent (needed to check the response)
    HttpHead head;    // the request as a head
    QByteArray bytes; // the request on the wire
};

UpgradeRequest buildUpgradeRequest(const UpgradeRequestOptions &options);

// What the client offered, to check the response against.
struct ClientOffer
{
    QByteArray key;
    QList<QByteArray> protocols;
    QList<QByteArray> extensionNames; // names offered in Sec-WebSocket-Extensions
};

// The offer carried by an upgrade request head (key, protocols, extension names).
ClientOffer clientOfferFromRequest(const HttpHead &request);

// What a valid 101 response agreed to.
struct UpgradeResponseInfo
{
    QByteArray protocol;   // chosen subprotocol, empty when none
    QByteArray extensions; // Sec-WebSocket-Extensions of the response (fields joined with ", ")
};

// Checks a response as a client would (RFC 6455 4.1): status 101, Upgrade,
// Connection, Accept matching the key, subprotocol from the offer,
// extensions only from the offer. The first broken rule is returned.
HandshakeResult validateUpgradeResponse(const HttpHead &response, const ClientOffer &offer,
                                        UpgradeResponseInfo *info = nullptr);

// --- server side ----------------------------------------------------------

// What a valid upgrade request asked for.
struct UpgradeRequestInfo
{
    QByteArray key;
    QByteArray host;
    QByteArray resourceName;
    QByteArray origin;
    QList<QByteArray> protocols;
    QByteArray extensions; // fields joined with ", "
};

// Checks a request as a server would (RFC 6455 4.2.1).
HandshakeResult validateUpgradeRequest(const HttpHead &request, UpgradeRequestInfo *info = nullptr);

struct UpgradeResponseOptions
{
    QByteArray key;        // the client's Sec-WebSocket-Key
    QByteArray protocol;   // chosen subprotocol, omitted when empty
    QByteArray extensions; // accepted extensions, omitted when empty
    HttpHeaders extraHeaders;
};

// "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Accept, ...
QByteArray buildUpgradeResponse(const UpgradeResponseOptions &options);

// An error answer to a bad upgrade request: 426 + "Sec-WebSocket-Version: 13"
// for an unsupported version, 405 for a wrong method, 400 otherwise, with the
// rule as a text/plain body and "Connection: close".
QByteArray buildHandshakeRejection(const HandshakeResult &result);

} // namespace wslens
