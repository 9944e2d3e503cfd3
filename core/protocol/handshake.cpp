#include "protocol/handshake.h"

#include "protocol/extensionheader.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace wslens {

namespace {

HandshakeResult broken(HandshakeRule rule, const QString &message)
{
    HandshakeResult r;
    r.rule = rule;
    r.message = message;
    return r;
}

QString latin1(const QByteArray &b)
{
    return QString::fromLatin1(b.left(200));
}

QByteArray joined(const QList<QByteArray> &values)
{
    QByteArray out;
    for (const QByteArray &v : values) {
        if (!out.isEmpty())
            out += ", ";
        out += v;
    }
    return out;
}

const QByteArray kUpgrade = QByteArrayLiteral("Upgrade");
const QByteArray kConnection = QByteArrayLiteral("Connection");
const QByteArray kKey = QByteArrayLiteral("Sec-WebSocket-Key");
const QByteArray kVersion = QByteArrayLiteral("Sec-WebSocket-Version");
const QByteArray kProtocol = QByteArrayLiteral("Sec-WebSocket-Protocol");
const QByteArray kExtensions = QByteArrayLiteral("Sec-WebSocket-Extensions");
const QByteArray kAccept = QByteArrayLiteral("Sec-WebSocket-Accept");

// Checks the Upgrade and Connection headers shared by request and response.
HandshakeResult checkUpgradeHeaders(const HttpHead &head)
{
    if (!head.hasToken(kUpgrade, QByteArrayLiteral("websocket")))
        return broken(HandshakeRule::UpgradeNotWebSocket,
                      QStringLiteral("RFC 6455 4: Upgrade header must contain \"websocket\" (got \"%1\")")
                          .arg(latin1(joined(http::headerValues(head.headers, kUpgrade)))));
    if (!head.hasToken(kConnection, QByteArrayLiteral("upgrade")))
        return broken(HandshakeRule::ConnectionNotUpgrade,
                      QStringLiteral("RFC 6455 4: Connection header must contain \"Upgrade\" (got \"%1\")")
                          .arg(latin1(joined(http::headerValues(head.headers, kConnection)))));
    return {};
}

} // namespace

const char *handshakeRuleId(HandshakeRule rule)
{
    switch (rule) {
    case HandshakeRule::None: return "none";
    case HandshakeRule::MethodNotGet: return "method-not-get";
    case HandshakeRule::HttpVersionTooOld: return "http-version-too-old";
    case HandshakeRule::MissingHost: return "missing-host";
    case HandshakeRule::UpgradeNotWebSocket: return "upgrade-not-websocket";
    case HandshakeRule::ConnectionNotUpgrade: return "connection-not-upgrade";
    case HandshakeRule::KeyMissing: return "key-missing";
    case HandshakeRule::KeyInvalid: return "key-invalid";
    case HandshakeRule::VersionMissing: return "version-missing";
    case HandshakeRule::VersionUnsupported: return "version-unsupported";
    case HandshakeRule::ProtocolInvalid: return "protocol-invalid";
    case HandshakeRule::ExtensionsInvalid: return "extensions-invalid";
    case HandshakeRule::StatusNot101: return "status-not-101";
    case HandshakeRule::AcceptMissing: return "accept-missing";
    case HandshakeRule::AcceptMismatch: return "accept-mismatch";
    case HandshakeRule::ProtocolNotOffered: return "protocol-not-offered";
    case HandshakeRule::ExtensionNotOffered: return "extension-not-offered";
    }
    return "unknown";
}

QByteArray generateWebSocketKey()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toBase64();
}

QByteArray computeWebSocketAccept(const QByteArray &key)
{
    const QByteArray input = key + QByteArray(WebSocketGuid);
    return QCryptographicHash::hash(input, QCryptographicHash::Sha1).toBase64();
}

bool isValidWebSocketKey(const QByteArray &key)
{
    if (key.size() != 24 || !key.endsWith("=="))
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    // Canonical encoding only: re-encoding gives the same text (no stray bits).
    return decoded && decoded.decoded.size() == 16 && decoded.decoded.toBase64() == key;
}

UpgradeRequest buildUpgradeRequest(const UpgradeRequestOptions &options)
{
    UpgradeRequest r;
    r.key = options.key.isEmpty() ? generateWebSocketKey() : options.key;
    HttpHead &h = r.head;
    h.kind = HttpMessageKind::Request;
    h.method = QByteArrayLiteral("GET");
    h.target = options.resourceName.isEmpty() ? QByteArrayLiteral("/") : options.resourceName;
    h.targetForm = HttpTargetForm::Origin;
    h.version = QByteArrayLiteral("HTTP/1.1");
    h.versionMajor = 1;
    h.versionMinor = 1;
    h.headers.append(qMakePair(QByteArrayLiteral("Host"), options.host));
    h.headers.append(qMakePair(kUpgrade, QByteArrayLiteral("websocket")));
    h.headers.append(qMakePair(kConnection, QByteArrayLiteral("Upgrade")));
    h.headers.append(qMakePair(kKey, r.key));
    h.headers.append(qMakePair(kVersion, QByteArrayLiteral("13")));
    if (!options.origin.isEmpty())
        h.headers.append(qMakePair(QByteArrayLiteral("Origin"), options.origin));
    if (!options.protocols.isEmpty())
        h.headers.append(qMakePair(kProtocol, joined(options.protocols)));
    if (!options.extensions.isEmpty())
        h.headers.append(qMakePair(kExtensions, options.extensions));
    h.headers.append(options.extraHeaders);
    r.bytes = h.toBytes();
    return r;
}

HandshakeResult validateUpgradeRequest(const HttpHead &request, UpgradeRequestInfo *info)
{
    if (request.method != "GET")
        return broken(HandshakeRule::MethodNotGet,
                      QStringLiteral("RFC 6455 4.2.1: method must be GET (got %1)").arg(latin1(request.method)));
    if (request.versionMajor < 1 || (request.versionMajor == 1 && request.versionMinor < 1))
        return broken(HandshakeRule::HttpVersionTooOld,
                      QStringLiteral("RFC 6455 4.2.1: HTTP/1.1 or later required (got %1)").arg(latin1(request.version)));
    if (http::headerCount(request.headers, QByteArrayLiteral("Host")) != 1)
        return broken(HandshakeRule::MissingHost, QStringLiteral("RFC 6455 4.2.1: exactly one Host header required"));
    HandshakeResult r = checkUpgradeHeaders(request);
    if (!r.ok())
        return r;
    const QList<QByteArray> keys = http::headerValues(request.headers, kKey);
    if (keys.size() != 1)
        return broken(HandshakeRule::KeyMissing,
                      QStringLiteral("RFC 6455 4.2.1: exactly one Sec-WebSocket-Key required (got %1)").arg(keys.size()));
    if (!isValidWebSocketKey(keys.at(0)))
        return broken(HandshakeRule::KeyInvalid,
                      QStringLiteral("RFC 6455 4.2.1: Sec-WebSocket-Key must be base64 of 16 bytes (got \"%1\")")
                          .arg(latin1(keys.at(0))));
    const QList<QByteArray> versions = http::headerTokens(request.headers, kVersion);
    if (versions.isEmpty())
        return broken(HandshakeRule::VersionMissing, QStringLiteral("RFC 6455 4.2.1: Sec-WebSocket-Version required"));
    if (versions.size() != 1 || versions.at(0) != "13")
        return broken(HandshakeRule::VersionUnsupported,
                      QStringLiteral("RFC 6455 4.2.1: Sec-WebSocket-Version must be 13 (got \"%1\")")
                          .arg(latin1(joined(versions))));
    const QList<QByteArray> protocols = request.tokens(kProtocol);
    for (const QByteArray &p : protocols) {
        if (!http::isToken(p))
            return broken(HandshakeRule::ProtocolInvalid,
                          QStringLiteral("RFC 6455 4.1: subprotocol \"%1\" is not a token").arg(latin1(p)));
    }
    const QByteArray extensions = joined(http::headerValues(request.headers, kExtensions));
    QString extError;
    if (!parseExtensionList(extensions, nullptr, &extError))
        return broken(HandshakeRule::ExtensionsInvalid, QStringLiteral("RFC 6455 9.1: ") + extError);
    if (info) {
        info->key = keys.at(0);
        info->host = request.header(QByteArrayLiteral("Host"));
        info->resourceName = request.target;
        info->origin = request.header(QByteArrayLiteral("Origin"));
        info->protocols = protocols;
        info->extensions = extensions;
    }
    return {};
}

QByteArray buildUpgradeResponse(const UpgradeResponseOptions &options)
{
    QByteArray out = QByteArrayLiteral("HTTP/1.1 101 Switching Protocols\r\n"
                                       "Upgrade: websocket\r\n"
                                       "Connection: Upgrade\r\n");
    out += "Sec-WebSocket-Accept: " + computeWebSocketAccept(options.key) + "\r\n";
    if (!options.protocol.isEmpty())
        out += "Sec-WebSocket-Protocol: " + options.protocol + "\r\n";
    if (!options.extensions.isEmpty())
        out += "Sec-WebSocket-Extensions: " + options.extensions + "\r\n";
    for (const auto &h : options.extraHeaders)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    return out;
}

QByteArray buildHandshakeRejection(const HandshakeResult &result)
{
    QByteArray status = QByteArrayLiteral("400 Bad Request");
    QByteArray extra;
    if (result.rule == HandshakeRule::VersionUnsupported || result.rule == HandshakeRule::VersionMissing) {
        status = QByteArrayLiteral("426 Upgrade Required");
        extra = QByteArrayLiteral("Sec-WebSocket-Version: 13\r\n");
    } else if (result.rule == HandshakeRule::MethodNotGet) {
        status = QByteArrayLiteral("405 Method Not Allowed");
        extra = QByteArrayLiteral("Allow: GET\r\n");
    }
    const QByteArray body = result.message.toUtf8() + '\n';
    return "HTTP/1.1 " + status + "\r\n" + extra
        + "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

ClientOffer clientOfferFromRequest(const HttpHead &request)
{
    ClientOffer offer;
    offer.key = request.header(kKey);
    offer.protocols = request.tokens(kProtocol);
    QList<WebSocketExtension> exts;
    if (parseExtensionList(joined(http::headerValues(request.headers, kExtensions)), &exts)) {
        for (const WebSocketExtension &e : exts) {
            if (!offer.extensionNames.contains(e.name))
                offer.extensionNames.append(e.name);
        }
    }
    return offer;
}

HandshakeResult validateUpgradeResponse(const HttpHead &response, const ClientOffer &offer,
                                        UpgradeResponseInfo *info)
{
    if (response.statusCode != 101)
        return broken(HandshakeRule::StatusNot101,
                      QStringLiteral("RFC 6455 4.1: status must be 101 (got %1 %2)")
                          .arg(response.statusCode)
                          .arg(latin1(response.reason)));
    HandshakeResult r = checkUpgradeHeaders(response);
    if (!r.ok())
        return r;
    const QList<QByteArray> accepts = http::headerValues(response.headers, kAccept);
    if (accepts.size() != 1)
        return broken(HandshakeRule::AcceptMissing,
                      QStringLiteral("RFC 6455 4.1: exactly one Sec-WebSocket-Accept required (got %1)").arg(accepts.size()));
    const QByteArray expected = computeWebSocketAccept(offer.key);
    if (accepts.at(0) != expected)
        return broken(HandshakeRule::AcceptMismatch,
                      QStringLiteral("RFC 6455 4.1: Sec-WebSocket-Accept \"%1\" does not match the key (expected \"%2\")")
                          .arg(latin1(accepts.at(0)), latin1(expected)));
    const QList<QByteArray> protocols = response.tokens(kProtocol);
    const bool protocolHeader = response.hasHeader(kProtocol);
    if (protocolHeader) {
        if (protocols.size() != 1)
            return broken(HandshakeRule::ProtocolNotOffered,
                          QStringLiteral("RFC 6455 4.1: server must choose exactly one subprotocol (got \"%1\")")
                              .arg(latin1(joined(protocols))));
        if (!offer.protocols.contains(protocols.at(0)))
            return broken(HandshakeRule::ProtocolNotOffered,
                          QStringLiteral("RFC 6455 4.1: subprotocol \"%1\" was not offered").arg(latin1(protocols.at(0))));
    }
    const QByteArray extensions = joined(http::headerValues(response.headers, kExtensions));
    QList<WebSocketExtension> exts;
    QString extError;
    if (!parseExtensionList(extensions, &exts, &extError))
        return broken(HandshakeRule::ExtensionsInvalid, QStringLiteral("RFC 6455 9.1: ") + extError);
    QList<QByteArray> seen;
    for (const WebSocketExtension &e : exts) {
        if (!offer.extensionNames.contains(e.name))
            return broken(HandshakeRule::ExtensionNotOffered,
                          QStringLiteral("RFC 6455 4.1: extension \"%1\" was not offered").arg(latin1(e.name)));
        if (seen.contains(e.name))
            return broken(HandshakeRule::ExtensionNotOffered,
                          QStringLiteral("RFC 6455 9.1: extension \"%1\" accepted twice").arg(latin1(e.name)));
        seen.append(e.name);
    }
    if (info) {
        info->protocol = protocolHeader ? protocols.at(0) : QByteArray();
        info->extensions = extensions;
    }
    return {};
}

} // namespace wslens
