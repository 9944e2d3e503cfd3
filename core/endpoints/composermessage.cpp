#include "endpoints/composermessage.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

namespace wslens::endpoints {

QString expandVariables(const QString &text, quint64 counter)
{
    if (!text.contains(QLatin1String("{{")))
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype open = text.indexOf(QLatin1String("{{"), i);
        if (open < 0) {
            out += QStringView(text).mid(i);
            break;
        }
        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        if (close < 0) {
            out += QStringView(text).mid(i);
            break;
        }
        out += QStringView(text).mid(i, open - i);
        const QString name = text.mid(open + 2, close - open - 2).trimmed();
        if (name == QLatin1String("counter"))
            out += QString::number(counter);
        else if (name == QLatin1String("uuid"))
            out += QUuid::createUuid().toString(QUuid::WithoutBraces);
        else if (name == QLatin1String("timestamp"))
            out += QString::number(QDateTime::currentMSecsSinceEpoch());
        else if (name == QLatin1String("random"))
            out += QString::number(QRandomGenerator::global()->generate());
        else
            out += QStringView(text).mid(open, close + 2 - open);
        i = close + 2;
    }
    return out;
}

bool composeMessage(ComposerFormat format, const QString &body, quint64 counter, bool defaultMasked,
                    ComposedMessage *out, QString *error)
{
    const QString text = expandVariables(body, counter);
    ComposedMessage m;
    switch (format) {
    case ComposerFormat::Text:
        m.bytes = text.toUtf8();
        break;
    case ComposerFormat::Json: {
        QJsonParseError pe;
        QJsonDocument::fromJson(text.toUtf8(), &pe);
        if (pe.error != QJsonParseError::NoError) {
            *error = QStringLiteral("invalid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
            return false;
        }
        m.bytes = text.toUtf8();
        break;
    }
    case ComposerFormat::Hex:
        m.opcode = 0x2;
        if (!decodeHex(text.toLatin1(), &m.bytes)) {
            *error = QStringLiteral("hex needs an even number of hex digits");
            return false;
        }
        break;
    case ComposerFormat::Base64: {
        m.opcode = 0x2;
        const auto decoded = QByteArray::fromBase64Encoding(text.trimmed().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            *error = QStringLiteral("invalid base64");
            return false;
        }
        m.bytes = *decoded;
        break;
    }
    case ComposerFormat::FrameSpec: {
        CraftedFrame frame;
        if (!parseFrameSpec(text.trimmed(), defaultMasked, &frame, error))
            return false;
        m.raw = true;
        m.bytes = frame.toBytes();
        break;
    }
    }
    *out = m;
    return true;
}

bool prettyJson(const QString &json, QString *out, QString *error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("invalid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return false;
    }
    *out = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    return true;
}

} // namespace wslens::endpoints
