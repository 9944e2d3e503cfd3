#include "tls/leafname.h"

#include <QHostAddress>
#include <QUrl>

namespace wslens::tls {

namespace {

constexpr qsizetype MaxHostLength = 253; // RFC 1035 limit of a DNS name in text form
constexpr qsizetype MaxLabelLength = 63;

bool fail(QString *error, const QString &reason)
{
    if (error)
        *error = reason;
    return false;
}

bool isLabelChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-' || u == u'_';
}

} // namespace

bool LeafName::parse(const QString &hostOrIp, LeafName *out, QString *error)
{
    // Cut early: nothing longer than a DNS name (plus brackets) can be valid.
    if (hostOrIp.size() > MaxHostLength + 2)
        return fail(error, QStringLiteral("host name is longer than %1 characters").arg(MaxHostLength));
    QString host = hostOrIp.trimmed();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty())
        return fail(error, QStringLiteral("host name is empty"));

    QHostAddress address;
    if (!host.contains(QLatin1Char('%')) && address.setAddress(host)) {
        LeafName name;
        name.kind = Kind::Ip;
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            const quint32 v4 = address.toIPv4Address();
            const char bytes[4] = {char(v4 >> 24), char(v4 >> 16), char(v4 >> 8), char(v4)};
            name.ipBytes = QByteArray(bytes, 4);
        } else {
            const Q_IPV6ADDR v6 = address.toIPv6Address();
            name.ipBytes = QByteArray(reinterpret_cast<const char *>(v6.c), 16);
        }
        name.text = address.toString();
        *out = name;
        return true;
    }

    if (host.endsWith(QLatin1Char('.')))
        host.chop(1);
    bool plainAscii = true;
    for (const QChar c : std::as_const(host))
        plainAscii = plainAscii && c.unicode() < 0x80;
    // Only internationalised names go through IDNA; ASCII is checked below as is.
    const QString ascii = plainAscii ? host : QString::fromLatin1(QUrl::toAce(host));
    if (ascii.isEmpty())
        return fail(error, QStringLiteral("'%1' is not a valid host name").arg(host));
    const QString lower = ascii.toLower();
    if (lower.size() > MaxHostLength)
        return fail(error, QStringLiteral("host name is longer than %1 characters").arg(MaxHostLength));

    const QStringList labels = lower.split(QLatin1Char('.'));
    for (qsizetype i = 0; i < labels.size(); ++i) {
        const QString &label = labels.at(i);
        if (label.isEmpty())
            return fail(error, QStringLiteral("host name '%1' has an empty label").arg(lower));
        if (label.size() > MaxLabelLength)
            return fail(error, QStringLiteral("a label of '%1' is longer than %2 characters").arg(lower).arg(MaxLabelLength));
        if (i == 0 && label == QLatin1String("*") && labels.size() > 2)
            continue; // "*.example.com": a wildcard in the leftmost label only
        for (const QChar c : label) {
            if (!isLabelChar(c))
                return fail(error, QStringLiteral("host name '%1' contains a character not allowed in a certificate name").arg(lower));
        }
    }
    LeafName name;
    name.kind = Kind::Dns;
    name.text = lower;
    *out = name;
    return true;
}

} // namespace wslens::tls
