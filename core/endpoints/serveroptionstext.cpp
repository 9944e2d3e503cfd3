#include "endpoints/serveroptionstext.h"

#include "protocol/httpmessage.h"

#include <QRegularExpression>
#include <QUrl>

namespace wslens::endpoints {

namespace {
constexpr qsizetype kMaxEntryLength = 256;
} // namespace

QStringList splitOptionList(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

bool parseSubprotocols(const QStringList &entries, QList<QByteArray> *out, QString *error)
{
    QList<QByteArray> result;
    for (const QString &entry : entries) {
        const QByteArray name = entry.toLatin1();
        if (entry.size() > kMaxEntryLength || QString::fromLatin1(name) != entry || !http::isToken(name)) {
            *error = QStringLiteral("subprotocol \"%1\" is not a valid name: use letters, digits and "
                                    "!#$%&'*+-.^_`|~ only (no spaces, commas, quotes or slashes)")
                         .arg(entry.left(kMaxEntryLength));
            return false;
        }
        if (!result.contains(name))
            result.append(name);
    }
    *out = result;
    return true;
}

bool parseOrigins(const QStringList &entries, QList<QByteArray> *out, QString *error)
{
    QList<QByteArray> result;
    for (const QString &entry : entries) {
        QByteArray origin;
        if (entry == QLatin1String("null")) {
            origin = QByteArrayLiteral("null");
        } else {
            const QUrl url(entry, QUrl::StrictMode);
            const QString path = url.path();
            const bool ok = entry.size() <= kMaxEntryLength && url.isValid() && !url.scheme().isEmpty()
                && !url.host().isEmpty() && url.userInfo().isEmpty() && !url.hasQuery() && !url.hasFragment()
                && (path.isEmpty() || path == QLatin1String("/")) && entry.contains(QLatin1String("://"));
            if (!ok) {
                *error = QStringLiteral("Origin \"%1\" must look like https://app.example or "
                                        "http://localhost:3000 (scheme://host[:port], no path)")
                             .arg(entry.left(kMaxEntryLength));
                return false;
            }
            // As browsers send it: no path, no default port.
            QUrl bare = url.adjusted(QUrl::RemovePath);
            const QString scheme = bare.scheme();
            const bool secure = scheme == QLatin1String("https") || scheme == QLatin1String("wss");
            const bool plain = scheme == QLatin1String("http") || scheme == QLatin1String("ws");
            if ((secure && bare.port() == 443) || (plain && bare.port() == 80))
                bare.setPort(-1);
            origin = bare.toEncoded();
        }
        if (!result.contains(origin))
            result.append(origin);
    }
    *out = result;
    return true;
}

} // namespace wslens::endpoints
