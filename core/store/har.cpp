#include "store/har.h"

#include "common/version.h"
#include "store/capturestore.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

#include <cmath>
#include <queue>
#include <vector>

namespace wslens::har {

namespace {

HttpHeaders headersFrom(const QJsonValue &v)
{
    HttpHeaders out;
    const QJsonArray arr = v.toArray();
    for (const QJsonValue &h : arr) {
        const QJsonObject o = h.toObject();
        if (!o.value(QLatin1String("name")).isString())
            continue;
        out.append({o.value(QLatin1String("name")).toString().toUtf8(),
                    o.value(QLatin1String("value")).toString().toUtf8()});
    }
    return out;
}

QByteArray headerValue(const HttpHeaders &h, const char *name)
{
    for (const auto &p : h) {
        if (p.first.compare(name, Qt::CaseInsensitive) == 0)
            return p.second;
    }
    return QByteArray();
}

QJsonArray headersTo(const HttpHeaders &h)
{
    QJsonArray arr;
    for (const auto &p : h) {
        arr.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(p.first)},
                               {QStringLiteral("value"), QString::fromUtf8(p.second)}});
    }
    return arr;
}

void setLength(FrameHeader &h, quint64 n)
{
    h.payloadLength = n;
    if (n < 126) {
        h.lengthEncoding = LengthEncoding::Short7;
        h.headerLength = 2;
    } else if (n < 65536) {
        h.lengthEncoding = LengthEncoding::Medium16;
        h.headerLength = 4;
    } else {
        h.lengthEncoding = LengthEncoding::Long64;
        h.headerLength = 10;
    }
}

// A Unix time in seconds that makes sense (1970 .. 5138); HAR files are untrusted.
bool plausibleSeconds(double t)
{
    return std::isfinite(t) && t >= 0 && t < 1e11;
}

struct PendingMessage
{
    qint64 us;
    FrameRecord frame;
};

} // namespace

bool looksLikeJson(const QByteArray &head)
{
    qsizetype i = head.startsWith("\xef\xbb\xbf") ? 3 : 0;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
        ++i;
    return i < head.size() && (head[i] == '{' || head[i] == '[');
}

ImportResult importHar(const QByteArray &json, CaptureSink &sink)
{
    ImportResult r;
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError) {
        r.error = QStringLiteral("not a HAR file: invalid JSON at byte %1 (%2)")
                      .arg(perr.offset)
                      .arg(perr.errorString());
        return r;
    }
    const QJsonValue entriesValue = doc.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries"));
    if (!doc.isObject() || !entriesValue.isArray()) {
        r.error = QStringLiteral("not a HAR file: no log.entries array");
        return r;
    }
    const QJsonArray entries = entriesValue.toArray();

    // One queue of messages per connection, merged by time below.
    std::vector<std::vector<PendingMessage>> perConn;
    for (const QJsonValue &ev : entries) {
        const QJsonObject e = ev.toObject();
        const QJsonValue msgs = e.value(QLatin1String("_webSocketMessages"));
        const bool ws = e.value(QLatin1String("_resourceType")).toString() == QLatin1String("websocket")
            || msgs.isArray();
        const QJsonObject req = e.value(QLatin1String("request")).toObject();
        if (!ws || !req.value(QLatin1String("url")).isString()) {
            ++r.skippedEntries;
            continue;
        }
        const QJsonObject resp = e.value(QLatin1String("response")).toObject();
        ConnectionInfo c;
        c.mode = ConnectionMode::Imported;
        c.url = req.value(QLatin1String("url")).toString();
        const QUrl url(c.url);
        c.requestMethod = req.value(QLatin1String("method")).toString(QStringLiteral("GET")).toUtf8();
        c.requestTarget = url.path(QUrl::FullyEncoded).toUtf8();
        if (c.requestTarget.isEmpty())
            c.requestTarget = QByteArrayLiteral("/");
        if (url.hasQuery())
            c.requestTarget += '?' + url.query(QUrl::FullyEncoded).toUtf8();
        c.requestHeaders = headersFrom(req.value(QLatin1String("headers")));
        c.responseStatus = resp.value(QLatin1String("status")).toInt();
        c.responseReason = resp.value(QLatin1String("statusText")).toString().toUtf8();
        c.responseHeaders = headersFrom(resp.value(QLatin1String("headers")));
        c.subprotocol = headerValue(c.responseHeaders, "Sec-WebSocket-Protocol");
        c.extensions = headerValue(c.responseHeaders, "Sec-WebSocket-Extensions");
        c.tls = url.scheme() == QLatin1String("wss") || url.scheme() == QLatin1String("https");
        const QString ip = e.value(QLatin1String("serverIPAddress")).toString();
        if (!ip.isEmpty()) {
            const QString host = ip.contains(QLatin1Char(':')) ? QLatin1Char('[') + ip + QLatin1Char(']') : ip;
            c.serverEndpoint = host + QLatin1Char(':') + QString::number(url.port(c.tls ? 443 : 80));
        }
        const QDateTime started = QDateTime::fromString(e.value(QLatin1String("startedDateTime")).toString(), Qt::ISODateWithMs);
        if (started.isValid())
            c.openedUs = started.toMSecsSinceEpoch() * 1000;
        const double total = e.value(QLatin1String("time")).toDouble();
        const QJsonObject extra = e.value(QLatin1String("_wslens")).toObject();
        if (!extra.isEmpty()) {
            c.clientCloseCode = extra.value(QLatin1String("clientCloseCode")).toInt(-1);
            c.serverCloseCode = extra.value(QLatin1String("serverCloseCode")).toInt(-1);
            c.clientCloseReason = extra.value(QLatin1String("clientCloseReason")).toString();
            c.serverCloseReason = extra.value(QLatin1String("serverCloseReason")).toString();
            c.error = extra.value(QLatin1String("error")).toString();
            c.closedUs = qint64(extra.value(QLatin1String("closedUs")).toDouble());
            c.handshakeDoneUs = qint64(extra.value(QLatin1String("handshakeDoneUs")).toDouble());
            c.clientEndpoint = extra.value(QLatin1String("clientEndpoint")).toString();
        } else if (c.openedUs && std::isfinite(total) && total > 0 && total < 1e12) {
            c.closedUs = c.openedUs + qint64(total * 1000);
        }
        const quint64 id = sink.openConnection(c);
        ++r.connections;

        std::vector<PendingMessage> list;
        const QJsonArray arr = msgs.toArray();
        list.reserve(size_t(arr.size()));
        for (const QJsonValue &mv : arr) {
            const QJsonObject m = mv.toObject();
            const QString type = m.value(QLatin1String("type")).toString();
            const double t = m.value(QLatin1String("time")).toDouble(-1);
            if ((type != QLatin1String("send") && type != QLatin1String("receive")) || !plausibleSeconds(t)) {
                ++r.skippedMessages;
                continue;
            }
            const int opcode = m.value(QLatin1String("opcode")).toInt(Opcode::Text);
            if (opcode < 0 || opcode > 15) {
                ++r.skippedMessages;
                continue;
            }
            const QString data = m.value(QLatin1String("data")).toString();
            QByteArray bytes;
            if (opcode == Opcode::Binary) {
                auto decoded = QByteArray::fromBase64Encoding(data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
                bytes = decoded ? *decoded : data.toUtf8();
            } else {
                bytes = data.toUtf8();
            }
            PendingMessage pm;
            pm.us = qint64(std::llround(t * 1e6));
            FrameRecord &f = pm.frame;
            f.connectionId = id;
            f.direction = type == QLatin1String("send") ? Direction::ClientToServer : Direction::ServerToClient;
            f.timestampUs = pm.us;
            f.header.opcode = quint8(opcode);
            f.header.fin = true;
            setLength(f.header, quint64(bytes.size()));
            f.payload = bytes;
            f.hasMessage = true;
            f.message = bytes;
            const QString edit = m.value(QLatin1String("_wslensEdit")).toString();
            if (edit == QLatin1String("replaced"))
                f.edit = EditMark::Replaced;
            else if (edit == QLatin1String("dropped"))
                f.edit = EditMark::Dropped;
            else if (edit == QLatin1String("injected"))
                f.edit = EditMark::Injected;
            list.push_back(std::move(pm));
        }
        r.messages += list.size();
        perConn.push_back(std::move(list));
    }

    // k-way merge by time; ties keep entry order.
    using Head = std::pair<qint64, std::pair<size_t, size_t>>; // (us, (conn, index))
    std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
    for (size_t i = 0; i < perConn.size(); ++i) {
        if (!perConn[i].empty())
            heads.push({perConn[i][0].us, {i, 0}});
    }
    while (!heads.empty()) {
        const Head h = heads.top();
        heads.pop();
        auto &list = perConn[h.second.first];
        sink.appendFrame(std::move(list[h.second.second].frame));
        const size_t next = h.second.second + 1;
        if (next < list.size())
            heads.push({list[next].us, {h.second.first, next}});
    }
    r.ok = true;
    return r;
}

ImportResult importHarFile(const QString &path, CaptureSink &sink)
{
    ImportResult r;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.error = QStringLiteral("cannot open %1: %2").arg(path, f.errorString());
        return r;
    }
    if (f.size() == 0) {
        r.error = QStringLiteral("%1: the file is empty").arg(path);
        return r;
    }
    if (f.size() > kMaxHarBytes) {
        r.error = QStringLiteral("%1: HAR file larger than %2 MiB is not supported").arg(path).arg(kMaxHarBytes >> 20);
        return r;
    }
    const QByteArray data = f.readAll();
    r = importHar(data, sink);
    if (!r.ok)
        r.error = path + QStringLiteral(": ") + r.error;
    return r;
}

// --- export --------------------------------------------------------------------

namespace {

QString isoTime(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(Qt::ISODateWithMs);
}

bool put(QIODevice &out, const QByteArray &b, QString *error)
{
    if (out.write(b) != b.size()) {
        *error = QStringLiteral("write failed: %1").arg(out.errorString());
        return false;
    }
    return true;
}

QJsonObject entryFor(const ConnectionInfo &c, qint64 lastUs)
{
    const QUrl url(c.url);
    QJsonArray query;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &item : items)
        query.append(QJsonObject{{QStringLiteral("name"), item.first}, {QStringLiteral("value"), item.second}});
    const qint64 opened = c.openedUs ? c.openedUs : lastUs;
    const qint64 end = qMax(c.closedUs, lastUs);
    const double totalMs = end > opened ? double(end - opened) / 1000.0 : 0.0;
    QJsonObject request{
        {QStringLiteral("method"), QString::fromUtf8(c.requestMethod.isEmpty() ? QByteArrayLiteral("GET") : c.requestMethod)},
        {QStringLiteral("url"), c.url},
        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
        {QStringLiteral("headers"), headersTo(c.requestHeaders)},
        {QStringLiteral("queryString"), query},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), 0},
    };
    QJsonObject response{
        {QStringLiteral("status"), c.responseStatus},
        {QStringLiteral("statusText"), QString::fromUtf8(c.responseReason)},
        {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
        {QStringLiteral("headers"), headersTo(c.responseHeaders)},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("content"), QJsonObject{{QStringLiteral("size"), 0}, {QStringLiteral("mimeType"), QStringLiteral("x-unknown")}}},
        {QStringLiteral("redirectURL"), QString()},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), 0},
    };
    QJsonObject timings{
        {QStringLiteral("blocked"), -1}, {QStringLiteral("dns"), -1}, {QStringLiteral("ssl"), -1},
        {QStringLiteral("connect"), -1}, {QStringLiteral("send"), 0}, {QStringLiteral("wait"), 0},
        {QStringLiteral("receive"), 0},
    };
    QJsonObject extra{
        {QStringLiteral("clientCloseCode"), c.clientCloseCode},
        {QStringLiteral("serverCloseCode"), c.serverCloseCode},
        {QStringLiteral("clientCloseReason"), c.clientCloseReason},
        {QStringLiteral("serverCloseReason"), c.serverCloseReason},
        {QStringLiteral("error"), c.error},
        {QStringLiteral("closedUs"), double(c.closedUs)},
        {QStringLiteral("handshakeDoneUs"), double(c.handshakeDoneUs)},
        {QStringLiteral("clientEndpoint"), c.clientEndpoint},
    };
    QJsonObject e{
        {QStringLiteral("startedDateTime"), isoTime(opened)},
        {QStringLiteral("time"), totalMs},
        {QStringLiteral("request"), request},
        {QStringLiteral("response"), response},
        {QStringLiteral("cache"), QJsonObject()},
        {QStringLiteral("timings"), timings},
        {QStringLiteral("_resourceType"), QStringLiteral("websocket")},
        {QStringLiteral("_wslens"), extra},
    };
    const QString server = c.serverEndpoint;
    const int colon = server.lastIndexOf(QLatin1Char(':'));
    if (colon > 0) {
        QString ip = server.left(colon);
        if (ip.startsWith(QLatin1Char('[')) && ip.endsWith(QLatin1Char(']')))
            ip = ip.mid(1, ip.size() - 2);
        e.insert(QStringLiteral("serverIPAddress"), ip);
        e.insert(QStringLiteral("connection"), server.mid(colon + 1));
    }
    return e;
}

} // namespace

bool exportHar(const CaptureStore &store, QIODevice &out, QString *error)
{
    // Rows of data messages, per connection, in order; the opcode of the
    // message each completing frame ends.
    struct Msg { quint64 row; quint8 opcode; };
    QHash<quint64, std::vector<Msg>> rows;
    QHash<quint64, qint64> lastUs;
    QHash<quint64, quint8> open[2]; // message opcode in progress per direction
    const quint64 n = store.frameCount();
    for (quint64 row = 0; row < n; ++row) {
        const FrameSummary s = store.summary(row);
        if (s.unparsed)
            continue;
        qint64 &last = lastUs[s.connectionId];
        last = qMax(last, s.timestampUs);
        auto &inProgress = open[s.direction == Direction::ServerToClient ? 1 : 0];
        quint8 opcode = s.opcode;
        if (opcode == Opcode::Text || opcode == Opcode::Binary)
            inProgress[s.connectionId] = opcode;
        else if (opcode == Opcode::Continuation)
            opcode = inProgress.value(s.connectionId, Opcode::Binary);
        else
            continue; // control and reserved frames
        if (s.hasMessage)
            rows[s.connectionId].push_back({row, opcode});
    }

    const QJsonObject creator{{QStringLiteral("name"), QStringLiteral("wslens")},
                              {QStringLiteral("version"), versionString()}};
    QByteArray head = QByteArrayLiteral("{\"log\":{\"version\":\"1.2\",\"creator\":")
        + QJsonDocument(creator).toJson(QJsonDocument::Compact)
        + QByteArrayLiteral(",\"pages\":[],\"entries\":[\n");
    if (!put(out, head, error))
        return false;
    const QList<ConnectionInfo> conns = store.connections();
    for (qsizetype i = 0; i < conns.size(); ++i) {
        const ConnectionInfo &c = conns[i];
        QByteArray entry = QJsonDocument(entryFor(c, lastUs.value(c.id))).toJson(QJsonDocument::Compact);
        entry.chop(1); // the closing brace: messages follow
        entry += QByteArrayLiteral(",\"_webSocketMessages\":[");
        if (!put(out, (i ? QByteArrayLiteral(",\n") : QByteArray()) + entry, error))
            return false;
        const std::vector<Msg> &list = rows[c.id];
        QByteArray chunk;
        for (size_t k = 0; k < list.size(); ++k) {
            FrameRecord f;
            if (!store.readFrame(list[k].row, &f)) {
                *error = QStringLiteral("cannot read frame %1 back from the session file").arg(list[k].row);
                return false;
            }
            QJsonObject m{
                {QStringLiteral("type"), f.direction == Direction::ClientToServer ? QStringLiteral("send") : QStringLiteral("receive")},
                {QStringLiteral("time"), double(f.timestampUs) / 1e6},
                {QStringLiteral("opcode"), int(list[k].opcode)},
                {QStringLiteral("data"), list[k].opcode == Opcode::Text ? QString::fromUtf8(f.message)
                                                                        : QString::fromLatin1(f.message.toBase64())},
            };
            if (f.edit == EditMark::Replaced)
                m.insert(QStringLiteral("_wslensEdit"), QStringLiteral("replaced"));
            else if (f.edit == EditMark::Dropped)
                m.insert(QStringLiteral("_wslensEdit"), QStringLiteral("dropped"));
            else if (f.edit == EditMark::Injected)
                m.insert(QStringLiteral("_wslensEdit"), QStringLiteral("injected"));
            if (k)
                chunk += ',';
            chunk += QJsonDocument(m).toJson(QJsonDocument::Compact);
            if (chunk.size() > 1024 * 1024) {
                if (!put(out, chunk, error))
                    return false;
                chunk.clear();
            }
        }
        chunk += QByteArrayLiteral("]}");
        if (!put(out, chunk, error))
            return false;
    }
    return put(out, QByteArrayLiteral("\n]}}\n"), error);
}

} // namespace wslens::har
