#pragma once

#include <QHostAddress>
#include <QString>

namespace wslens::endpoints {

// "127.0.0.1:8080" or "[::1]:8080", as ConnectionInfo endpoints are written.
inline QString endpointOf(const QHostAddress &address, quint16 port)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(address.toString()).arg(port);
}

// The reverse, for listen addresses typed by a user: "127.0.0.1:9001",
// "[::1]:0", "localhost:9000" (= 127.0.0.1). False when it is not host:port.
inline bool parseEndpoint(const QString &text, QHostAddress *address, quint16 *port)
{
    const QString t = text.trimmed();
    const qsizetype colon = t.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = t.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint p = t.mid(colon + 1).toUInt(&ok);
    QHostAddress parsed;
    if (!ok || p > 65535 || !parsed.setAddress(host))
        return false;
    *address = parsed;
    *port = quint16(p);
    return true;
}

} // namespace wslens::endpoints
