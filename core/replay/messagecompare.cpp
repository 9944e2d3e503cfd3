#include "replay/messagecompare.h"

#include "protocol/frame.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace wslens::replay {

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Matched:
        return QStringLiteral("matched");
    case Verdict::Differing:
        return QStringLiteral("differing");
    case Verdict::Missing:
        return QStringLiteral("missing");
    case Verdict::Extra:
        return QStringLiteral("extra");
    }
    return QString();
}

CompareSummary &CompareSummary::operator+=(const CompareSummary &o)
{
    matched += o.matched;
    differing += o.differing;
    missing += o.missing;
    extra += o.extra;
    return *this;
}

QByteArray normalizedMessage(const ComparedMessage &message, const CompareOptions &options)
{
    if (message.opcode != Opcode::Text)
        return message.data;
    QByteArray text = message.data;
    if (!options.ignore.isEmpty()) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(message.data, &error);
        if (error.error == QJsonParseError::NoError && !doc.isNull()) {
            QJsonValue value = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
            for (const JsonPath &path : options.ignore)
                path.removeFrom(value);
            if (value.isObject())
                text = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
            else if (value.isArray())
                text = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
            else
                text = QByteArrayLiteral("null");
        }
    }
    if (!options.masks.isEmpty()) {
        QString s = QString::fromUtf8(text);
        for (const QRegularExpression &mask : options.masks)
            s.replace(mask, QStringLiteral("<masked>"));
        text = s.toUtf8();
    }
    return text;
}

bool messagesMatch(const ComparedMessage &expected, const ComparedMessage &received, const CompareOptions &options)
{
    if (expected.opcode != received.opcode)
        return false;
    if (expected.data == received.data)
        return true;
    return normalizedMessage(expected, options) == normalizedMessage(received, options);
}

QList<MessageResult> compareSequences(const QList<ComparedMessage> &expected, const QList<ComparedMessage> &received,
                                      const CompareOptions &options, CompareSummary *summary)
{
    QList<MessageResult> out;
    CompareSummary s;
    const qsizetype n = qMax(expected.size(), received.size());
    for (qsizetype i = 0; i < n; ++i) {
        MessageResult r;
        r.index = int(i);
        if (i < expected.size())
            r.expected = expected.at(i);
        if (i < received.size())
            r.received = received.at(i);
        if (i >= received.size()) {
            r.verdict = Verdict::Missing;
            ++s.missing;
        } else if (i >= expected.size()) {
            r.verdict = Verdict::Extra;
            ++s.extra;
        } else if (messagesMatch(r.expected, r.received, options)) {
            r.verdict = Verdict::Matched;
            ++s.matched;
        } else {
            r.verdict = Verdict::Differing;
            ++s.differing;
        }
        out.append(r);
    }
    if (summary)
        *summary = s;
    return out;
}

} // namespace wslens::replay
