#include "data/exporter.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDateTime>
#include <QMap>

namespace wslens::ui {

QString copyText(const FrameRecord &frame, CopyFormat format)
{
    const QByteArray &bytes = frame.hasMessage ? frame.message : frame.payload;
    switch (format) {
    case CopyFormat::Text: return QString::fromUtf8(bytes);
    case CopyFormat::Hex: return QString::fromLatin1(bytes.toHex(' '));
    case CopyFormat::Base64: return QString::fromLatin1(bytes.toBase64());
    }
    return QString();
}

static QJsonArray headersJson(const HttpHeaders &headers)
{
    QJsonArray a;
    for (const auto &h : headers)
        a.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(h.first)},
                             {QStringLiteral("value"), QString::fromLatin1(h.second)}});
    return a;
}

QByteArray connectionJsonLine(const ConnectionInfo &c)
{
    QJsonObject o{{QStringLiteral("type"), QStringLiteral("connection")},
                  {QStringLiteral("id"), qint64(c.id)},
                  {QStringLiteral("url"), c.url},
                  {QStringLiteral("request_headers"), headersJson(c.requestHeaders)},
                  {QStringLiteral("response_status"), c.responseStatus},
                  {QStringLiteral("response_headers"), headersJson(c.responseHeaders)},
                  {QStringLiteral("close_code"), c.serverCloseCode >= 0 ? QJsonValue(c.serverCloseCode)
                                                  : c.clientCloseCode >= 0 ? QJsonValue(c.clientCloseCode)
                                                                           : QJsonValue()}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray frameJsonLine(const FrameRecord &f)
{
    QJsonObject o{{QStringLiteral("type"), QStringLiteral("frame")},
                  {QStringLiteral("conn"), qint64(f.connectionId)},
                  {QStringLiteral("seq"), qint64(f.seq)},
                  {QStringLiteral("dir"), f.direction == Direction::ClientToServer ? QStringLiteral("c2s") : QStringLiteral("s2c")},
                  {QStringLiteral("ts_us"), f.timestampUs},
                  {QStringLiteral("fin"), f.header.fin},
                  {QStringLiteral("rsv"), int(f.header.rsv)},
                  {QStringLiteral("opcode"), int(f.header.opcode)},
                  {QStringLiteral("masked"), f.header.masked},
                  {QStringLiteral("mask_key"), f.header.masked ? QJsonValue(QStringLiteral("%1").arg(f.header.maskKey, 8, 16, QLatin1Char('0')))
                                                               : QJsonValue()},
                  {QStringLiteral("len"), qint64(f.header.payloadLength)},
                  {QStringLiteral("payload_b64"), QString::fromLatin1(f.payload.toBase64())},
                  {QStringLiteral("violation"), f.violation == Violation::None ? QJsonValue()
                                                 : QJsonValue(QString::fromUtf8(violationInfo(f.violation).rule))},
                  {QStringLiteral("edit"), QJsonValue()}};
    if (f.hasMessage)
        o.insert(QStringLiteral("message_b64"), QString::fromLatin1(f.message.toBase64()));
    if (f.edit != EditMark::None) {
        const char *names[] = {"", "replaced", "dropped", "injected"};
        o.insert(QStringLiteral("edit"), QLatin1String(names[int(f.edit)]));
        if (!f.original.isNull())
            o.insert(QStringLiteral("original_b64"), QString::fromLatin1(f.original.toBase64()));
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

static bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool exportJsonLines(const CaptureSource &source, const QList<qsizetype> &frames, QIODevice &out,
                     const std::atomic<bool> *cancel, QString *errorString)
{
    QList<quint64> written;
    for (qsizetype index : frames) {
        if (cancel && cancel->load())
            return fail(errorString, QObject::tr("Cancelled"));
        const std::optional<FrameRecord> f = source.frame(index);
        if (!f)
            continue;
        if (!written.contains(f->connectionId)) {
            written.append(f->connectionId);
            if (const auto c = source.connection(f->connectionId))
                out.write(connectionJsonLine(*c) + '\n');
        }
        if (out.write(frameJsonLine(*f) + '\n') < 0)
            return fail(errorString, out.errorString());
    }
    return true;
}

bool exportHar(const CaptureSource &source, const QList<qsizetype> &frames, QIODevice &out,
               const std::atomic<bool> *cancel, QString *errorString)
{
    QMap<quint64, QJsonArray> messages;
    for (qsizetype index : frames) {
        if (cancel && cancel->load())
            return fail(errorString, QObject::tr("Cancelled"));
        const std::optional<FrameRecord> f = source.frame(index);
        if (!f || f->unparsed)
            continue;
        const bool data = f->hasMessage;
        const bool control = Opcode::isControl(f->header.opcode);
        if (!data && !control)
            continue; // fragments: the message is on the final frame
        const QByteArray &bytes = data ? f->message : f->payload;
        const int opcode = data && f->header.opcode == Opcode::Continuation ? -1 : int(f->header.opcode);
        const bool text = opcode == Opcode::Text || (opcode == -1 && !bytes.isEmpty() && QString::fromUtf8(bytes).toUtf8() == bytes);
        QJsonObject m{{QStringLiteral("type"), f->direction == Direction::ClientToServer ? QStringLiteral("send") : QStringLiteral("receive")},
                      {QStringLiteral("time"), double(f->timestampUs) / 1e6},
                      {QStringLiteral("opcode"), opcode == -1 ? (text ? 1 : 2) : opcode},
                      {QStringLiteral("data"), text ? QString::fromUtf8(bytes) : QString::fromLatin1(bytes.toBase64())}};
        messages[f->connectionId].append(m);
    }
    QJsonArray entries;
    for (auto it = messages.constBegin(); it != messages.constEnd(); ++it) {
        const std::optional<ConnectionInfo> c = source.connection(it.key());
        if (!c)
            continue;
        QString url = c->url;
        if (url.startsWith(QLatin1String("ws://")))
            url.replace(0, 2, QStringLiteral("http"));
        else if (url.startsWith(QLatin1String("wss://")))
            url.replace(0, 3, QStringLiteral("https"));
        const QDateTime started = QDateTime::fromMSecsSinceEpoch(c->openedUs / 1000, Qt::UTC);
        entries.append(QJsonObject{
            {QStringLiteral("startedDateTime"), started.toString(Qt::ISODateWithMs)},
            {QStringLiteral("time"), c->handshakeDoneUs > c->openedUs ? double(c->handshakeDoneUs - c->openedUs) / 1000.0 : 0.0},
            {QStringLiteral("request"), QJsonObject{{QStringLiteral("method"), QString::fromLatin1(c->requestMethod)},
                                                    {QStringLiteral("url"), url},
                                                    {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                                                    {QStringLiteral("headers"), headersJson(c->requestHeaders)},
                                                    {QStringLiteral("queryString"), QJsonArray()},
                                                    {QStringLiteral("cookies"), QJsonArray()},
                                                    {QStringLiteral("headersSize"), -1},
                                                    {QStringLiteral("bodySize"), 0}}},
            {QStringLiteral("response"), QJsonObject{{QStringLiteral("status"), c->responseStatus},
                                                     {QStringLiteral("statusText"), QString::fromLatin1(c->responseReason)},
                                                     {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
                                                     {QStringLiteral("headers"), headersJson(c->responseHeaders)},
                                                     {QStringLiteral("cookies"), QJsonArray()},
                                                     {QStringLiteral("content"), QJsonObject{{QStringLiteral("size"), 0},
                                                                                             {QStringLiteral("mimeType"), QStringLiteral("x-unknown")}}},
                                                     {QStringLiteral("redirectURL"), QString()},
                                                     {QStringLiteral("headersSize"), -1},
                                                     {QStringLiteral("bodySize"), -1}}},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0}, {QStringLiteral("wait"), 0}, {QStringLiteral("receive"), 0}}},
            {QStringLiteral("_resourceType"), QStringLiteral("websocket")},
            {QStringLiteral("_webSocketMessages"), it.value()}});
    }
    const QJsonObject har{{QStringLiteral("log"), QJsonObject{{QStringLiteral("version"), QStringLiteral("1.2")},
                                                              {QStringLiteral("creator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("wslens")},
                                                                                                      {QStringLiteral("version"), QStringLiteral("0")}}},
                                                              {QStringLiteral("pages"), QJsonArray()},
                                                              {QStringLiteral("entries"), entries}}}};
    if (out.write(QJsonDocument(har).toJson(QJsonDocument::Indented)) < 0)
        return fail(errorString, out.errorString());
    return true;
}

} // namespace wslens::ui
