#include "store/jsonlines.h"

#include "store/capturestore.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace wslens::jsonl {

namespace {

QJsonArray headers(const HttpHeaders &h)
{
    QJsonArray arr;
    for (const auto &p : h) {
        arr.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(p.first)},
                               {QStringLiteral("value"), QString::fromUtf8(p.second)}});
    }
    return arr;
}

QJsonValue code(int c)
{
    return c >= 0 ? QJsonValue(c) : QJsonValue(QJsonValue::Null);
}

QJsonValue time(qint64 us)
{
    return us ? QJsonValue(double(us)) : QJsonValue(QJsonValue::Null);
}

void appendBool(QByteArray &out, const char *key, bool v)
{
    out += ",\"";
    out += key;
    out += v ? "\":true" : "\":false";
}

void appendNumber(QByteArray &out, const char *key, qint64 v)
{
    out += ",\"";
    out += key;
    out += "\":";
    out += QByteArray::number(v);
}

void appendB64(QByteArray &out, const char *key, const QByteArray &v)
{
    out += ",\"";
    out += key;
    out += "\":\"";
    out += v.toBase64();
    out += '"';
}

} // namespace

const char *modeName(ConnectionMode m)
{
    switch (m) {
    case ConnectionMode::ReverseProxy: return "reverse-proxy";
    case ConnectionMode::ExplicitProxy: return "explicit-proxy";
    case ConnectionMode::LocalServer: return "local-server";
    case ConnectionMode::LocalClient: return "local-client";
    case ConnectionMode::Replay: return "replay";
    case ConnectionMode::Imported: return "imported";
    }
    return "unknown";
}

QByteArray connectionLine(const ConnectionInfo &c)
{
    const QJsonObject o{
        {QStringLiteral("type"), QStringLiteral("connection")},
        {QStringLiteral("id"), double(c.id)},
        {QStringLiteral("url"), c.url},
        {QStringLiteral("mode"), QLatin1String(modeName(c.mode))},
        {QStringLiteral("client"), c.clientEndpoint},
        {QStringLiteral("server"), c.serverEndpoint},
        {QStringLiteral("request_method"), QString::fromUtf8(c.requestMethod)},
        {QStringLiteral("request_target"), QString::fromUtf8(c.requestTarget)},
        {QStringLiteral("request_headers"), headers(c.requestHeaders)},
        {QStringLiteral("response_status"), c.responseStatus},
        {QStringLiteral("response_reason"), QString::fromUtf8(c.responseReason)},
        {QStringLiteral("response_headers"), headers(c.responseHeaders)},
        {QStringLiteral("subprotocol"), QString::fromUtf8(c.subprotocol)},
        {QStringLiteral("extensions"), QString::fromUtf8(c.extensions)},
        {QStringLiteral("opened_us"), time(c.openedUs)},
        {QStringLiteral("handshake_us"), time(c.handshakeDoneUs)},
        {QStringLiteral("closed_us"), time(c.closedUs)},
        {QStringLiteral("close_code"), code(c.clientCloseCode >= 0 ? c.clientCloseCode : c.serverCloseCode)},
        {QStringLiteral("client_close_code"), code(c.clientCloseCode)},
        {QStringLiteral("client_close_reason"), c.clientCloseReason},
        {QStringLiteral("server_close_code"), code(c.serverCloseCode)},
        {QStringLiteral("server_close_reason"), c.serverCloseReason},
        {QStringLiteral("error"), c.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.error)},
        {QStringLiteral("tls"), c.tls},
        {QStringLiteral("insecure_upstream"), c.insecureUpstream},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray frameLine(const FrameRecord &f, bool truncated)
{
    QByteArray out;
    out.reserve(256 + (f.payload.size() + f.message.size() + f.original.size()) * 4 / 3);
    out += "{\"type\":\"frame\"";
    appendNumber(out, "conn", qint64(f.connectionId));
    appendNumber(out, "seq", qint64(f.seq));
    out += f.direction == Direction::ClientToServer ? ",\"dir\":\"c2s\"" : ",\"dir\":\"s2c\"";
    appendNumber(out, "ts_us", f.timestampUs);
    appendBool(out, "fin", f.header.fin);
    appendNumber(out, "rsv", f.header.rsv);
    appendNumber(out, "opcode", f.header.opcode);
    appendBool(out, "masked", f.header.masked);
    if (f.header.masked) {
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08x", unsigned(f.header.maskKey));
        out += ",\"mask_key\":\"";
        out += hex;
        out += '"';
    } else {
        out += ",\"mask_key\":null";
    }
    appendNumber(out, "len", qint64(f.header.payloadLength));
    appendB64(out, "payload_b64", f.payload);
    if (f.hasMessage)
        appendB64(out, "message_b64", f.message);
    if (f.violation == Violation::None) {
        out += ",\"violation\":null";
    } else {
        out += ",\"violation\":\"";
        out += violationInfo(f.violation).id;
        out += '"';
    }
    switch (f.edit) {
    case EditMark::None: out += ",\"edit\":null"; break;
    case EditMark::Replaced: out += ",\"edit\":\"replaced\""; break;
    case EditMark::Dropped: out += ",\"edit\":\"dropped\""; break;
    case EditMark::Injected: out += ",\"edit\":\"injected\""; break;
    }
    if (f.edit == EditMark::Replaced || f.edit == EditMark::Dropped)
        appendB64(out, "original_b64", f.original);
    if (f.unparsed)
        appendBool(out, "unparsed", true);
    if (truncated)
        appendBool(out, "truncated", true);
    out += '}';
    return out;
}

bool writeJsonLines(const CaptureStore &store, QIODevice &out, QString *error)
{
    QByteArray buf;
    auto drain = [&](bool force) {
        if (!force && buf.size() < 1024 * 1024)
            return true;
        if (out.write(buf) != buf.size()) {
            *error = QStringLiteral("write failed: %1").arg(out.errorString());
            return false;
        }
        buf.clear();
        return true;
    };
    const QList<ConnectionInfo> conns = store.connections();
    for (const ConnectionInfo &c : conns) {
        buf += connectionLine(c);
        buf += '\n';
    }
    const quint64 n = store.frameCount();
    for (quint64 row = 0; row < n; ++row) {
        FrameRecord f;
        if (!store.readFrame(row, &f)) {
            *error = QStringLiteral("cannot read frame %1 back from the session file").arg(row);
            return false;
        }
        buf += frameLine(f, store.summary(row).truncated);
        buf += '\n';
        if (!drain(false))
            return false;
    }
    return drain(true);
}

} // namespace wslens::jsonl
