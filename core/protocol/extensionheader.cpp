#include "protocol/extensionheader.h"

#include "protocol/httpmessage.h"

namespace wslens {

namespace {

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

// Unquotes a quoted-string; false when malformed.
bool unquote(const QByteArray &s, QByteArray *out)
{
    if (s.size() < 2 || !s.startsWith('"') || !s.endsWith('"'))
        return false;
    QByteArray v;
    bool escaped = false;
    for (qsizetype i = 1; i < s.size() - 1; ++i) {
        const char c = s.at(i);
        if (escaped) {
            v.append(c);
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            return false;
        } else {
            v.append(c);
        }
    }
    if (escaped)
        return false;
    *out = v;
    return true;
}

} // namespace

QByteArray WebSocketExtension::toBytes() const
{
    QByteArray out = name;
    for (const ExtensionParam &p : params) {
        out += "; " + p.name;
        if (p.hasValue)
            out += '=' + p.value;
    }
    return out;
}

bool parseExtensionList(const QByteArray &value, QList<WebSocketExtension> *out, QString *error)
{
    QList<WebSocketExtension> result;
    const QList<QByteArray> elements = http::splitCommaList(value);
    for (const QByteArray &element : elements) {
        const QList<QByteArray> parts = http::splitOutsideQuotes(element, ';');
        WebSocketExtension ext;
        ext.name = parts.at(0);
        if (!http::isToken(ext.name))
            return setError(error, QStringLiteral("extension name \"%1\" is not a token").arg(QLatin1String(ext.name)));
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray &part = parts.at(i);
            ExtensionParam p;
            const qsizetype eq = part.indexOf('=');
            p.name = http::trimOws(eq < 0 ? part : part.left(eq));
            if (!http::isToken(p.name))
                return setError(error, QStringLiteral("parameter \"%1\" of extension %2 is not a token")
                                           .arg(QLatin1String(p.name), QLatin1String(ext.name)));
            if (eq >= 0) {
                QByteArray v = http::trimOws(part.mid(eq + 1));
                if (v.startsWith('"') && !unquote(v, &v))
                    return setError(error, QStringLiteral("malformed quoted value of parameter %1").arg(QLatin1String(p.name)));
                if (!http::isToken(v))
                    return setError(error, QStringLiteral("value of parameter %1 is not a token").arg(QLatin1String(p.name)));
                p.value = v;
                p.hasValue = true;
            }
            ext.params.append(p);
        }
        result.append(ext);
    }
    if (out)
        *out = result;
    return true;
}

QByteArray formatExtensionList(const QList<WebSocketExtension> &extensions)
{
    QByteArray out;
    for (const WebSocketExtension &e : extensions) {
        if (!out.isEmpty())
            out += ", ";
        out += e.toBytes();
    }
    return out;
}

} // namespace wslens
