#include "replay/replayreport.h"

#include "protocol/frame.h"

#include <QJsonArray>
#include <QStringDecoder>

namespace wslens::replay {

namespace {

bool isUtf8(const QByteArray &data)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)decoder.decode(data);
    return !decoder.hasError();
}

QJsonObject messageJson(const ComparedMessage &m)
{
    QJsonObject o;
    o.insert(QLatin1String("opcode"), int(m.opcode));
    if (m.opcode == Opcode::Text && isUtf8(m.data))
        o.insert(QLatin1String("text"), QString::fromUtf8(m.data));
    else
        o.insert(QLatin1String("base64"), QString::fromLatin1(m.data.toBase64()));
    return o;
}

QJsonObject summaryJson(const CompareSummary &s)
{
    QJsonObject o;
    o.insert(QLatin1String("matched"), s.matched);
    o.insert(QLatin1String("differing"), s.differing);
    o.insert(QLatin1String("missing"), s.missing);
    o.insert(QLatin1String("extra"), s.extra);
    return o;
}

QString shortText(const ComparedMessage &m)
{
    QString s;
    if (m.opcode == Opcode::Text && isUtf8(m.data))
        s = QString::fromUtf8(m.data);
    else
        s = QStringLiteral("<binary %1 bytes> %2").arg(m.data.size()).arg(QString::fromLatin1(m.data.left(32).toHex()));
    if (s.size() > 200)
        s = s.left(200) + QStringLiteral("...");
    return s;
}

QString summaryText(const CompareSummary &s)
{
    return QStringLiteral("%1 matched, %2 differing, %3 missing, %4 extra")
        .arg(s.matched)
        .arg(s.differing)
        .arg(s.missing)
        .arg(s.extra);
}

} // namespace

QJsonObject reportJson(const ReplayResult &result)
{
    QJsonArray connections;
    for (const ConnectionReplayResult &c : result.connections) {
        QJsonObject o;
        o.insert(QLatin1String("recorded"), qint64(c.recordedId));
        if (c.replayId)
            o.insert(QLatin1String("replay"), qint64(c.replayId));
        o.insert(QLatin1String("url"), c.url);
        if (!c.error.isEmpty())
            o.insert(QLatin1String("error"), c.error);
        if (!c.note.isEmpty())
            o.insert(QLatin1String("note"), c.note);
        o.insert(QLatin1String("sent"), c.sent);
        o.insert(QLatin1String("sendSpanMs"), c.sendSpanMs);
        o.insert(QLatin1String("replyTimeouts"), c.replyTimeouts);
        o.insert(QLatin1String("summary"), summaryJson(c.summary));
        QJsonArray differences;
        for (const MessageResult &m : c.messages) {
            if (m.verdict == Verdict::Matched)
                continue;
            QJsonObject d;
            d.insert(QLatin1String("index"), m.index);
            d.insert(QLatin1String("result"), verdictName(m.verdict));
            if (m.verdict != Verdict::Extra)
                d.insert(QLatin1String("expected"), messageJson(m.expected));
            if (m.verdict != Verdict::Missing)
                d.insert(QLatin1String("received"), messageJson(m.received));
            differences.append(d);
        }
        o.insert(QLatin1String("differences"), differences);
        connections.append(o);
    }
    QJsonObject root;
    root.insert(QLatin1String("summary"), summaryJson(result.summary));
    root.insert(QLatin1String("elapsedMs"), result.elapsedMs);
    root.insert(QLatin1String("connections"), connections);
    return root;
}

QString reportText(const ReplayResult &result, int maxDifferences)
{
    QString out;
    int shown = 0;
    for (const ConnectionReplayResult &c : result.connections) {
        out += QStringLiteral("connection %1 -> %2: ").arg(c.recordedId).arg(c.url);
        if (!c.error.isEmpty()) {
            out += QStringLiteral("ERROR %1\n").arg(c.error);
            continue;
        }
        out += QStringLiteral("sent %1, %2").arg(c.sent).arg(summaryText(c.summary));
        if (!c.note.isEmpty())
            out += QStringLiteral(" (%1)").arg(c.note);
        out += QLatin1Char('\n');
        for (const MessageResult &m : c.messages) {
            if (m.verdict == Verdict::Matched)
                continue;
            if (shown++ >= maxDifferences)
                continue;
            out += QStringLiteral("  #%1 %2\n").arg(m.index).arg(verdictName(m.verdict));
            if (m.verdict != Verdict::Extra)
                out += QStringLiteral("    expected: %1\n").arg(shortText(m.expected));
            if (m.verdict != Verdict::Missing)
                out += QStringLiteral("    received: %1\n").arg(shortText(m.received));
        }
    }
    if (shown > maxDifferences)
        out += QStringLiteral("  ... %1 more differences (see --report)\n").arg(shown - maxDifferences);
    out += QStringLiteral("total: %1 in %2 ms\n").arg(summaryText(result.summary)).arg(result.elapsedMs);
    return out;
}

} // namespace wslens::replay
