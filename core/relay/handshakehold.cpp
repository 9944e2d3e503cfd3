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

QString parseEditedHead(const QByteArray &text, bool request, const HeadLimits &limits, HttpHead *head,
                        QByteArray *wire)
{
    const QByteArray normalized = normalizeEditedHead(text);
    const QString what = request ? QStringLiteral("request") : QStringLiteral("response");
    HttpHead parsed;
    qsizetype length = 0;
    QByteArray why;
    const HeadStatus st = parseHttpHead(normalized, request, limits, parsed, length, &why);
    if (st == HeadStatus::TooLarge)
        return QStringLiteral("the edited %1 head is too large: %2").arg(what, QString::fromLatin1(why));
    if (st != HeadStatus::Complete)
        return QStringLiteral("the edited %1 head does not parse: %2")
            .arg(what, why.isEmpty() ? QStringLiteral("incomplete") : QString::fromLatin1(why));
    if (length != normalized.size())
        return QStringLiteral("the edited %1 head has text after its blank line").arg(what);
    if (!request && parsed.status != 101)
        return QStringLiteral("the edited response must stay 101 Switching Protocols (got %1)").arg(parsed.status);
    if (head)
        *head = parsed;
    if (wire)
        *wire = normalized;
    return QString();
}

} // namespace wslens::relay
