#include "relay/handshakehold.h"

#include <QList>

namespace wslens::relay {

QByteArray normalizeEditedHead(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    for (QByteArray &line : lines)
        if (line.endsWith('\r'))
            line.chop(1);
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    QByteArray out;
    out.reserve(text.size() + lines.size() + 2);
    for (const QByteArray &line : lines)
        out += line + "\r\n";
    out += "\r\n";
    return out;
}

QString parseEditedHead(const QByteArray &text, bool request, const HttpLimits &limits, HttpHead *head,
                        QByteArray *wire)
{
    const QByteArray normalized = normalizeEditedHead(text);
    const QString what = request ? QStringLiteral("request") : QStringLiteral("response");
    HttpHeadParser parser(request ? HttpMessageKind::Request : HttpMessageKind::Response, limits);
    std::size_t length = 0;
    const HttpHeadParser::Status st = parser.feed(normalized, &length);
    if (st == HttpHeadParser::Status::Error && parser.limitExceeded())
        return QStringLiteral("the edited %1 head is too large: %2").arg(what, parser.errorString());
    if (st != HttpHeadParser::Status::Complete)
        return QStringLiteral("the edited %1 head does not parse: %2")
            .arg(what, st == HttpHeadParser::Status::NeedMore ? QStringLiteral("incomplete") : parser.errorString());
    if (qsizetype(length) != normalized.size())
        return QStringLiteral("the edited %1 head has text after its blank line").arg(what);
    const HttpHead &parsed = parser.head();
    if (!request && parsed.statusCode != 101)
        return QStringLiteral("the edited response must stay 101 Switching Protocols (got %1)").arg(parsed.statusCode);
    if (head)
        *head = parsed;
    if (wire)
        *wire = normalized;
    return QString();
}

} // namespace wslens::relay
