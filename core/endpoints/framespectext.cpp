#include "endpoints/framespectext.h"

#include <QStringList>

namespace wslens::endpoints {

namespace {

bool parseUInt(const QString &text, quint64 max, quint64 *out)
{
    bool ok = false;
    quint64 v = 0;
    if (text.startsWith(QLatin1String("0x"), Qt::CaseInsensitive))
        v = text.mid(2).toULongLong(&ok, 16);
    else
        v = text.toULongLong(&ok, 10);
    if (!ok || v > max)
        return false;
    *out = v;
    return true;
}

} // namespace

bool decodeHex(const QByteArray &hex, QByteArray *out)
{
    QByteArray digits;
    digits.reserve(hex.size());
    for (char c : hex) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':')
            continue;
        const bool isHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!isHex)
            return false;
        digits.append(c);
    }
    if (digits.size() % 2 != 0)
        return false;
    *out = QByteArray::fromHex(digits);
    return true;
}

bool parseFrameSpec(const QString &spec, bool defaultMasked, CraftedFrame *out, QString *error)
{
    CraftedFrame frame;
    frame.spec.masked = defaultMasked;
    bool haveOpcode = false;
    bool havePayload = false;
    QString rest = spec;
    while (!rest.isEmpty()) {
        QString item;
        if (rest.startsWith(QLatin1String("text="))) {
            item = rest; // text takes everything that follows, commas included
            rest.clear();
        } else {
            const qsizetype comma = rest.indexOf(QLatin1Char(','));
            item = comma < 0 ? rest : rest.left(comma);
            rest = comma < 0 ? QString() : rest.mid(comma + 1);
        }
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("'%1' is not key=value").arg(item);
            return false;
        }
        const QString key = item.left(eq).trimmed();
        const QString value = item.mid(eq + 1);
        quint64 n = 0;
        if (key == QLatin1String("opcode")) {
            if (!parseUInt(value.trimmed(), 15, &n)) {
                *error = QStringLiteral("opcode must be 0-15 (got '%1')").arg(value);
                return false;
            }
            frame.spec.opcode = std::uint8_t(n);
            haveOpcode = true;
        } else if (key == QLatin1String("fin")) {
            if (value != QLatin1String("0") && value != QLatin1String("1")) {
                *error = QStringLiteral("fin must be 0 or 1 (got '%1')").arg(value);
                return false;
            }
            frame.spec.fin = value == QLatin1String("1");
        } else if (key == QLatin1String("rsv")) {
            if (!parseUInt(value.trimmed(), 7, &n)) {
                *error = QStringLiteral("rsv must be 0-7 (got '%1')").arg(value);
                return false;
            }
            frame.spec.rsv = std::uint8_t(n);
        } else if (key == QLatin1String("mask")) {
            if (value == QLatin1String("none")) {
                frame.spec.masked = false;
                frame.spec.maskKey.reset();
            } else {
                QByteArray key4;
                if (value.size() != 8 || !decodeHex(value.toLatin1(), &key4) || key4.size() != 4) {
                    *error = QStringLiteral("mask must be 8 hex digits or none (got '%1')").arg(value);
                    return false;
                }
                frame.spec.masked = true;
                frame.spec.maskKey = (std::uint32_t(std::uint8_t(key4[0])) << 24) | (std::uint32_t(std::uint8_t(key4[1])) << 16)
                    | (std::uint32_t(std::uint8_t(key4[2])) << 8) | std::uint32_t(std::uint8_t(key4[3]));
            }
        } else if (key == QLatin1String("len")) {
            if (!parseUInt(value.trimmed(), 0x7FFFFFFFFFFFFFFFull, &n)) {
                *error = QStringLiteral("len must be a length (got '%1')").arg(value);
                return false;
            }
            frame.spec.declaredLength = n;
        } else if (key == QLatin1String("hex")) {
            if (havePayload) {
                *error = QStringLiteral("give only one of text= or hex=");
                return false;
            }
            if (!decodeHex(value.toLatin1(), &frame.payload)) {
                *error = QStringLiteral("hex= needs an even number of hex digits (got '%1')").arg(value);
                return false;
            }
            havePayload = true;
        } else if (key == QLatin1String("text")) {
            if (havePayload) {
                *error = QStringLiteral("give only one of text= or hex=");
                return false;
            }
            frame.payload = value.toUtf8();
            havePayload = true;
        } else {
            *error = QStringLiteral("unknown key '%1' (use opcode, fin, rsv, mask, len, hex, text)").arg(key);
            return false;
        }
    }
    if (!haveOpcode) {
        *error = QStringLiteral("opcode= is required");
        return false;
    }
    *out = frame;
    return true;
}

} // namespace wslens::endpoints
